package dev.lanyard.examples.boot;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionSummary;
import dev.lanyard.session.jwt.AccessTokenIssuer;
import dev.lanyard.session.jwt.AccessTokenVerifier;
import dev.lanyard.session.jwt.VerificationMode;
import dev.lanyard.session.jwt.VerifiedToken;
import dev.lanyard.session.jwt.servlet.BearerAuthenticator;
import dev.lanyard.session.servlet.LanyardSessions;
import dev.lanyard.session.spring.security.AuthenticationMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.HtmlUtils;

/**
 * A Spring Boot shop front on the Lanyard starter. Pages: {@code /} (who am I), {@code /cart} (a cart in the
 * {@code HttpSession}, open to anonymous visitors and kept across login), {@code /devices} (the user's
 * sessions, each with a revoke button), {@code /admin} (change a user's roles; the change reaches that user's
 * sessions on every node at once), {@code POST /token} (an access token for this session) and {@code /api/me}
 * (bearer tokens only). Users: alice (admin) and bob, password {@code password} (a demo, never do this).
 */
@SpringBootApplication
public class ShopApplication {

    public static void main(String[] args) {
        SpringApplication.run(ShopApplication.class, args);
    }

    /** {@code /api/**}: bearer tokens, checked against the session (revoked session, stale version: refused). */
    @Bean
    @Order(1)
    SecurityFilterChain api(HttpSecurity http, AccessTokenVerifier verifier, RoleDirectory roles) throws Exception {
        BearerAuthenticator bearer = BearerAuthenticator.create(verifier, VerificationMode.CHECKED);
        http.securityMatcher("/api/**")
                .authorizeHttpRequests(auth -> auth.anyRequest().authenticated())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .csrf(csrf -> csrf.disable())
                .addFilterBefore(
                        new OncePerRequestFilter() {
                            @Override
                            protected void doFilterInternal(
                                    HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                                    throws ServletException, IOException {
                                Optional<VerifiedToken> token = bearer.authenticate(request, response);
                                if (token.isEmpty()) {
                                    return; // answered 401 or 503 already
                                }
                                String user = token.get().subject();
                                SecurityContextHolder.getContext()
                                        .setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                                                user,
                                                null,
                                                AuthenticationMapper.authorities(
                                                        roles.rolesOf(user).orElse(Set.of()))));
                                chain.doFilter(request, response);
                            }
                        },
                        AuthorizationFilter.class);
        return http.build();
    }

    /** Everything else: form login, sessions in Lanyard (applied by the starter). */
    @Bean
    @Order(2)
    SecurityFilterChain web(HttpSecurity http) throws Exception {
        http.authorizeHttpRequests(auth -> auth.requestMatchers("/actuator/health/**", "/cart")
                        .permitAll()
                        .requestMatchers("/admin/**", "/admin", "/actuator/**")
                        .hasRole("ADMIN")
                        .anyRequest()
                        .authenticated())
                .formLogin(form -> form.defaultSuccessUrl("/", true));
        return http.build();
    }

    @Bean
    UserDetailsService users() {
        return new InMemoryUserDetailsManager(
                User.withUsername("alice")
                        .password("{noop}password")
                        .roles("ADMIN", "USER")
                        .build(),
                User.withUsername("bob")
                        .password("{noop}password")
                        .roles("USER")
                        .build());
    }

    @Bean
    RoleDirectory roleDirectory(SessionManager manager) {
        return new RoleDirectory(manager);
    }

    /**
     * The extension point in use: roles come from the shared directory when an administrator changed them, so a
     * change is in force on every node at the user's next request, without a new login.
     */
    @Bean
    AuthenticationMapper directoryRoles(RoleDirectory directory) {
        return new AuthenticationMapper() {
            @Override
            public Authentication restore(String userId, Set<String> roles) {
                return AuthenticationMapper.super.restore(
                        userId, directory.rolesOf(userId).orElse(roles));
            }
        };
    }

    @RestController
    static class Pages {

        /** The cart's attribute name, the one {@code lanyard.login-attributes} lets cross a login. */
        static final String CART = "cart";

        private static final Map<String, String> ITEMS = items();

        private final SessionManager manager;
        private final RoleDirectory directory;
        private final AccessTokenIssuer issuer;

        private static Map<String, String> items() {
            Map<String, String> items = new LinkedHashMap<>();
            items.put("lanyard", "Lanyard, navy blue");
            items.put("badge", "Badge holder");
            items.put("clip", "Badge clip");
            return Collections.unmodifiableMap(items);
        }

        Pages(SessionManager manager, RoleDirectory directory, AccessTokenIssuer issuer) {
            this.manager = manager;
            this.directory = directory;
            this.issuer = issuer;
        }

        @GetMapping(value = "/", produces = MediaType.TEXT_HTML_VALUE)
        String home(Authentication user, HttpServletRequest request) {
            return page("Signed in as " + esc(user.getName()) + " "
                    + esc(user.getAuthorities().toString())
                    + "<p><a href='/cart'>Your cart</a> · <a href='/devices'>Your devices</a> · "
                    + "<a href='/admin'>Admin</a></p>"
                    + form("/logout", request, "", "Sign out")
                    + form("/devices/revoke-others", request, "", "Sign out everywhere else"));
        }

        /**
         * The cart: plain {@code HttpSession} code. An anonymous visitor's cart crosses the login because
         * {@code lanyard.login-attributes=cart} names it (nothing else of the anonymous session does), and it ends
         * with its session: logout, revoke, expiry.
         */
        @GetMapping(value = "/cart", produces = MediaType.TEXT_HTML_VALUE)
        String cart(HttpServletRequest request) {
            String user = request.getRemoteUser();
            StringBuilder body = new StringBuilder(
                    user == null
                            ? "<p id='who'>Not signed in · <a href='/login'>Sign in</a></p>"
                            : "<p id='who'>Signed in as " + esc(user) + " · <a href='/'>Home</a></p>");
            body.append("<ul id='items'>");
            ITEMS.forEach((item, name) -> body.append("<li>")
                    .append(esc(name))
                    .append(form(
                            "/cart",
                            request,
                            "<input type='hidden' name='item' value='" + esc(item) + "'>",
                            "Add to cart"))
                    .append("</li>"));
            body.append("</ul><h2>Cart</h2>");
            Map<String, Integer> cart = cartOf(request.getSession(false));
            if (cart.isEmpty()) {
                body.append("<p id='cart'>Your cart is empty.</p>");
            } else {
                body.append("<ul id='cart'>");
                cart.forEach((item, count) -> body.append("<li>")
                        .append(esc(ITEMS.get(item)))
                        .append(" × ")
                        .append(count)
                        .append("</li>"));
                body.append("</ul>");
            }
            return page(body.toString());
        }

        @PostMapping("/cart")
        void addToCart(@RequestParam String item, HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            if (!ITEMS.containsKey(item)) {
                response.sendError(HttpServletResponse.SC_BAD_REQUEST, "unknown item");
                return;
            }
            HttpSession session = request.getSession(); // the page's CSRF token created it
            TreeMap<String, Integer> cart = new TreeMap<>(cartOf(session));
            cart.merge(item, 1, Integer::sum);
            session.setAttribute(CART, cart); // java.util values: allowed without lanyard.allowed-packages
            response.sendRedirect("/cart");
        }

        /** Reads the cart; anything unexpected in the attribute counts as an empty cart. */
        private static Map<String, Integer> cartOf(HttpSession session) {
            Map<String, Integer> cart = new TreeMap<>();
            if (session != null && session.getAttribute(CART) instanceof Map<?, ?> stored) {
                stored.forEach((item, count) -> {
                    if (item instanceof String name && ITEMS.containsKey(name) && count instanceof Integer n) {
                        cart.put(name, n);
                    }
                });
            }
            return cart;
        }

        @GetMapping(value = "/devices", produces = MediaType.TEXT_HTML_VALUE)
        String devices(HttpServletRequest request) {
            LanyardSessions sessions = LanyardSessions.of(request);
            String current = sessions.handle().map(SessionHandle::value).orElse("");
            StringBuilder rows = new StringBuilder("<ul id='devices'>");
            for (SessionSummary s : sessions.sessions()) {
                rows.append("<li>")
                        .append(esc(s.client().userAgent()))
                        .append(" · last used ")
                        .append(s.lastAccessedAt())
                        .append(
                                s.handle().value().equals(current)
                                        ? " (this device)"
                                        : form(
                                                "/devices/revoke",
                                                request,
                                                "<input type='hidden' name='handle' value='"
                                                        + s.handle().value() + "'>",
                                                "Revoke"))
                        .append("</li>");
            }
            return page(rows.append("</ul>").toString());
        }

        @PostMapping("/devices/revoke")
        void revoke(@RequestParam String handle, HttpServletRequest request, HttpServletResponse response)
                throws IOException {
            if (SessionHandle.isWellFormed(handle)) {
                LanyardSessions.of(request).revoke(SessionHandle.of(handle));
            }
            response.sendRedirect("/devices");
        }

        @PostMapping("/devices/revoke-others")
        void revokeOthers(HttpServletRequest request, HttpServletResponse response) throws IOException {
            LanyardSessions.of(request).revokeOthers();
            response.sendRedirect("/devices");
        }

        @GetMapping(value = "/admin", produces = MediaType.TEXT_HTML_VALUE)
        String admin(HttpServletRequest request) {
            return page(form(
                    "/admin/roles",
                    request,
                    "User <input name='user' value='bob'> roles <input name='roles' " + "value='ROLE_USER,ROLE_ADMIN'>",
                    "Change roles"));
        }

        @PostMapping("/admin/roles")
        void changeRoles(@RequestParam String user, @RequestParam String roles, HttpServletResponse response)
                throws IOException {
            directory.setRoles(user, Set.of(roles.split("\\s*,\\s*")));
            response.sendRedirect("/admin");
        }

        @PostMapping("/token")
        Map<String, Object> token(HttpServletRequest request) {
            var issued = issuer.issue(LanyardSessions.of(request).session().orElseThrow());
            return Map.of(
                    "access_token",
                    issued.value(),
                    "token_type",
                    "Bearer",
                    "expires_at",
                    issued.expiresAt().toString());
        }

        @GetMapping("/api/me")
        Map<String, Object> apiMe(Authentication user) {
            return Map.of("user", user.getName(), "roles", user.getAuthorities().toString());
        }

        private static String form(String action, HttpServletRequest request, String fields, String button) {
            var csrf = (org.springframework.security.web.csrf.CsrfToken) request.getAttribute("_csrf");
            return "<form method='post' action='" + action + "'>" + fields + "<input type='hidden' name='"
                    + csrf.getParameterName() + "' value='" + csrf.getToken() + "'><button>" + button
                    + "</button></form>";
        }

        private static String page(String body) {
            return "<!doctype html><html><head><meta charset='utf-8'><title>Lanyard shop</title></head><body>" + body
                    + "</body></html>";
        }

        private static String esc(String text) {
            return HtmlUtils.htmlEscape(text == null ? "" : text);
        }
    }
}
