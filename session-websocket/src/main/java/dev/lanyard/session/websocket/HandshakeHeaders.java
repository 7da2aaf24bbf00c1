package dev.lanyard.session.websocket;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads a handshake's headers: its origin and the session ID it presents. */
final class HandshakeHeaders {

    private HandshakeHeaders() {}

    /**
     * Whether the handshake's {@code Origin} (browsers always send one) is this server's own, as the
     * {@code Host} header names it, or a trusted one. A handshake without {@code Origin} comes from a
     * client that is not a browser and is judged by its session alone.
     */
    static boolean originAllowed(Map<String, List<String>> headers, Set<String> trustedOrigins) {
        String origin = first(headers, "origin");
        if (origin == null) {
            return true;
        }
        String normalized = origin.strip().toLowerCase(Locale.ROOT);
        if (trustedOrigins.contains(normalized)) {
            return true;
        }
        String host = first(headers, "host");
        int scheme = normalized.indexOf("://");
        if (host == null || scheme < 0) {
            return false;
        }
        String authority = normalized.substring(scheme + 3);
        String defaultPort = normalized.startsWith("https://") ? ":443" : ":80";
        return withoutPort(authority, defaultPort)
                .equals(withoutPort(host.strip().toLowerCase(Locale.ROOT), defaultPort));
    }

    private static String withoutPort(String authority, String defaultPort) {
        return authority.endsWith(defaultPort)
                ? authority.substring(0, authority.length() - defaultPort.length())
                : authority;
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey().equalsIgnoreCase(name) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }

    /** The session ID a handshake presents: the header when configured and present, else the cookie. */
    static Optional<String> presentedId(Map<String, List<String>> headers, String headerName, String cookieName) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (headerName != null
                    && header.getKey().equalsIgnoreCase(headerName)
                    && !header.getValue().isEmpty()) {
                return Optional.of(header.getValue().get(0).strip());
            }
        }
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (!header.getKey().equalsIgnoreCase("cookie")) {
                continue;
            }
            for (String line : header.getValue()) {
                for (String pair : line.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).strip().equals(cookieName)) {
                        return Optional.of(pair.substring(eq + 1).strip());
                    }
                }
            }
        }
        return Optional.empty();
    }
}
