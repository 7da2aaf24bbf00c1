package dev.lanyard.examples.boot;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One user agent against the example: keeps the {@code SESSION} cookie, follows no redirects, and
 * can be pointed at another node with the same cookie.
 */
final class ShopClient {

    private static final String COOKIE = "SESSION";
    private static final Pattern CSRF = Pattern.compile("name=['\"]_csrf['\"][^>]*value=['\"]([^'\"]+)['\"]");

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    private String base;
    private String cookie;

    ShopClient(int port) {
        at(port);
    }

    /** Sends the next requests to another node, with the same cookie. */
    ShopClient at(int port) {
        base = "http://127.0.0.1:" + port;
        return this;
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    HttpResponse<String> getWithBearer(String path, String token) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + token)
                .GET());
    }

    /** Posts a form from {@code page}, with the CSRF token that page carries. */
    HttpResponse<String> postFrom(String page, String path, String form) {
        String csrf = csrfOf(get(page).body());
        return post(path, (form.isEmpty() ? "" : form + "&") + "_csrf=" + enc(csrf));
    }

    /** Logs in through the form; a success redirects to {@code /}. */
    void login(String user) {
        HttpResponse<String> response = postFrom("/login", "/login", "username=" + enc(user) + "&password=password");
        String location = response.headers().firstValue("Location").orElse("");
        if (response.statusCode() != 302 || location.contains("error")) {
            throw new IllegalStateException("login of " + user + " failed: " + location);
        }
    }

    private HttpResponse<String> post(String path, String form) {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private static String csrfOf(String html) {
        Matcher m = CSRF.matcher(html);
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token in " + html);
        }
        return m.group(1);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        if (cookie != null) {
            request.header("Cookie", COOKIE + "=" + cookie);
        }
        request.timeout(Duration.ofSeconds(60));
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            for (String set : response.headers().allValues("Set-Cookie")) {
                if (set.startsWith(COOKIE + "=")) {
                    int end = set.indexOf(';');
                    String value = set.substring(COOKIE.length() + 1, end < 0 ? set.length() : end);
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

    private static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
