package dev.lanyard.session;

/**
 * A write was refused because the session's attributes would exceed the hard payload limit
 * ({@link SessionPolicy#payloadHardLimit()}). Nothing of the write was applied.
 *
 * @since 0.1.0
 */
public class PayloadTooLargeException extends SessionException {

    private static final long serialVersionUID = 1L;

    /** The session written to; not serialized. */
    private final transient SessionHandle handle;
    /** The encoded size the write would have reached, in bytes. */
    private final long size;
    /** The hard limit, in bytes. */
    private final long limit;

    /**
     * Creates the exception.
     *
     * @param handle the session written to
     * @param size the encoded size the write would have reached, in bytes
     * @param limit the hard limit, in bytes
     */
    public PayloadTooLargeException(SessionHandle handle, long size, long limit) {
        super("session " + handle + " would hold " + size + " bytes of attributes; the hard limit is " + limit);
        this.handle = handle;
        this.size = size;
        this.limit = limit;
    }

    /** @return the session written to */
    public SessionHandle handle() {
        return handle;
    }

    /** @return the encoded size the write would have reached, in bytes */
    public long size() {
        return size;
    }

    /** @return the hard limit, in bytes */
    public long limit() {
        return limit;
    }
}
