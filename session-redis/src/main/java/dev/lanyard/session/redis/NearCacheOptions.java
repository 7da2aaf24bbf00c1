package dev.lanyard.session.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of a {@link NearCachedRedisStore}: how many session records a node keeps, for how long
 * at most, and how often it proves that its invalidation channel is alive. Immutable and
 * thread-safe; build one with {@link #builder()} or take {@link #defaults()}.
 *
 * @param maximumSize the most records kept on this node (default {@link #DEFAULT_MAXIMUM_SIZE})
 * @param maximumEntryAge the longest a record is kept after it was read from Redis, whatever the
 *     invalidations say (default {@link #DEFAULT_MAXIMUM_ENTRY_AGE})
 * @param heartbeatInterval how often the invalidation connection is pinged (default
 *     {@link #DEFAULT_HEARTBEAT_INTERVAL}); the cache answers only while a ping sent less than
 *     {@link #LEASE_HEARTBEATS} intervals ago was answered
 *
 * @since 0.1.0
 */
public record NearCacheOptions(long maximumSize, Duration maximumEntryAge, Duration heartbeatInterval) {

    /** The default maximum number of records per node: 10,000. */
    public static final long DEFAULT_MAXIMUM_SIZE = 10_000;

    /** The default maximum age of a cached record: 5 minutes. */
    public static final Duration DEFAULT_MAXIMUM_ENTRY_AGE = Duration.ofMinutes(5);

    /**
     * The default heartbeat interval of the invalidation connection: 500 ms, so a lease of 1.5 s. It
     * bounds how long a revocation whose invalidation was lost with a silent channel can still be
     * served: until the next heartbeat fails (one interval plus one command timeout, 0.75 s with the
     * defaults), at most the lease. Costs two {@code PING}s a second per node.
     */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(500);

    /**
     * How many heartbeat intervals the cache keeps answering after the last answered ping: 3. A
     * connection that hangs silently (no reset, no close) stops the cache within this many intervals,
     * sooner when a heartbeat on it fails first.
     */
    public static final int LEASE_HEARTBEATS = 3;

    /**
     * Checks the options.
     *
     * @param maximumSize the most records kept on this node (default {@link #DEFAULT_MAXIMUM_SIZE})
     * @param maximumEntryAge the longest a record is kept after it was read from Redis, whatever the invalidations say (default {@link #DEFAULT_MAXIMUM_ENTRY_AGE})
     * @param heartbeatInterval how often the invalidation connection is pinged (default {@link #DEFAULT_HEARTBEAT_INTERVAL}); the cache answers only while a ping sent less than {@link #LEASE_HEARTBEATS} intervals ago was answered
     * @throws IllegalArgumentException naming the option that is out of range
     */
    public NearCacheOptions {
        Objects.requireNonNull(maximumEntryAge, "maximumEntryAge");
        Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
        if (maximumSize < 1) {
            throw new IllegalArgumentException("maximumSize (" + maximumSize + ") must be at least 1");
        }
        if (maximumEntryAge.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("maximumEntryAge (" + maximumEntryAge + ") must be at least 1 ms");
        }
        if (heartbeatInterval.compareTo(Duration.ofMillis(10)) < 0
                || heartbeatInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException(
                    "heartbeatInterval (" + heartbeatInterval + ") must be between 10 ms and 1 minute");
        }
    }

    /** @return the default options */
    public static NearCacheOptions defaults() {
        return builder().build();
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link NearCacheOptions}. Not thread-safe. */
    public static final class Builder {
        private long maximumSize = DEFAULT_MAXIMUM_SIZE;
        private Duration maximumEntryAge = DEFAULT_MAXIMUM_ENTRY_AGE;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;

        private Builder() {}

        /**
         * @param maximumSize the most records kept on this node, at least 1
         * @return this builder
         */
        public Builder maximumSize(long maximumSize) {
            this.maximumSize = maximumSize;
            return this;
        }

        /**
         * @param maximumEntryAge the longest a record is kept after it was read, at least 1 ms
         * @return this builder
         */
        public Builder maximumEntryAge(Duration maximumEntryAge) {
            this.maximumEntryAge = Objects.requireNonNull(maximumEntryAge, "maximumEntryAge");
            return this;
        }

        /**
         * @param heartbeatInterval how often the invalidation connection is pinged, 10 ms to 1 minute
         * @return this builder
         */
        public Builder heartbeatInterval(Duration heartbeatInterval) {
            this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
            return this;
        }

        /**
         * @return the options
         * @throws IllegalArgumentException naming the option that is out of range
         */
        public NearCacheOptions build() {
            return new NearCacheOptions(maximumSize, maximumEntryAge, heartbeatInterval);
        }
    }
}
