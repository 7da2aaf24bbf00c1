package dev.lanyard.session.jwt;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a refresh: a new token pair, or the reason there is none. Immutable.
 *
 * @since 0.1.0
 */
public final class RefreshResult {

    private final TokenPair tokens;
    private final RefreshRejection rejection;

    private RefreshResult(TokenPair tokens, RefreshRejection rejection) {
        this.tokens = tokens;
        this.rejection = rejection;
    }

    static RefreshResult success(TokenPair tokens) {
        return new RefreshResult(Objects.requireNonNull(tokens, "tokens"), null);
    }

    static RefreshResult rejected(RefreshRejection rejection) {
        return new RefreshResult(null, Objects.requireNonNull(rejection, "rejection"));
    }

    /** @return whether new tokens were issued */
    public boolean isSuccess() {
        return tokens != null;
    }

    /** @return the new tokens, or empty */
    public Optional<TokenPair> tokens() {
        return Optional.ofNullable(tokens);
    }

    /** @return why no tokens were issued, or empty on success */
    public Optional<RefreshRejection> rejection() {
        return Optional.ofNullable(rejection);
    }

    @Override
    public String toString() {
        return tokens != null ? "RefreshResult[success " + tokens + "]" : "RefreshResult[rejected " + rejection + "]";
    }
}
