package dev.lanyard.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * The secret that a client presents to prove it holds a session: 256 random bits from
 * {@link SecureRandom}, encoded as base64url without padding (43 characters).
 *
 * <p>A session ID is a credential. Lanyard never stores, logs or puts it in an exception
 * message: stores see only its {@link #handle() handle}, and {@link #toString()} prints the
 * handle, not the secret. The only way to read the secret is {@link #value()}, which exists so
 * that a transport (a cookie, a header) can hand it to the client.
 *
 * <p>Instances are immutable and thread-safe. {@link #equals(Object)} compares in constant time.
 *
 * @since 0.1.0
 */
public final class SessionId {

    /** The length of every session ID, in characters. */
    public static final int LENGTH = 43;

    private static final int RANDOM_BYTES = 32;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final String value;
    private volatile SessionHandle handle;

    private SessionId(String value) {
        this.value = value;
    }

    /**
     * Creates a new random session ID.
     *
     * @param random the source of randomness; must be a cryptographically strong generator
     * @return a new ID that no one has seen
     */
    public static SessionId generate(SecureRandom random) {
        Objects.requireNonNull(random, "random");
        byte[] bytes = new byte[RANDOM_BYTES];
        random.nextBytes(bytes);
        return new SessionId(ENCODER.encodeToString(bytes));
    }

    /**
     * Parses what a client presented. The length is checked first, so that a long value costs
     * nothing to reject.
     *
     * @param presented the presented text, or {@code null}
     * @return the ID, or empty when the text is missing or not of the form of a session ID
     */
    public static Optional<SessionId> parse(CharSequence presented) {
        if (presented == null || presented.length() != LENGTH || !Base64Url.isAlphabet(presented)) {
            return Optional.empty();
        }
        return Optional.of(new SessionId(presented.toString()));
    }

    /**
     * Returns the secret text, for the transport that sends it to the client. Never log it.
     *
     * @return the 43-character secret
     */
    public String value() {
        return value;
    }

    /**
     * Returns the public handle of this ID: the SHA-256 hash of the secret, base64url encoded.
     * It is computed once and kept.
     *
     * @return the handle
     */
    public SessionHandle handle() {
        SessionHandle h = handle;
        if (h == null) {
            h = SessionHandle.trusted(ENCODER.encodeToString(sha256(value)));
            handle = h;
        }
        return h;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-256", e);
        }
    }

    /** Compares the secrets in constant time. */
    @Override
    public boolean equals(Object other) {
        return other instanceof SessionId id
                && MessageDigest.isEqual(
                        id.value.getBytes(StandardCharsets.US_ASCII), value.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public int hashCode() {
        return handle().hashCode();
    }

    /** Returns a description that names the handle, never the secret. */
    @Override
    public String toString() {
        return "SessionId[handle=" + handle() + "]";
    }
}
