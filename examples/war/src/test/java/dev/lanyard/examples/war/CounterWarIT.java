package dev.lanyard.examples.war;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Deploys the packaged application, web.xml and all, into embedded Tomcat 11 and proves that the
 * servlet's {@code HttpSession} counter lives in a Lanyard session.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CounterWarIT {

    private static final Logger TOMCAT_LOGS =
            Logger.getLogger("org.apache"); // a strong reference: JUL holds loggers weakly
    /**
     * How long a request may take: a bound for a server that hangs, not a latency promise. The first request
     * loads and compiles the web application's classes, which a loaded machine makes slow.
     */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern SESSION_COOKIE = Pattern.compile("^__Host-session=([A-Za-z0-9_-]+);");

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private Tomcat tomcat;
    private int port;

    @BeforeAll
    void deploy() throws Exception {
        File webapp = new File(System.getProperty("webapp.dir", "target/lanyard-war-example-0.1.0-SNAPSHOT"));
        assertThat(new File(webapp, "WEB-INF/web.xml"))
                .as("the packaged application (run mvn verify)")
                .exists();
        TOMCAT_LOGS.setLevel(Level.WARNING);
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("lanyard-war-it").toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.setAddDefaultWebXmlToWebapp(false); // no JSP support needed
        tomcat.addWebapp("", webapp.getAbsolutePath());
        tomcat.start();
        port = tomcat.getConnector().getLocalPort();
    }

    @AfterAll
    void undeploy() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void theCounterSurvivesAcrossRequestsInALanyardSession() throws Exception {
        HttpResponse<String> first = get(null);
        assertThat(first.body()).contains("visited 1 time");
        List<String> setCookies = first.headers().allValues("Set-Cookie");
        assertThat(setCookies).noneMatch(c -> c.startsWith("JSESSIONID"));
        Matcher cookie = SESSION_COOKIE.matcher(setCookies.stream()
                .filter(c -> c.startsWith("__Host-session="))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Lanyard cookie in " + setCookies)));
        assertThat(cookie.find()).isTrue();
        assertThat(setCookies.get(0)).contains("Secure").contains("HttpOnly").contains("SameSite=Lax");

        assertThat(get(cookie.group(1)).body()).contains("visited 2 time");
        assertThat(get(cookie.group(1)).body()).contains("visited 3 time");
        assertThat(get(null).body()).as("another visitor").contains("visited 1 time");
    }

    @Test
    void anUnknownSessionCookieStartsAFreshCount() throws Exception {
        HttpResponse<String> response = get("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("visited 1 time");
    }

    @Test
    void theApplicationsOwnSessionListenersHearOfLanyardSessions() throws Exception {
        Map<String, Integer> before = audit(null, "");
        HttpResponse<String> first = get(null);
        String id = sessionId(first);
        Map<String, Integer> during = audit(id, "");
        leave(id);
        Map<String, Integer> after = audit(null, "");

        // SessionAudit is declared in web.xml, ActiveSessions is a @WebListener: both are told.
        assertThat(delta(before, during, "created")).isEqualTo(1);
        assertThat(delta(before, during, "attributesAdded")).isEqualTo(1);
        assertThat(delta(before, during, "active+")).isEqualTo(1);
        assertThat(delta(before, during, "destroyed")).isZero();
        assertThat(delta(during, after, "destroyed")).isEqualTo(1);
        assertThat(delta(during, after, "active-")).isEqualTo(1);
        assertThat(get(id).body()).as("invalidated everywhere").contains("visited 1 time");
    }

    @Test
    void aCrossSiteGetLinkCannotLogAVisitorOut() throws Exception {
        String id = sessionId(get(null));
        assertThat(get(id).body()).contains("visited 2 time");

        // What an <img src> or a link on another site sends: a GET with the visitor's cookie.
        HttpRequest.Builder link = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/audit?leave"))
                .timeout(REQUEST_TIMEOUT)
                .header("Cookie", "__Host-session=" + id)
                .header("Sec-Fetch-Site", "cross-site");
        http.send(link.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(get(id).body()).as("still logged in").contains("visited 3 time");
        assertThat(leave(id)).isEqualTo(200);
        assertThat(get(id).body()).as("a same-origin POST ends it").contains("visited 1 time");
    }

    private int leave(String sessionId) throws Exception {
        String origin = "http://127.0.0.1:" + port;
        HttpRequest request = HttpRequest.newBuilder(URI.create(origin + "/audit"))
                .timeout(REQUEST_TIMEOUT)
                .header("Cookie", "__Host-session=" + sessionId)
                .header("Origin", origin)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("leave=1"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static int delta(Map<String, Integer> from, Map<String, Integer> to, String name) {
        return to.getOrDefault(name, 0) - from.getOrDefault(name, 0);
    }

    private Map<String, Integer> audit(String sessionId, String query) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/audit" + query))
                .timeout(REQUEST_TIMEOUT);
        if (sessionId != null) {
            request.header("Cookie", "__Host-session=" + sessionId);
        }
        String body = http.send(request.build(), HttpResponse.BodyHandlers.ofString())
                .body()
                .trim();
        Map<String, Integer> counts = new java.util.TreeMap<>();
        String inner = body.substring(1, body.length() - 1);
        for (String entry : inner.isEmpty() ? new String[0] : inner.split(", ")) {
            int eq = entry.indexOf('=');
            counts.put(entry.substring(0, eq), Integer.parseInt(entry.substring(eq + 1)));
        }
        return counts;
    }

    private static String sessionId(HttpResponse<String> response) {
        Matcher cookie = SESSION_COOKIE.matcher(response.headers().allValues("Set-Cookie").stream()
                .filter(c -> c.startsWith("__Host-session="))
                .findFirst()
                .orElseThrow());
        assertThat(cookie.find()).isTrue();
        return cookie.group(1);
    }

    private HttpResponse<String> get(String sessionId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/count"))
                .timeout(REQUEST_TIMEOUT);
        if (sessionId != null) {
            request.header("Cookie", "__Host-session=" + sessionId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
