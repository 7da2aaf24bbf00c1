package dev.lanyard.session.servlet;

import dev.lanyard.session.SessionId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Duration;
import java.util.Enumeration;

/**
 * The session ID in a cookie ({@link CookieSettings}). Reading parses the {@code Cookie} headers
 * itself rather than asking the container, for two reasons: a request that carries the cookie twice
 * with different values (cookie tossing from a sibling subdomain) must be recognised and trusted
 * with neither, and an oversized value must not be copied.
 */
final class CookieIdTransport implements SessionIdTransport {

    private final CookieSettings cookie;

    CookieIdTransport(CookieSettings cookie) {
        this.cookie = cookie;
    }

    @Override
    public PresentedId read(HttpServletRequest request) {
        Enumeration<String> headers = request.getHeaders("Cookie");
        if (headers == null) {
            return PresentedId.NONE;
        }
        String name = cookie.name();
        String found = null;
        while (headers.hasMoreElements()) {
            String header = headers.nextElement();
            if (header == null) {
                continue;
            }
            int at = 0;
            int length = header.length();
            while (at < length) {
                int end = header.indexOf(';', at);
                if (end < 0) {
                    end = length;
                }
                int start = at;
                while (start < end && (header.charAt(start) == ' ' || header.charAt(start) == '\t')) {
                    start++;
                }
                if (end - start > name.length() && header.startsWith(name, start)) {
                    int eq = start + name.length();
                    while (eq < end && header.charAt(eq) == ' ') {
                        eq++;
                    }
                    if (eq < end && header.charAt(eq) == '=') {
                        String value = cookieValue(header, eq + 1, end);
                        if (found == null) {
                            found = value;
                        } else if (!found.equals(value)) {
                            return PresentedId.AMBIGUOUS;
                        }
                    }
                }
                at = end + 1;
            }
        }
        return PresentedId.of(found);
    }

    private static String cookieValue(String header, int from, int to) {
        while (from < to && header.charAt(from) == ' ') {
            from++;
        }
        while (to > from && header.charAt(to - 1) == ' ') {
            to--;
        }
        if (to - from >= 2 && header.charAt(from) == '"' && header.charAt(to - 1) == '"') {
            from++;
            to--;
        }
        // Longer than any session ID: do not copy it, it is malformed anyway.
        if (to - from > SessionId.LENGTH + 2) {
            return "";
        }
        return header.substring(from, to);
    }

    @Override
    public void send(HttpServletResponse response, SessionId id, Duration sessionLeft) {
        response.addHeader("Set-Cookie", cookie.setCookie(id.value(), sessionLeft));
        response.setHeader("Cache-Control", "no-store");
    }

    @Override
    public void expire(HttpServletResponse response) {
        response.addHeader("Set-Cookie", cookie.clearCookie());
        response.setHeader("Cache-Control", "no-store");
    }

    @Override
    public boolean isCookie() {
        return true;
    }
}
