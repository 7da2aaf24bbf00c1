package dev.lanyard.session.spring.boot.app;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal cookie-keeping client for one user agent: it holds the one session cookie, follows no redirects, and
 * can be pointed at another application instance (the same cookie presented to a second node).
 */
public final class Browser {

    /** The cookie name the tests configure (plain HTTP, so no __Host- prefix). */
    public static final String COOKIE = "SESSION";

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"");

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private String base;
    private volatile String cookie;

    public Browser(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** Points this browser at another instance, keeping its cookie. */
    public Browser at(int port) {
        this.base = "http://127.0.0.1:" + port;
        return this;
    }

    public Optional<String> cookie() {
        return Optional.ofNullable(cookie);
    }

    public void cookie(String value) {
        this.cookie = value;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public HttpResponse<String> post(String path, String form) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    public HttpResponse<String> delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    /** The CSRF token of the login page (which creates the anonymous session that holds it). */
    public String csrfFromLoginPage() {
        HttpResponse<String> page = get("/login");
        Matcher m = CSRF.matcher(page.body());
        if (!m.find()) {
            throw new IllegalStateException(
                    "no CSRF token on the login page: " + page.statusCode() + " " + page.body());
        }
        return m.group(1);
    }

    /** Logs in through the form; returns the response (302 to /me on success, to /login?error on failure). */
    public HttpResponse<String> login(String user, String password) {
        String csrf = csrfFromLoginPage();
        return post("/login", "username=" + enc(user) + "&password=" + enc(password) + "&_csrf=" + enc(csrf));
    }

    /** Logs out through Spring Security's logout (POST with the CSRF token of an authenticated page). */
    public HttpResponse<String> logout(String csrf) {
        return post("/logout", "_csrf=" + enc(csrf));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        if (cookie != null) {
            request.header("Cookie", COOKIE + "=" + cookie);
        }
        request.timeout(Duration.ofSeconds(90));
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (String set : response.headers().allValues("Set-Cookie")) {
                if (set.startsWith(COOKIE + "=")) {
                    String value =
                            set.substring(COOKIE.length() + 1, set.indexOf(';') < 0 ? set.length() : set.indexOf(';'));
                    cookie = value.isEmpty() ? null : value;
                }
            }
            return response;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
