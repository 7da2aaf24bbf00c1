package dev.lanyard.session.metrics;

import dev.lanyard.session.StoreState;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Lanyard's {@link SessionEvent}s into Micrometer meters: a {@link MeterBinder} to bind to
 * one or more registries and a {@link SessionListener} to add to every
 * {@link dev.lanyard.session.SessionManager}. The meters are named in {@link SessionMeters}.
 *
 * <pre>{@code
 * SessionMetrics metrics = SessionMetrics.builder().routes(List.of("/admin/*", "/checkout")).build();
 * metrics.bindTo(registry);
 * SessionManager manager = SessionManager.builder(store).listener(metrics).build();
 * }</pre>
 *
 * <p><b>Cardinality.</b> Every tag value comes from a closed set: enum constants, the route names
 * configured with {@link Builder#routes(Collection)}, at most {@link Builder#maxTokenReasons(int)}
 * token rejection reasons, and {@link SessionMeters#OTHER}. With the defaults and no routes the
 * binder registers a fixed set of meters (see {@code docs/metrics.md}) however many sessions,
 * users and nodes there are. No tag carries a session ID, a handle, a user or an address.
 *
 * <p><b>Cost.</b> {@link #bindTo} registers every meter whose tags are known up front; recording
 * an event is then an {@code instanceof} dispatch and an array index, without allocation, except
 * for route and token-reason tags (one hash look-up) and a token reason seen for the first time
 * (one registration, at most {@code maxTokenReasons} times).
 *
 * <p><b>Failure.</b> A meter or registry that throws while recording never reaches the caller:
 * the measurement is dropped, the first such failure is logged at WARN and later ones at DEBUG,
 * and {@link #droppedMeasurements()} counts them. Registration in {@link #bindTo} happens at
 * start-up and propagates what the registry throws.
 *
 * <p>Thread-safe. Events that arrive before the first {@link #bindTo} are not counted.
 *
 * @since 0.1.0
 */
public final class SessionMetrics implements MeterBinder, SessionListener {

    private static final Logger LOG = LoggerFactory.getLogger(SessionMetrics.class);

    /** Default client-side percentiles of the timer and distribution summaries: median, 95th and 99th. */
    public static final List<Double> DEFAULT_PERCENTILES = List.of(0.5, 0.95, 0.99);

    /** Default cap on distinct token rejection reasons: 32. */
    public static final int DEFAULT_MAX_TOKEN_REASONS = 32;

    /** Default window of the near-cache hit ratio: one minute. */
    public static final Duration DEFAULT_NEAR_CACHE_WINDOW = Duration.ofMinutes(1);

    /** The most route names that may be configured: 64. */
    public static final int MAX_ROUTES = 64;

    private static final Pattern ROUTE_NAME = Pattern.compile("[\\x21\\x23-\\x5b\\x5d-\\x7e]{1,128}");
    private static final Set<String> OWN_TAG_KEYS = Set.of(
            SessionMeters.TAG_AUTHENTICATED,
            SessionMeters.TAG_SOURCE,
            SessionMeters.TAG_STATUS,
            SessionMeters.TAG_CAUSE,
            SessionMeters.TAG_KIND,
            SessionMeters.TAG_REASON,
            SessionMeters.TAG_RULE,
            SessionMeters.TAG_ROUTE,
            SessionMeters.TAG_OPERATION,
            SessionMeters.TAG_OUTCOME,
            SessionMeters.TAG_STATE);

    private final double[] percentiles;
    private final boolean percentileHistogram;
    private final Duration[] storeLatencyBuckets;
    private final Tags commonTags;
    private final Set<String> routes;
    private final int maxTokenReasons;
    private final HitRatioWindow nearCache;
    private final Object bindLock = new Object();
    private final AtomicLong dropped = new AtomicLong();
    private volatile BoundMeters[] bound = new BoundMeters[0];
    /** The store's state as the last StoreStateChanged event said; up until one says otherwise. */
    private volatile StoreState storeState = StoreState.UP;

    private SessionMetrics(Builder b) {
        this.percentiles = b.percentiles.clone();
        this.percentileHistogram = b.percentileHistogram;
        this.storeLatencyBuckets = b.storeLatencyBuckets.clone();
        this.commonTags = b.commonTags;
        this.routes = Set.copyOf(b.routes);
        this.maxTokenReasons = b.maxTokenReasons;
        this.nearCache = new HitRatioWindow(b.nearCacheWindow, b.clock);
    }

    /**
     * Returns metrics with every default: percentiles {@link #DEFAULT_PERCENTILES}, no percentile
     * histogram, no common tags, no route names.
     *
     * @return new metrics, not yet bound
     */
    public static SessionMetrics create() {
        return builder().build();
    }

    /**
     * Starts a builder.
     *
     * @return a new builder with every default
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Registers every meter in {@code registry} and starts recording events into it. Binding to
     * several registries records into each; binding again to a registry already bound does
     * nothing. Cheap enough for start-up (a few dozen registrations), not meant for request paths.
     * Use one instance per registry: a second instance bound to the same registry shares its
     * counters, but the near-cache gauge keeps reporting the first instance's window.
     *
     * @param registry the registry
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        synchronized (bindLock) {
            for (BoundMeters meters : bound) {
                if (meters.registry() == registry) {
                    return;
                }
            }
            BoundMeters meters = new BoundMeters(registry, this);
            BoundMeters[] next = Arrays.copyOf(bound, bound.length + 1);
            next[bound.length] = meters;
            bound = next;
        }
    }

    /**
     * Records one event in every bound registry. Never throws.
     *
     * @param event what happened
     */
    @Override
    public void onEvent(SessionEvent event) {
        if (event instanceof SessionEvent.StoreStateChanged changed) {
            storeState = changed.health().state();
            return; // the gauge reads storeState
        }
        BoundMeters[] targets = bound;
        if (targets.length == 0 || event == null) {
            return;
        }
        if (event instanceof SessionEvent.Resolved r) {
            try {
                nearCache.record(r.source() == SessionEvent.Source.NEAR_CACHE);
            } catch (RuntimeException e) {
                drop(event, "the near-cache window", e);
            }
        }
        for (BoundMeters meters : targets) {
            try {
                meters.record(event);
            } catch (RuntimeException e) {
                drop(event, meters.registry().getClass().getName(), e);
            }
        }
    }

    private void drop(SessionEvent event, String where, RuntimeException e) {
        long count = dropped.incrementAndGet();
        if (count == 1) {
            LOG.warn(
                    "session metrics could not record {} in {}; the measurement was dropped and later failures "
                            + "are logged at DEBUG",
                    event.getClass().getSimpleName(),
                    where,
                    e);
        } else {
            LOG.debug(
                    "session metrics could not record {} in {} ({} measurements dropped so far)",
                    event.getClass().getSimpleName(),
                    where,
                    count,
                    e);
        }
    }

    /**
     * Returns how many measurements were dropped because a meter or registry threw.
     *
     * @return the count since creation
     */
    public long droppedMeasurements() {
        return dropped.get();
    }

    // ---------------------------------------------------------------- options, for BoundMeters

    double[] percentiles() {
        return percentiles;
    }

    boolean percentileHistogram() {
        return percentileHistogram;
    }

    Duration[] storeLatencyBuckets() {
        return storeLatencyBuckets;
    }

    Tags commonTags() {
        return commonTags;
    }

    Set<String> routes() {
        return routes;
    }

    int maxTokenReasons() {
        return maxTokenReasons;
    }

    HitRatioWindow nearCache() {
        return nearCache;
    }

    /** @return 1 when the store is in {@code state} now, else 0 */
    double storeStateIs(StoreState state) {
        return storeState == state ? 1 : 0;
    }

    @Override
    public String toString() {
        return "SessionMetrics[percentiles=" + Arrays.toString(percentiles) + ", histogram=" + percentileHistogram
                + ", storeLatencyBuckets=" + Arrays.toString(storeLatencyBuckets) + ", commonTags=" + commonTags
                + ", routes=" + routes + ", maxTokenReasons=" + maxTokenReasons + "]";
    }

    /**
     * Configures {@link SessionMetrics}. Independent of any registry. Not thread-safe;
     * {@link #build()} validates.
     */
    public static final class Builder {
        private double[] percentiles =
                DEFAULT_PERCENTILES.stream().mapToDouble(Double::doubleValue).toArray();
        private boolean percentileHistogram;
        private Duration[] storeLatencyBuckets = new Duration[0];
        private Tags commonTags = Tags.empty();
        private final Set<String> routes = new LinkedHashSet<>();
        private int maxTokenReasons = DEFAULT_MAX_TOKEN_REASONS;
        private Duration nearCacheWindow = DEFAULT_NEAR_CACHE_WINDOW;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /**
         * Sets the client-side percentiles published for the store timer and the distribution
         * summaries (default {@link #DEFAULT_PERCENTILES}). Client-side percentiles cannot be
         * aggregated across nodes; prefer {@link #percentileHistogram(boolean)} with Prometheus.
         *
         * @param values each in (0, 1); none turns percentiles off
         * @return this builder
         * @throws IllegalArgumentException if a value is outside (0, 1)
         */
        public Builder percentiles(double... values) {
            for (double p : values) {
                if (!(p > 0 && p < 1)) {
                    throw new IllegalArgumentException("percentiles must each be in (0, 1) (got " + p + ")");
                }
            }
            this.percentiles = values.clone();
            return this;
        }

        /**
         * Turns client-side percentiles off; the same as {@code percentiles()} with no values.
         *
         * @return this builder
         */
        public Builder withoutPercentiles() {
            return percentiles();
        }

        /**
         * Publishes a percentile histogram (buckets) for the store timer and the distribution
         * summaries, which backends like Prometheus aggregate across nodes (default off). Each bucket
         * is a time series, so this multiplies the series count of those meters.
         *
         * @param enabled whether to publish buckets
         * @return this builder
         */
        public Builder percentileHistogram(boolean enabled) {
            this.percentileHistogram = enabled;
            return this;
        }

        /**
         * Publishes explicit latency buckets for the store timer (default none): a histogram of just
         * these bounds, such as 1 ms, 5 ms, 25 ms, 100 ms and 1 s, which lets backends like Prometheus
         * compute SLO ratios and rough percentiles across nodes at a few series per timer, far fewer
         * than {@link #percentileHistogram(boolean)}.
         *
         * @param bounds positive upper bounds; none turns them off
         * @return this builder
         * @throws IllegalArgumentException if a bound is not positive
         */
        public Builder storeLatencyBuckets(Duration... bounds) {
            for (Duration bound : bounds) {
                if (bound == null || bound.isZero() || bound.isNegative()) {
                    throw new IllegalArgumentException("storeLatencyBuckets must each be positive (got " + bound + ")");
                }
            }
            this.storeLatencyBuckets = bounds.clone();
            return this;
        }

        /**
         * Adds tags to every meter, such as {@code application}. Their keys must differ from the tag
         * keys in {@link SessionMeters}.
         *
         * @param tags the tags; values should be bounded like any tag
         * @return this builder
         * @throws IllegalArgumentException if a key is one of the binder's own tag keys
         */
        public Builder commonTags(Iterable<Tag> tags) {
            for (Tag tag : tags) {
                if (OWN_TAG_KEYS.contains(tag.getKey())) {
                    throw new IllegalArgumentException("commonTags must not use the key '" + tag.getKey()
                            + "': session metrics use it themselves");
                }
            }
            this.commonTags = this.commonTags.and(tags);
            return this;
        }

        /**
         * Adds one tag to every meter.
         *
         * @param key the key, not one of the binder's own tag keys
         * @param value the value
         * @return this builder
         * @see #commonTags(Iterable)
         */
        public Builder commonTag(String key, String value) {
            return commonTags(Tags.of(key, value));
        }

        /**
         * Names the routes that may appear in the {@code route} tag of
         * {@link SessionMeters#STEP_UP_REQUIRED} and {@link SessionMeters#FAIL_OPEN}: exactly the
         * route names the events carry, which for the servlet filter are its configured URL patterns
         * ({@code /admin/*}, {@code /checkout}, {@code *.jsp}). An event for any other route is
         * counted under {@link SessionMeters#OTHER}, so a request path can never become a tag.
         * Default: none.
         *
         * @param names up to {@link #MAX_ROUTES} names of 1 to 128 visible ASCII characters, without
         *     quotes or backslashes
         * @return this builder
         * @throws IllegalArgumentException if a name is malformed, is {@code other}, or there are too many
         */
        public Builder routes(Collection<String> names) {
            for (String name : names) {
                if (name == null || !ROUTE_NAME.matcher(name).matches() || SessionMeters.OTHER.equals(name)) {
                    throw new IllegalArgumentException(
                            "routes: '" + name + "' is not a route name (1 to 128 visible ASCII "
                                    + "characters without quotes or backslashes, not 'other')");
                }
            }
            Set<String> all = new LinkedHashSet<>(routes);
            all.addAll(names);
            if (all.size() > MAX_ROUTES) {
                throw new IllegalArgumentException("routes: at most " + MAX_ROUTES + " names (got " + all.size() + ")");
            }
            routes.clear();
            routes.addAll(all);
            return this;
        }

        /**
         * Caps the distinct {@code reason} values of {@link SessionMeters#TOKEN_REJECTED} (default
         * {@link #DEFAULT_MAX_TOKEN_REASONS}). Reasons are expected to be enum names; a value that does
         * not look like one, or that arrives after the cap is reached, is counted as
         * {@link SessionMeters#OTHER}.
         *
         * @param max 1 to 256
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxTokenReasons(int max) {
            if (max < 1 || max > 256) {
                throw new IllegalArgumentException("maxTokenReasons must be 1 to 256 (got " + max + ")");
            }
            this.maxTokenReasons = max;
            return this;
        }

        /**
         * Sets the sliding window of {@link SessionMeters#NEAR_CACHE_HIT_RATIO} (default
         * {@link #DEFAULT_NEAR_CACHE_WINDOW}). The window advances in steps of a sixth of its length.
         *
         * @param window 6 seconds to 1 hour
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder nearCacheWindow(Duration window) {
            Objects.requireNonNull(window, "window");
            if (window.compareTo(Duration.ofSeconds(6)) < 0 || window.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("nearCacheWindow must be 6 seconds to 1 hour (got " + window + ")");
            }
            this.nearCacheWindow = window;
            return this;
        }

        /**
         * Sets the clock of the near-cache hit ratio window (default {@link Clock#systemUTC()}).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Builds the metrics.
         *
         * @return new metrics, not yet bound to a registry
         */
        public SessionMetrics build() {
            return new SessionMetrics(this);
        }
    }
}
