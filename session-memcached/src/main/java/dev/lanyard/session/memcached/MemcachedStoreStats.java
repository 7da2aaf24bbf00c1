package dev.lanyard.session.memcached;

/**
 * Counters of a {@link MemcachedSessionStore} since it was opened, for meters and operators. Meter
 * them with the application's registry (for example Micrometer's {@code FunctionCounter} over
 * {@link MemcachedSessionStore#stats()}); none carries a handle or a user.
 *
 * @param casWrites compare-and-set writes that were applied (updates, rotations, deletions)
 * @param casRetries compare-and-set attempts that lost a race with another writer and were tried
 *     again; {@code casRetries / (casWrites + casRetries)} is the share of attempts lost to contention
 * @param casGiveUps writes that lost {@link MemcachedOptions#casRetries()} races in a row and were
 *     reported as {@link dev.lanyard.session.StoreUnavailableException}
 * @param lostToDeadServer reads that found the server holding the session down while another
 *     server answered, and so resolved the session as absent
 * @param unavailable operations that failed with {@link dev.lanyard.session.StoreUnavailableException}
 *
 * @since 0.1.0
 */
public record MemcachedStoreStats(
        long casWrites, long casRetries, long casGiveUps, long lostToDeadServer, long unavailable) {

    /**
     * Returns the share of compare-and-set attempts that lost a race, from 0 to 1.
     *
     * @return {@code casRetries / (casWrites + casRetries)}, or 0 before any write
     */
    public double casRetryShare() {
        long attempts = casWrites + casRetries;
        return attempts == 0 ? 0 : (double) casRetries / attempts;
    }
}
