package dev.lanyard.session;

/**
 * The session store did not answer in time or could not be reached. The operation may or may
 * not have been applied; every store operation is atomic, so it was applied whole or not at all.
 * Callers decide between failing closed (an error to the client) and failing open (an anonymous
 * request), per route.
 *
 * @since 0.1.0
 */
public class StoreUnavailableException extends SessionException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, free of secrets
     * @param cause the client library's failure
     */
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
