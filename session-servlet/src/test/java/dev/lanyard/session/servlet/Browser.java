package dev.lanyard.session.servlet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client over {@link HttpClient} that keeps the session cookie the way a browser does, but
 * also over plain HTTP (the JDK's cookie manager would not send a {@code Secure} cookie there).
 * Every session ID it ever receives is added to {@code seenIds}, so the suite can search the logs
 * for them.
 */
final class Browser {

    /**
     * How long a request may take: a bound for a server that hangs, not a latency promise. A suite's first
     * requests load and compile much of the container and the store client, which a loaded two-core machine can
     * stretch to many seconds.
     */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient client;
    private final URI base;
    private final String cookieName;
    private final Set<String> seenIds;
    private volatile String cookie;

    Browser(HttpClient client, URI base, String cookieName, Set<String> seenIds) {
        this.client = client;
        this.base = base;
        this.cookieName = cookieName;
        this.seenIds = seenIds;
    }

    static HttpClient newClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    static Set<String> newIdSet() {
        return ConcurrentHashMap.newKeySet();
    }

    /** @return the session ID this browser holds, or {@code null} */
    String cookie() {
        return cookie;
    }

    void cookie(String value) {
        this.cookie = value;
    }

    Browser on(URI otherBase) {
        Browser b = new Browser(client, otherBase, cookieName, seenIds);
        b.cookie = cookie;
        return b;
    }

    HttpResponse<String> get(String path, String... headers) {
        return send("GET", path, headers);
    }

    HttpResponse<String> post(String path, String body, String... headers) {
        return send("POST", path, body, headers);
    }

    HttpResponse<String> send(String method, String path, String... headers) {
        return send(method, path, "", headers);
    }

    HttpResponse<String> send(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .method(
                        method,
                        body.isEmpty()
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            request.header("Cookie", cookieName + "=" + cookie);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("request " + method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        for (String setCookie : response.headers().allValues("Set-Cookie")) {
            if (setCookie.startsWith(cookieName + "=")) {
                String value = setCookie.substring(cookieName.length() + 1, setCookie.indexOf(';'));
                if (setCookie.contains("Max-Age=0")) {
                    cookie = null;
                } else {
                    cookie = value;
                    seenIds.add(value);
                }
            }
        }
        return response;
    }

    static Optional<String> sessionCookie(HttpResponse<String> response, String cookieName) {
        List<String> all = response.headers().allValues("Set-Cookie");
        return all.stream().filter(c -> c.startsWith(cookieName + "=")).reduce((a, b) -> b);
    }
}
