package dev.lanyard.session.jwt.servlet;

import dev.lanyard.session.jwt.KeyRing;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/**
 * Serves the current public JWK Set ({@code GET}, {@code application/jwk-set+json}) for other
 * services to verify tokens: mount it at your {@code jwks_uri}. Renders
 * {@link dev.lanyard.session.jwt.TokenKeySet#publicJwkSetJson()} of the ring's current set on
 * each request, so rotations show at once; HMAC secrets and private parts never appear.
 * Thread-safe.
 *
 * @since 0.1.0
 */
public final class JwksServlet extends HttpServlet {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    private final transient KeyRing keys;
    /** The {@code Cache-Control} max-age, in seconds. */
    private final long maxAgeSeconds;

    /**
     * @param keys the key ring whose public keys are published
     * @param maxAge how long clients may cache the document ({@code Cache-Control: max-age})
     */
    public JwksServlet(KeyRing keys, Duration maxAge) {
        this.keys = Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(maxAge, "maxAge");
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("maxAge (" + maxAge + ") must not be negative");
        }
        this.maxAgeSeconds = maxAge.toSeconds();
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = keys.current().publicJwkSetJson().getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("application/jwk-set+json;charset=UTF-8");
        response.setHeader("Cache-Control", "public, max-age=" + maxAgeSeconds);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
