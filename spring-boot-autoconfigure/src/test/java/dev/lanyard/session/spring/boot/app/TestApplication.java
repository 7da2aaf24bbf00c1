package dev.lanyard.session.spring.boot.app;

import dev.lanyard.session.servlet.LanyardSessions;
import dev.lanyard.session.spring.security.LanyardAuthorization;
import dev.lanyard.session.spring.security.SignOutEverywhere;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Map;
import java.util.TreeSet;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A small Boot application with form login, for the integration tests. */
@SpringBootApplication
public class TestApplication {

    /** The password of every test user. */
    public static final String PASSWORD = "correct horse";

    /**
     * The chain; {@code test.maximum-sessions} and {@code test.prevents-login} write Spring
     * Security's {@code maximumSessions(n)} DSL, as an application would.
     */
    @Bean
    SecurityFilterChain chain(
            HttpSecurity http,
            @Value("${test.maximum-sessions:0}") int maximumSessions,
            @Value("${test.prevents-login:false}") boolean preventsLogin)
            throws Exception {
        if (maximumSessions > 0) {
            http.sessionManagement(
                    session -> session.maximumSessions(maximumSessions).maxSessionsPreventsLogin(preventsLogin));
        }
        http.authorizeHttpRequests(auth -> auth.requestMatchers("/actuator/**", "/public")
                        .permitAll()
                        .requestMatchers("/admin/**")
                        .hasRole("ADMIN")
                        .requestMatchers("/recent")
                        .access(LanyardAuthorization.authenticatedWithin(Duration.ofMinutes(10)))
                        .anyRequest()
                        .authenticated())
                .formLogin(form -> form.defaultSuccessUrl("/me", true))
                .logout(logout -> logout.logoutSuccessUrl("/public"))
                .csrf(csrf -> csrf.ignoringRequestMatchers("/actuator/**"));
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice")
                        .password("{noop}" + PASSWORD)
                        .roles("USER", "ADMIN")
                        .build(),
                User.withUsername("bob")
                        .password("{noop}" + PASSWORD)
                        .roles("USER")
                        .build(),
                User.withUsername("carol")
                        .password("{noop}" + PASSWORD)
                        .roles("USER")
                        .build());
    }

    /** Answers who the user is and which session object the application sees. */
    @RestController
    static class Pages {

        @GetMapping("/me")
        Map<String, Object> me(Authentication authentication, HttpServletRequest request) {
            TreeSet<String> roles = new TreeSet<>();
            for (GrantedAuthority authority : authentication.getAuthorities()) {
                roles.add(authority.getAuthority());
            }
            return Map.of(
                    "name",
                    authentication.getName(),
                    "roles",
                    String.join(",", roles),
                    "sessionId",
                    request.getSession().getId(),
                    "handle",
                    LanyardSessions.of(request).handle().map(h -> h.value()).orElse(""));
        }

        @GetMapping("/public")
        String open() {
            return "public";
        }

        @GetMapping("/admin/page")
        String admin() {
            return "admin";
        }

        @GetMapping("/recent")
        String recent() {
            return "recent";
        }

        @PostMapping("/everywhere")
        String everywhere(HttpServletRequest request) {
            return "ended " + SignOutEverywhere.signOut(request);
        }
    }
}
