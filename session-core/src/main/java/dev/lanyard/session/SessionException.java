package dev.lanyard.session;

/**
 * The root of Lanyard's exceptions. All are unchecked, and none carries a raw session ID,
 * token or key in its message: where a session must be named, the message uses its
 * {@link SessionHandle}.
 *
 * @since 0.1.0
 */
public class SessionException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception with a message.
     *
     * @param message what went wrong, free of secrets
     */
    public SessionException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a message and a cause.
     *
     * @param message what went wrong, free of secrets
     * @param cause the underlying failure
     */
    public SessionException(String message, Throwable cause) {
        super(message, cause);
    }
}
