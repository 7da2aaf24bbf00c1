package dev.lanyard.session;

/**
 * Where a resolve may read a session from. Only stores with a near cache
 * ({@link dev.lanyard.session.spi.NearCachingStore}) make a difference; every other store always
 * reads the store.
 *
 * @since 0.1.0
 */
public enum ReadMode {
    /**
     * A local copy may answer, if the store's invalidation channel is healthy: zero round trips.
     * Revocations elsewhere reach the copy within the store's invalidation delay.
     */
    CACHE,
    /**
     * Always read the shared store: for routes that must see a revocation at once (payments,
     * administration) and for version-checked decisions.
     */
    STORE
}
