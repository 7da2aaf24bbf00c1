package dev.lanyard.session;

import java.util.Objects;

/**
 * The public name of a session: the SHA-256 hash of its secret {@link SessionId}, encoded as
 * base64url without padding (43 characters).
 *
 * <p>A handle is safe to log, to show in a device list and to use for administrative
 * revocation: it cannot be turned back into the secret ID, and presenting a handle where an ID
 * is expected resolves nothing (the handle is hashed again and matches no session). Stores key
 * sessions by handle, so a leaked store dump holds no usable credential either.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class SessionHandle implements Comparable<SessionHandle> {

    /** The length of every handle, in characters. */
    public static final int LENGTH = 43;

    private final String value;

    private SessionHandle(String value) {
        this.value = value;
    }

    /**
     * Returns the handle with the given text.
     *
     * @param value 43 base64url characters, as produced by {@link #value()}
     * @return the handle
     * @throws IllegalArgumentException if {@code value} is not a well-formed handle; the message
     *     does not repeat the value
     */
    public static SessionHandle of(String value) {
        Objects.requireNonNull(value, "value");
        if (!isWellFormed(value)) {
            throw new IllegalArgumentException(
                    "a session handle is " + LENGTH + " base64url characters (got " + value.length() + " characters)");
        }
        return new SessionHandle(value);
    }

    /**
     * Tells whether {@code text} has the form of a handle, without throwing.
     *
     * @param text any text, or {@code null}
     * @return {@code true} when {@link #of(String)} would accept it
     */
    public static boolean isWellFormed(CharSequence text) {
        return text != null && text.length() == LENGTH && Base64Url.isAlphabet(text);
    }

    /** Creates a handle from text already known to be well formed. */
    static SessionHandle trusted(String value) {
        return new SessionHandle(value);
    }

    /**
     * Returns the handle's text: 43 base64url characters.
     *
     * @return the text, never {@code null}
     */
    public String value() {
        return value;
    }

    @Override
    public int compareTo(SessionHandle other) {
        return value.compareTo(other.value);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SessionHandle h && h.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** Returns the handle's text; handles are public and safe to log. */
    @Override
    public String toString() {
        return value;
    }
}
