package dev.lanyard.session.jwt;

import dev.lanyard.session.SessionException;

/**
 * A token operation failed for a reason that is not the caller's input: a key that cannot sign,
 * a cryptographic provider that fails. Messages name key IDs, never key material or tokens.
 *
 * @since 0.1.0
 */
public class TokenException extends SessionException {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, without secrets
     * @param cause the underlying failure
     */
    public TokenException(String message, Throwable cause) {
        super(message, cause);
    }
}
