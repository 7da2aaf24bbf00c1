package dev.lanyard.session.jwt;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of verifying an access token: the verified token, or the reason it was rejected.
 * Immutable.
 *
 * @since 0.1.0
 */
public final class TokenVerification {

    private final VerifiedToken token;
    private final RejectionReason reason;

    private TokenVerification(VerifiedToken token, RejectionReason reason) {
        this.token = token;
        this.reason = reason;
    }

    static TokenVerification accepted(VerifiedToken token) {
        return new TokenVerification(Objects.requireNonNull(token, "token"), null);
    }

    static TokenVerification rejected(RejectionReason reason) {
        return new TokenVerification(null, Objects.requireNonNull(reason, "reason"));
    }

    /** @return whether the token was accepted */
    public boolean isValid() {
        return token != null;
    }

    /** @return the verified token, or empty when rejected */
    public Optional<VerifiedToken> token() {
        return Optional.ofNullable(token);
    }

    /** @return why the token was rejected, or empty when accepted */
    public Optional<RejectionReason> rejection() {
        return Optional.ofNullable(reason);
    }

    /**
     * @return the verified token
     * @throws TokenRejectedException naming the reason (never the token) when rejected
     */
    public VerifiedToken orElseThrow() {
        if (token == null) {
            throw new TokenRejectedException(reason);
        }
        return token;
    }

    @Override
    public String toString() {
        return token != null ? "TokenVerification[valid " + token + "]" : "TokenVerification[rejected " + reason + "]";
    }
}
