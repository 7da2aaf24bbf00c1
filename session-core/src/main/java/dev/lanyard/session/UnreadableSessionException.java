package dev.lanyard.session;

import java.util.Objects;

/**
 * A stored session record, or one of its attributes, could not be read: it is corrupt, was
 * written by an incompatible version, names a class that no longer exists, or was refused by
 * the deserialization allow-list. {@link SessionManager} drops such a session and reports it;
 * the client continues as anonymous.
 *
 * @since 0.1.0
 */
public class UnreadableSessionException extends SessionException {

    private static final long serialVersionUID = 1L;

    private final transient SessionHandle handle;

    /**
     * Creates the exception.
     *
     * @param handle the session that could not be read, or {@code null} when not known yet
     * @param message why, free of secrets and of the record's content
     * @param cause the underlying failure, or {@code null}
     */
    public UnreadableSessionException(SessionHandle handle, String message, Throwable cause) {
        super(handle == null ? message : message + " (session " + handle + ")", cause);
        this.handle = handle;
    }

    /**
     * Returns the handle of the unreadable session, when known.
     *
     * @return the handle, or {@code null}
     */
    public SessionHandle handle() {
        return handle;
    }

    /**
     * Returns a copy naming {@code handle}, for layers that learn the handle later.
     *
     * @param handle the session's handle
     * @return a new exception with the same cause
     */
    public UnreadableSessionException withHandle(SessionHandle handle) {
        Objects.requireNonNull(handle, "handle");
        return new UnreadableSessionException(handle, getMessage(), getCause());
    }
}
