package dev.lanyard.session.memcached;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Micrometer meters over a {@link MemcachedSessionStore}'s {@link MemcachedStoreStats}: the sessions
 * lost to a dead server, compare-and-set contention and failures. The meters read the store's
 * counters when scraped, so binding costs the store nothing per request. Needs
 * {@code micrometer-core} on the class path (an optional dependency of this module).
 *
 * <pre>{@code
 * MemcachedStoreMetrics.of(store).bindTo(registry);
 * }</pre>
 *
 * <p>Meters (Prometheus names in brackets), none tagged with a handle or a user:
 *
 * <ul>
 *   <li>{@code lanyard.memcached.sessions.lost} [{@code lanyard_memcached_sessions_lost_total}]
 *       with {@code cause=dead_server}: reads whose session was on a server that is down, answered
 *       as absent, so the user was signed out;
 *   <li>{@code lanyard.memcached.cas.writes}, {@code lanyard.memcached.cas.retries} and {@code
 *       lanyard.memcached.cas.give.ups}: compare-and-set writes applied, attempts lost to another
 *       writer, and writes that gave up after the configured retries;
 *   <li>{@code lanyard.memcached.unavailable}: operations that failed as unavailable.
 * </ul>
 *
 * @since 0.1.0
 */
public final class MemcachedStoreMetrics implements MeterBinder {

    private final MemcachedSessionStore store;
    private final Tags tags;

    private MemcachedStoreMetrics(MemcachedSessionStore store, Tags tags) {
        this.store = store;
        this.tags = tags;
    }

    /**
     * Returns a binder for the store's meters, without extra tags.
     *
     * @param store the store to meter
     * @return a binder; bind it once per registry
     */
    public static MemcachedStoreMetrics of(MemcachedSessionStore store) {
        return new MemcachedStoreMetrics(Objects.requireNonNull(store, "store"), Tags.empty());
    }

    /**
     * Returns a binder that also puts {@code tags} on every meter, for example to tell two stores of
     * one application apart.
     *
     * @param tags the tags to add
     * @return a new binder over the same store
     */
    public MemcachedStoreMetrics withTags(Iterable<Tag> tags) {
        return new MemcachedStoreMetrics(store, this.tags.and(Objects.requireNonNull(tags, "tags")));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(
                registry,
                "lanyard.memcached.sessions.lost",
                MemcachedStoreStats::lostToDeadServer,
                "Reads whose session was on a dead server, answered as absent (the user was signed out)",
                Tags.of("cause", "dead_server"));
        counter(
                registry,
                "lanyard.memcached.cas.writes",
                MemcachedStoreStats::casWrites,
                "Compare-and-set writes applied",
                Tags.empty());
        counter(
                registry,
                "lanyard.memcached.cas.retries",
                MemcachedStoreStats::casRetries,
                "Compare-and-set attempts that lost a race with another writer and were tried again",
                Tags.empty());
        counter(
                registry,
                "lanyard.memcached.cas.give.ups",
                MemcachedStoreStats::casGiveUps,
                "Writes that lost every allowed compare-and-set race and failed as unavailable",
                Tags.empty());
        counter(
                registry,
                "lanyard.memcached.unavailable",
                MemcachedStoreStats::unavailable,
                "Store operations that failed as unavailable",
                Tags.empty());
    }

    private void counter(
            MeterRegistry registry,
            String name,
            ToLongFunction<MemcachedStoreStats> read,
            String description,
            Tags extra) {
        FunctionCounter.builder(name, store, s -> read.applyAsLong(s.stats()))
                .description(description)
                .tags(tags)
                .tags(extra)
                .register(registry);
    }

    @Override
    public String toString() {
        return "MemcachedStoreMetrics[tags=" + tags + "]";
    }
}
