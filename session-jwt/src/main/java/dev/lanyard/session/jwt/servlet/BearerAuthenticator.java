package dev.lanyard.session.jwt.servlet;

import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.jwt.AccessTokenVerifier;
import dev.lanyard.session.jwt.TokenVerification;
import dev.lanyard.session.jwt.VerificationMode;
import dev.lanyard.session.jwt.VerifiedToken;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates API requests by the access token in {@code Authorization: Bearer} (RFC 6750).
 *
 * <p>On success the {@link VerifiedToken} is returned and stored in the request attribute
 * {@link #TOKEN_ATTRIBUTE}. Otherwise the response is completed: 401 with
 * {@code WWW-Authenticate: Bearer} when no credentials were sent, 401 with
 * {@code WWW-Authenticate: Bearer error="invalid_token"} when the header is malformed (wrong
 * scheme, several headers, bad characters, no token) or the token is rejected, and 503 when a
 * checked verification cannot reach the store. Never 500; the token is never logged or echoed.
 *
 * <p>Thread-safe; one instance per route policy.
 *
 * @since 0.1.0
 */
public final class BearerAuthenticator {

    private static final Logger LOG = LoggerFactory.getLogger(BearerAuthenticator.class);

    /** The request attribute under which a verified token is stored. */
    public static final String TOKEN_ATTRIBUTE = VerifiedToken.class.getName();

    private final AccessTokenVerifier verifier;
    private final VerificationMode mode;

    private BearerAuthenticator(AccessTokenVerifier verifier, VerificationMode mode) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /**
     * @param verifier the verifier
     * @param mode stateless or checked, for the routes this instance guards
     * @return the authenticator
     */
    public static BearerAuthenticator create(AccessTokenVerifier verifier, VerificationMode mode) {
        return new BearerAuthenticator(verifier, mode);
    }

    /** What the {@code Authorization} header of a request holds. */
    public enum HeaderState {
        /** No {@code Authorization} header. */
        ABSENT,
        /** A header that is not exactly one well-formed {@code Bearer} credential. */
        MALFORMED,
        /** One well-formed bearer token. */
        PRESENT
    }

    /**
     * The bearer token of a request, parsed without verifying it.
     *
     * @param state what the header holds
     * @param token the token when {@link HeaderState#PRESENT}, else {@code null}
     */
    public record BearerCredential(HeaderState state, String token) {

        /** Describes the state only, never the token. */
        @Override
        public String toString() {
            return "BearerCredential[" + state + "]";
        }
    }

    /**
     * Reads the {@code Authorization} header: exactly one header, scheme {@code Bearer} (any case),
     * one space or more, and a token of the RFC 6750 {@code b64token} characters.
     *
     * @param request the request
     * @return what the header holds
     */
    public static BearerCredential credential(HttpServletRequest request) {
        Enumeration<String> headers = request.getHeaders("Authorization");
        List<String> values = headers == null ? List.of() : Collections.list(headers);
        if (values.isEmpty()) {
            return new BearerCredential(HeaderState.ABSENT, null);
        }
        if (values.size() > 1) {
            return new BearerCredential(HeaderState.MALFORMED, null);
        }
        String value = values.get(0);
        if (value.length() < 8 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new BearerCredential(HeaderState.MALFORMED, null);
        }
        int start = 7;
        while (start < value.length() && value.charAt(start) == ' ') {
            start++;
        }
        int end = value.length();
        while (end > start && value.charAt(end - 1) == ' ') {
            end--;
        }
        String token = value.substring(start, end);
        return isB64Token(token)
                ? new BearerCredential(HeaderState.PRESENT, token)
                : new BearerCredential(HeaderState.MALFORMED, null);
    }

    private static boolean isB64Token(String token) {
        if (token.isEmpty()) {
            return false;
        }
        int i = 0;
        for (; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~'
                    || c == '+'
                    || c == '/';
            if (!ok) {
                break;
            }
        }
        if (i == 0) {
            return false;
        }
        for (; i < token.length(); i++) {
            if (token.charAt(i) != '=') {
                return false;
            }
        }
        return true;
    }

    /**
     * Authenticates a request, completing the response with the right error when it fails.
     *
     * @param request the request
     * @param response the response; written to only on failure
     * @return the verified token, or empty when the response has been completed with an error
     * @throws IOException if writing the error fails
     */
    public Optional<VerifiedToken> authenticate(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        BearerCredential credential = credential(request);
        if (credential.state() == HeaderState.ABSENT) {
            challenge(response, null);
            return Optional.empty();
        }
        if (credential.state() == HeaderState.MALFORMED) {
            LOG.debug("malformed Authorization header");
            challenge(response, "invalid_token");
            return Optional.empty();
        }
        TokenVerification result;
        try {
            result = verifier.verify(credential.token(), mode);
        } catch (StoreUnavailableException e) {
            LOG.warn(
                    "token check could not reach the session store: {}",
                    e.getClass().getSimpleName());
            response.resetBuffer();
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", "1");
            response.setHeader("Cache-Control", "no-store");
            return Optional.empty();
        }
        if (!result.isValid()) {
            challenge(response, "invalid_token");
            return Optional.empty();
        }
        VerifiedToken token = result.token().orElseThrow();
        request.setAttribute(TOKEN_ATTRIBUTE, token);
        return Optional.of(token);
    }

    private static void challenge(HttpServletResponse response, String error) throws IOException {
        response.resetBuffer();
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        response.setHeader("WWW-Authenticate", error == null ? "Bearer" : "Bearer error=\"" + error + "\"");
        response.setHeader("Cache-Control", "no-store");
        if (error != null) {
            Json.write(response, "{\"error\":\"" + error + "\"}");
        }
    }

    @Override
    public String toString() {
        return "BearerAuthenticator[" + mode + "]";
    }
}
