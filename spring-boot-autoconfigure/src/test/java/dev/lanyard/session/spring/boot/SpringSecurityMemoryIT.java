package dev.lanyard.session.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.spring.boot.app.Browser;
import dev.lanyard.session.spring.boot.app.TestApplication;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.RegistrationBean;
import org.springframework.context.ApplicationContext;

/** The starter in a real Boot application with Spring Security, on a real port, over the memory store. */
@SpringBootTest(
        classes = TestApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "lanyard.cookie-name=SESSION",
            "lanyard.cookie-secure=false",
            "lanyard.idle-timeout=20m",
            "lanyard.routes[/public].failure-mode=open",
            "management.endpoints.web.exposure.include=health,sessions"
        })
class SpringSecurityMemoryIT {

    @LocalServerPort
    int port;

    @Autowired
    ApplicationContext context;

    @Autowired
    SessionManager manager;

    @Test
    void propertiesBindIntoTheManager() {
        assertThat(manager.policy().idleTimeout()).hasMinutes(20);
        assertThat(context.getBean(LanyardProperties.class).getRoutes()).containsKey("/public");
    }

    @Test
    void theFilterIsRegisteredAheadOfSpringSecuritysChain() {
        FilterRegistrationBean<?> lanyard =
                (FilterRegistrationBean<?>) context.getBean(LanyardAutoConfiguration.FILTER_REGISTRATION_BEAN);
        RegistrationBean security = (RegistrationBean) context.getBean("securityFilterChainRegistration");
        assertThat(lanyard.getOrder()).isLessThan(security.getOrder());
        assertThat(lanyard.isAsyncSupported()).isTrue();
    }

    @Test
    void springSecuritySeesLanyardsSessionAndTheUserSurvivesWithoutJavaSerialization() {
        Browser browser = new Browser(port);
        assertThat(browser.login("alice", TestApplication.PASSWORD).headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/me"));
        HttpResponse<String> me = browser.get("/me");
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body())
                .contains("\"name\":\"alice\"")
                .contains("ROLE_ADMIN")
                .contains("ROLE_USER")
                .contains("\"sessionId\":\"" + handleOf(me.body()) + "\"");
    }

    @Test
    void loginMovesTheSessionToANewIdAndTheOldOneIsDead() {
        Browser browser = new Browser(port);
        String csrf = browser.csrfFromLoginPage();
        String anonymous = browser.cookie().orElseThrow();
        browser.post(
                "/login",
                "username=bob&password=correct+horse&_csrf="
                        + java.net.URLEncoder.encode(csrf, java.nio.charset.StandardCharsets.UTF_8));
        String loggedIn = browser.cookie().orElseThrow();
        assertThat(loggedIn).isNotEqualTo(anonymous);

        Browser attacker = new Browser(port);
        attacker.cookie(anonymous);
        assertThat(attacker.get("/me").statusCode()).isEqualTo(302);
        assertThat(browser.get("/me").body()).contains("\"name\":\"bob\"");
    }

    @Test
    void wrongPasswordCreatesNoLogin() {
        Browser browser = new Browser(port);
        assertThat(browser.login("bob", "wrong").headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).contains("/login?error"));
        assertThat(browser.get("/me").statusCode()).isEqualTo(302);
    }

    @Test
    void aFailedLoginKeepsItsMessageButNotItsExceptionInTheSession() {
        Browser browser = new Browser(port);
        browser.login("bob", "wrong");
        dev.lanyard.session.Session session =
                manager.resolve(browser.cookie().orElseThrow()).session().orElseThrow();
        assertThat(session.attributes())
                .doesNotContainKey("SPRING_SECURITY_LAST_EXCEPTION")
                .containsEntry("dev.lanyard.session.spring.lastAuthenticationFailure", "Bad credentials");
        HttpResponse<String> page = browser.get("/login?error");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("alert");
        assertThat(browser.login("bob", TestApplication.PASSWORD).headers().firstValue("Location"))
                .hasValueSatisfying(location -> assertThat(location).endsWith("/me"));
    }

    @Test
    void logoutEndsTheSessionInTheStore() {
        Browser browser = new Browser(port);
        browser.login("carol", TestApplication.PASSWORD);
        String session = browser.cookie().orElseThrow();
        String handle = handleOf(browser.get("/me").body());
        browser.logout(browser.csrfFromLoginPage());
        assertThat(manager.sessionsOf("carol"))
                .noneMatch(s -> s.handle().value().equals(handle));
        Browser replay = new Browser(port);
        replay.cookie(session);
        assertThat(replay.get("/me").statusCode()).isEqualTo(302);
    }

    @Test
    void roleRulesUseTheRebuiltAuthorities() {
        Browser admin = new Browser(port);
        admin.login("alice", TestApplication.PASSWORD);
        assertThat(admin.get("/admin/page").statusCode()).isEqualTo(200);
        Browser user = new Browser(port);
        user.login("bob", TestApplication.PASSWORD);
        assertThat(user.get("/admin/page").statusCode()).isEqualTo(403);
    }

    @Test
    void stepUpRuleGrantsARecentLogin() {
        Browser browser = new Browser(port);
        browser.login("bob", TestApplication.PASSWORD);
        assertThat(browser.get("/recent").statusCode()).isEqualTo(200);
    }

    @Test
    void signOutEverywhereEndsEverySessionOfTheUser() {
        Browser phone = new Browser(port);
        phone.login("alice", TestApplication.PASSWORD);
        Browser laptop = new Browser(port);
        laptop.login("alice", TestApplication.PASSWORD);
        String csrf = laptop.csrfFromLoginPage();
        HttpResponse<String> ended = laptop.post(
                "/everywhere", "_csrf=" + java.net.URLEncoder.encode(csrf, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(ended.body()).startsWith("ended ");
        assertThat(phone.get("/me").statusCode()).isEqualTo(302);
        assertThat(laptop.get("/me").statusCode()).isEqualTo(302);
        assertThat(manager.sessionsOf("alice")).isEmpty();
    }

    @Test
    void sessionsEndpointListsAndRevokes() {
        Browser browser = new Browser(port);
        browser.login("bob", TestApplication.PASSWORD);
        String handle = handleOf(browser.get("/me").body());
        Browser operator = new Browser(port);
        assertThat(operator.get("/actuator/sessions?username=bob").body()).contains(handle);
        HttpResponse<String> revoked = operator.delete("/actuator/sessions/" + handle);
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(revoked.body()).contains("\"revoked\":1");
        assertThat(browser.get("/me").statusCode()).isEqualTo(302);
    }

    static String handleOf(String meJson) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"handle\":\"([^\"]+)\"").matcher(meJson);
        assertThat(m.find()).as("handle in %s", meJson).isTrue();
        return m.group(1);
    }
}
