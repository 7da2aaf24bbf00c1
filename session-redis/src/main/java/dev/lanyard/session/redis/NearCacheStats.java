package dev.lanyard.session.redis;

/**
 * A snapshot of a {@link NearCachedRedisStore}'s counters since it was opened. Immutable.
 *
 * @param hits reads answered from the local copy (no round trip)
 * @param misses reads that went to Redis (not cached, expired, or the cache was not trusted)
 * @param invalidations single-session invalidations applied (from Redis or from this node's writes)
 * @param resets times the whole local copy was dropped because the invalidation channel was lost,
 *     re-established, silent past its lease, or Redis flushed its data
 * @param active whether the cache may answer right now (its invalidation channel is healthy)
 * @param size the approximate number of records held
 *
 * @since 0.1.0
 */
public record NearCacheStats(long hits, long misses, long invalidations, long resets, boolean active, long size) {

    /** @return hits divided by reads, or 0 before the first read */
    public double hitRatio() {
        long reads = hits + misses;
        return reads == 0 ? 0 : (double) hits / reads;
    }
}
