package dev.lanyard.session.jwt;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The current {@link TokenKeySet} of a node, swappable while issuers and verifiers run: each
 * issue and verification reads the set once, so a swap takes effect for the next token without
 * a restart and never mixes two sets within one operation.
 *
 * <p>Thread-safe; the update methods are atomic. Key rotation without downtime is:
 * {@link #rotateTo(TokenKey)} (the new key signs, the old verifies), wait at least one token
 * lifetime plus the clock skew, then {@link #retire(String)} the old key.
 *
 * @since 0.1.0
 */
public final class KeyRing {

    private final AtomicReference<TokenKeySet> current;

    private KeyRing(TokenKeySet initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    /**
     * @param initial the first key set
     * @return a ring holding it
     */
    public static KeyRing of(TokenKeySet initial) {
        return new KeyRing(initial);
    }

    /** @return the key set in force now */
    public TokenKeySet current() {
        return current.get();
    }

    /**
     * Replaces the key set.
     *
     * @param next the new set
     */
    public void replace(TokenKeySet next) {
        current.set(Objects.requireNonNull(next, "next"));
    }

    /**
     * Makes {@code next} the signing key; every current key keeps verifying.
     *
     * @param next a key that can sign
     * @return the new set
     */
    public TokenKeySet rotateTo(TokenKey next) {
        Objects.requireNonNull(next, "next");
        return current.updateAndGet(set -> set.rotateTo(next));
    }

    /**
     * Removes a verification key: tokens it signed are rejected from now on (also when a node's
     * verified-token cache remembers them).
     *
     * @param keyId the key to remove
     * @return the new set
     * @throws IllegalArgumentException if it is the active signing key
     */
    public TokenKeySet retire(String keyId) {
        Objects.requireNonNull(keyId, "keyId");
        return current.updateAndGet(set -> set.without(keyId));
    }

    @Override
    public String toString() {
        return "KeyRing[" + current.get() + "]";
    }
}
