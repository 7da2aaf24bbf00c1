package dev.lanyard.session.servlet;

import dev.lanyard.session.Session;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * Where CSRF is decided: whether an unsafe request may reach the application ({@link #allows}), and
 * the synchronizer tokens of {@link CsrfMode#TOKEN} ({@link #newToken}). The filter asks once per
 * request, after the session is resolved and before the application runs; a refused request gets
 * {@code 403}.
 *
 * <p>Nothing is checked when the mode is {@link CsrfMode#OFF}, the route is exempt, the session ID
 * came in a header (a browser does not attach it by itself), or the method is safe. Otherwise
 * {@code Sec-Fetch-Site} must say {@code same-origin} or {@code none}, or name a trusted origin in
 * {@code Origin}; without it, an {@code Origin} header must be the request's own or trusted. In
 * token mode a request with a session must also present the session's token, in the header or (for
 * form posts) the parameter, compared in constant time.
 *
 * <p>Immutable and thread-safe; one instance serves a filter.
 */
final class CsrfGuard {

    /** The attribute that holds the session's synchronizer token. */
    static final String TOKEN_ATTRIBUTE = "lanyard.csrf";

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final String FORM = "application/x-www-form-urlencoded";

    private final CsrfMode mode;
    private final Set<String> trustedOrigins;
    private final String headerName;
    private final String parameterName;
    private final SecureRandom random;

    CsrfGuard(CsrfMode mode, Set<String> trustedOrigins, String headerName, String parameterName, SecureRandom random) {
        this.mode = mode;
        this.trustedOrigins = Set.copyOf(trustedOrigins);
        this.headerName = headerName;
        this.parameterName = parameterName;
        this.random = random;
    }

    String headerName() {
        return headerName;
    }

    String parameterName() {
        return parameterName;
    }

    /**
     * Decides whether the request may go on.
     *
     * @param request the request
     * @param route the route's policy
     * @param transport how the request carries its session ID
     * @param session the resolved session, or {@code null} when the request has none
     * @return {@code false} when the request must be refused as cross-site
     */
    boolean allows(HttpServletRequest request, RoutePolicy route, SessionIdTransport transport, Session session) {
        if (mode == CsrfMode.OFF || route.csrfExempt() || !transport.isCookie() || isSafe(request.getMethod())) {
            return true;
        }
        if (!fromAllowedSite(request)) {
            return false;
        }
        if (mode != CsrfMode.TOKEN || session == null) {
            return true;
        }
        Object expected = session.attributes().get(TOKEN_ATTRIBUTE);
        String presented = presentedToken(request);
        return expected instanceof String token
                && presented != null
                && MessageDigest.isEqual(
                        token.getBytes(StandardCharsets.US_ASCII), presented.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @return a new synchronizer token: 256 random bits, base64url
     */
    String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }

    private boolean fromAllowedSite(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            return "same-origin".equals(site)
                    || "none".equals(site)
                    || origin != null && trustedOrigins.contains(origin);
        }
        return origin == null || isOwnOrigin(request, origin) || trustedOrigins.contains(origin);
    }

    private String presentedToken(HttpServletRequest request) {
        String presented = request.getHeader(headerName);
        if (presented != null) {
            return presented;
        }
        String type = request.getContentType();
        if (type != null && type.regionMatches(true, 0, FORM, 0, FORM.length())) {
            return request.getParameter(parameterName);
        }
        return null;
    }

    private static boolean isSafe(String method) {
        return "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method) || "TRACE".equals(method);
    }

    private static boolean isOwnOrigin(HttpServletRequest request, String origin) {
        String scheme = request.getScheme();
        int port = request.getServerPort();
        boolean defaultPort =
                ("http".equalsIgnoreCase(scheme) && port == 80) || ("https".equalsIgnoreCase(scheme) && port == 443);
        String own = scheme + "://" + request.getServerName() + (defaultPort ? "" : ":" + port);
        return own.equalsIgnoreCase(origin);
    }
}
