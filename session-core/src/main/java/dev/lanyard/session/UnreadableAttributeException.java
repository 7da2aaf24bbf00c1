package dev.lanyard.session;

/**
 * One stored attribute could not be read: its class is missing (removed or renamed in a
 * deploy), changed incompatibly ({@code serialVersionUID}), is refused by the codec's allow-list
 * or gadget deny-list, or the bytes are corrupt. The manager drops that attribute alone; the
 * session and its login survive.
 *
 * @since 0.1.0
 */
public class UnreadableAttributeException extends UnreadableSessionException {

    private static final long serialVersionUID = 1L;

    private final String attribute;
    private final String className;

    /**
     * Creates the exception.
     *
     * @param attribute the attribute's name
     * @param className the class that could not be read, or {@code null} when not known
     * @param message why, free of secrets and of the value
     * @param cause the underlying failure, or {@code null}
     */
    public UnreadableAttributeException(String attribute, String className, String message, Throwable cause) {
        super(null, message, cause);
        this.attribute = attribute;
        this.className = className;
    }

    /** @return the attribute's name */
    public String attribute() {
        return attribute;
    }

    /** @return the class that could not be read, or {@code null} when the codec could not tell */
    public String className() {
        return className;
    }
}
