package dev.lanyard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A script's view of the demo: plain HTTP/1.1, cookies handled by hand, no redirects followed. */
final class DemoHttp {

    /**
     * How long a request may take: a bound for a server that hangs, not a latency promise. The first requests
     * load and compile much of the demo, and each login hashes a password, which a loaded machine makes slow.
     */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private static final Pattern SESSION_COOKIE = Pattern.compile("^__Host-session=([A-Za-z0-9_-]*)");

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    HttpResponse<String> get(DemoServer node, String path, String cookie) throws Exception {
        return send(node, "GET", path, cookie, null, null);
    }

    HttpResponse<String> post(DemoServer node, String path, String cookie, String form) throws Exception {
        return send(node, "POST", path, cookie, form, null);
    }

    HttpResponse<String> bearer(DemoServer node, String path, String accessToken) throws Exception {
        return send(node, "GET", path, null, null, accessToken);
    }

    private HttpResponse<String> send(
            DemoServer node, String method, String path, String cookie, String form, String accessToken)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path))
                .timeout(REQUEST_TIMEOUT);
        if (cookie != null) {
            request.header("Cookie", "__Host-session=" + cookie);
        }
        if (accessToken != null) {
            request.header("Authorization", "Bearer " + accessToken);
        }
        if (form != null) {
            request.header("Content-Type", "application/x-www-form-urlencoded");
        }
        request.method(
                method, form == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(form));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Logs in (no session yet, so no CSRF token is needed) and returns the new session ID. */
    String logIn(DemoServer node, String user, String password) throws Exception {
        HttpResponse<String> login = post(node, "/login", null, "username=" + user + "&password=" + password);
        assertThat(login.statusCode()).as("login of %s", user).isEqualTo(302);
        return sessionCookie(login);
    }

    /** The session ID a response sets ("" when it clears the cookie). */
    static String sessionCookie(HttpResponse<String> response) {
        for (String header : response.headers().allValues("Set-Cookie")) {
            Matcher m = SESSION_COOKIE.matcher(header);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no session cookie in " + response.headers().allValues("Set-Cookie"));
    }

    /** The session's CSRF token, from {@code GET /api/csrf}. */
    String csrfToken(DemoServer node, String cookie) throws Exception {
        return field(get(node, "/api/csrf", cookie).body(), "token");
    }

    /** A string field of a flat JSON answer. */
    static String field(String json, String name) {
        Matcher m =
                Pattern.compile("\"" + Pattern.quote(name) + "\":\"([^\"]*)\"").matcher(json);
        assertThat(m.find()).as("field %s in %s", name, json).isTrue();
        return m.group(1);
    }
}
