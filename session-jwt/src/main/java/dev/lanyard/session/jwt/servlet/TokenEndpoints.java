package dev.lanyard.session.jwt.servlet;

import dev.lanyard.session.Session;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.jwt.RefreshRejection;
import dev.lanyard.session.jwt.RefreshResult;
import dev.lanyard.session.jwt.RefreshTokenService;
import dev.lanyard.session.jwt.TokenPair;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token endpoints an application mounts, as servlets ({@link #issueServlet()},
 * {@link #refreshServlet()}, {@link #revocationServlet()}) or by calling the handler methods
 * from its own framework. All take {@code POST} with an
 * {@code application/x-www-form-urlencoded} body; a query string that names any parameter
 * containing {@code token} (by its decoded name, case-insensitively, so {@code ?refresh_%74oken=}
 * counts) is refused with 400 {@code invalid_request}, as tokens there end up in access logs. Successful answers are OAuth-style JSON with
 * {@code Cache-Control: no-store}:
 * {@code {"access_token":..., "token_type":"Bearer", "expires_in":300, "refresh_token":...}}.
 *
 * <ul>
 *   <li><b>issue</b>: starts a token family for the caller's current authenticated session, as
 *       found by the application-supplied function (the servlet filter's session, typically);
 *       401 {@code login_required} without one.
 *   <li><b>refresh</b>: {@code grant_type=refresh_token&refresh_token=...}; 400
 *       {@code invalid_grant} for any rejected token (reused, revoked, expired, unknown),
 *       400 {@code invalid_request} / {@code unsupported_grant_type} for a bad request.
 *   <li><b>revoke</b> (RFC 7009): {@code token=...}; 200 whether or not the token was known;
 *       revokes the refresh-token family (and, with {@link RevocationScope#FAMILY_AND_SESSION},
 *       the session).
 * </ul>
 *
 * <p>A store that cannot be reached gives 503 with {@code Retry-After}; nothing gives 500, and no
 * token is logged. Thread-safe.
 *
 * @since 0.1.0
 */
public final class TokenEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoints.class);

    /** What the revocation endpoint ends. */
    public enum RevocationScope {
        /** The refresh-token family only; the session lives on. */
        FAMILY,
        /** The family and its session (logout of that client everywhere it is checked). */
        FAMILY_AND_SESSION
    }

    private final RefreshTokenService service;
    private final Function<HttpServletRequest, Optional<Session>> currentSession;
    private final RevocationScope revocationScope;

    private TokenEndpoints(
            RefreshTokenService service,
            Function<HttpServletRequest, Optional<Session>> currentSession,
            RevocationScope revocationScope) {
        this.service = Objects.requireNonNull(service, "service");
        this.currentSession = Objects.requireNonNull(currentSession, "currentSession");
        this.revocationScope = Objects.requireNonNull(revocationScope, "revocationScope");
    }

    /**
     * @param service the refresh-token service
     * @param currentSession finds the caller's authenticated session for the issue endpoint
     * @param revocationScope what the revocation endpoint ends
     * @return the endpoints
     */
    public static TokenEndpoints create(
            RefreshTokenService service,
            Function<HttpServletRequest, Optional<Session>> currentSession,
            RevocationScope revocationScope) {
        return new TokenEndpoints(service, currentSession, revocationScope);
    }

    /** @return a servlet that handles {@code POST} with {@link #handleIssue} */
    public HttpServlet issueServlet() {
        return new PostServlet(this, Endpoint.ISSUE);
    }

    /** @return a servlet that handles {@code POST} with {@link #handleRefresh} */
    public HttpServlet refreshServlet() {
        return new PostServlet(this, Endpoint.REFRESH);
    }

    /** @return a servlet that handles {@code POST} with {@link #handleRevoke} */
    public HttpServlet revocationServlet() {
        return new PostServlet(this, Endpoint.REVOKE);
    }

    /**
     * Issues a token pair for the caller's current session.
     *
     * @param request the request
     * @param response the response, completed by this call
     * @throws IOException if writing fails
     */
    public void handleIssue(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            Optional<Session> session = currentSession.apply(request);
            if (session.isEmpty() || !session.get().isAuthenticated()) {
                error(response, HttpServletResponse.SC_UNAUTHORIZED, "login_required");
                return;
            }
            tokens(response, service.issue(session.get()));
        } catch (StoreUnavailableException e) {
            unavailable(response);
        }
    }

    /**
     * Exchanges a refresh token ({@code grant_type=refresh_token}).
     *
     * @param request the request
     * @param response the response, completed by this call
     * @throws IOException if writing fails
     */
    public void handleRefresh(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // Read the parameters first: that consumes the form body, so a refusal keeps the connection usable.
        String grantType = request.getParameter("grant_type");
        String token = request.getParameter("refresh_token");
        if (tokenInQuery(request) || grantType == null || token == null) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, "invalid_request");
            return;
        }
        if (!"refresh_token".equals(grantType)) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, "unsupported_grant_type");
            return;
        }
        try {
            RefreshResult result = service.refresh(token);
            if (result.isSuccess()) {
                tokens(response, result.tokens().orElseThrow());
            } else if (result.rejection().orElseThrow() == RefreshRejection.CONTENDED) {
                unavailable(response);
            } else {
                error(response, HttpServletResponse.SC_BAD_REQUEST, "invalid_grant");
            }
        } catch (StoreUnavailableException e) {
            unavailable(response);
        }
    }

    /**
     * Revokes a refresh token (RFC 7009): 200 for any well-formed request, known token or not.
     *
     * @param request the request
     * @param response the response, completed by this call
     * @throws IOException if writing fails
     */
    public void handleRevoke(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String token = request.getParameter("token"); // first, as in handleRefresh
        if (tokenInQuery(request) || token == null) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, "invalid_request");
            return;
        }
        try {
            if (revocationScope == RevocationScope.FAMILY_AND_SESSION) {
                service.logout(token);
            } else {
                service.revoke(token);
            }
            response.setStatus(HttpServletResponse.SC_OK);
            response.setHeader("Cache-Control", "no-store");
            response.setContentLength(0);
        } catch (StoreUnavailableException e) {
            unavailable(response);
        }
    }

    /**
     * Whether the query string names a token-bearing parameter, judged by the decoded name as the
     * container will see it ({@code refresh_%74oken} is {@code refresh_token}), case-insensitively:
     * any name containing {@code token}. A name that does not decode is refused as well.
     */
    static boolean tokenInQuery(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null || query.isEmpty()) {
            return false;
        }
        for (String pair : query.split("[&;]")) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name;
            try {
                name = URLDecoder.decode(rawName, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return true;
            }
            if (name.toLowerCase(Locale.ROOT).contains("token")) {
                return true;
            }
        }
        return false;
    }

    private static void tokens(HttpServletResponse response, TokenPair pair) throws IOException {
        long expiresIn = Duration.between(
                        pair.accessToken().issuedAt(), pair.accessToken().expiresAt())
                .toSeconds();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        Json.write(
                response,
                "{\"access_token\":" + Json.quote(pair.accessToken().value())
                        + ",\"token_type\":\"Bearer\",\"expires_in\":" + expiresIn
                        + ",\"refresh_token\":" + Json.quote(pair.refreshToken()) + "}");
    }

    private static void error(HttpServletResponse response, int status, String error) throws IOException {
        response.resetBuffer();
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        Json.write(response, "{\"error\":\"" + error + "\"}");
    }

    private static void unavailable(HttpServletResponse response) throws IOException {
        LOG.warn("token endpoint could not reach the store");
        response.resetBuffer();
        response.setHeader("Retry-After", "1");
        error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "temporarily_unavailable");
    }

    private enum Endpoint {
        ISSUE,
        REFRESH,
        REVOKE
    }

    /** Adapts one endpoint to a servlet that answers POST (other methods get the container's 405). */
    private static final class PostServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient TokenEndpoints endpoints;
        private final Endpoint endpoint;

        PostServlet(TokenEndpoints endpoints, Endpoint endpoint) {
            this.endpoints = endpoints;
            this.endpoint = endpoint;
        }

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            switch (endpoint) {
                case ISSUE:
                    endpoints.handleIssue(request, response);
                    break;
                case REFRESH:
                    endpoints.handleRefresh(request, response);
                    break;
                default:
                    endpoints.handleRevoke(request, response);
                    break;
            }
        }
    }

    @Override
    public String toString() {
        return "TokenEndpoints[revocation=" + revocationScope + "]";
    }
}
