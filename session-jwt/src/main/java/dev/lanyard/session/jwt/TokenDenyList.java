package dev.lanyard.session.jwt;

import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.spi.AtomicValueStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A deny-list of access-token IDs ({@code jti}) for forced logout of a live token. Each entry is
 * kept only until the token's own {@code exp} plus the clock skew, in the application's session
 * store through {@link AtomicValueStore} (so every node sees it). Keys are
 * {@code at:deny:<SHA-256 of jti>}.
 *
 * <p>Thread-safe. Each {@link #deny} is one store write, each {@link #isDenied} one store read
 * (of a key that is usually absent). Store failures throw
 * {@link dev.lanyard.session.StoreUnavailableException}.
 *
 * @since 0.1.0
 */
public final class TokenDenyList {

    static final String PREFIX = "at:deny:";
    private static final byte[] MARK = {1};

    private final AtomicValueStore store;
    private final Clock clock;
    private final Duration skew;

    private TokenDenyList(AtomicValueStore store, Clock clock, Duration skew) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.skew = Objects.requireNonNull(skew, "skew");
        if (skew.isNegative()) {
            throw new IllegalArgumentException("skew (" + skew + ") must not be negative");
        }
    }

    /**
     * A deny-list that keeps entries for {@link SessionPolicy#DEFAULT_CLOCK_SKEW} past each token's
     * expiry.
     *
     * @param store the store (the same object the session manager uses, when it implements
     *     {@link AtomicValueStore})
     * @param clock the clock
     * @return the deny-list
     */
    public static TokenDenyList create(AtomicValueStore store, Clock clock) {
        return new TokenDenyList(store, clock, SessionPolicy.DEFAULT_CLOCK_SKEW);
    }

    /**
     * @param store the store
     * @param clock the clock
     * @param skew how long past {@code exp} entries stay: at least the verifiers' clock skew
     *     ({@link AccessTokenVerifier.Builder#build()} refuses a deny-list shorter than its skew)
     * @return the deny-list
     */
    public static TokenDenyList create(AtomicValueStore store, Clock clock, Duration skew) {
        return new TokenDenyList(store, clock, skew);
    }

    /**
     * Denies a verified token until it expires.
     *
     * @param token the token
     * @return {@code true} if an entry was written; {@code false} if it had already expired or was
     *     already denied
     */
    public boolean deny(VerifiedToken token) {
        return deny(token.jti(), token.expiresAt());
    }

    /**
     * Denies an issued token until it expires.
     *
     * @param token the token
     * @return {@code true} if an entry was written
     */
    public boolean deny(IssuedToken token) {
        return deny(token.jti(), token.expiresAt());
    }

    /**
     * Denies a token ID until {@code expiresAt} plus the skew.
     *
     * @param jti the token ID
     * @param expiresAt the token's expiry
     * @return {@code true} if an entry was written; {@code false} if the token is already past its
     *     expiry and skew, or already denied
     */
    public boolean deny(String jti, Instant expiresAt) {
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Duration ttl = Duration.between(clock.instant(), expiresAt.plus(skew));
        if (ttl.isNegative() || ttl.isZero()) {
            return false;
        }
        return store.putIfAbsent(key(jti), MARK, ttl);
    }

    /**
     * @param jti a token ID
     * @return whether it is denied now
     */
    public boolean isDenied(String jti) {
        return store.get(key(Objects.requireNonNull(jti, "jti"))).isPresent();
    }

    /** @return how long past each token's {@code exp} its entry is kept */
    public Duration skew() {
        return skew;
    }

    static String key(String jti) {
        return PREFIX + Hashes.sha256(jti);
    }

    @Override
    public String toString() {
        return "TokenDenyList[skew=" + skew + "]";
    }
}
