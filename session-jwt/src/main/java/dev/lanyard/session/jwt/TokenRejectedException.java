package dev.lanyard.session.jwt;

import dev.lanyard.session.SessionException;
import java.util.Objects;

/**
 * An access token was rejected. The message names the reason, never the token.
 *
 * @since 0.1.0
 */
public class TokenRejectedException extends SessionException {

    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** Why the token was rejected. */
    private final RejectionReason reason;

    /** @param reason why the token was rejected */
    public TokenRejectedException(RejectionReason reason) {
        super("access token rejected: " + Objects.requireNonNull(reason, "reason"));
        this.reason = reason;
    }

    /** @return why the token was rejected */
    public RejectionReason reason() {
        return reason;
    }
}
