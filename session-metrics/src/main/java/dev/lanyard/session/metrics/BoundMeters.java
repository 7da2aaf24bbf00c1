package dev.lanyard.session.metrics;

import static dev.lanyard.session.metrics.SessionMeters.tagValue;

import dev.lanyard.session.ExpiryReason;
import dev.lanyard.session.OverflowRule;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.RotationCause;
import dev.lanyard.session.StoreState;
import dev.lanyard.session.event.SessionEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of one {@link SessionMetrics} in one registry. Every meter whose tags are known is
 * registered in the constructor and kept in arrays indexed by enum ordinal, so recording is a
 * field read and an increment. Thread-safe.
 */
final class BoundMeters {

    /** The store timer's expected range, which bounds its histogram buckets. */
    static final Duration STORE_MIN = Duration.ofNanos(50_000);

    static final Duration STORE_MAX = Duration.ofSeconds(10);
    /** The payload summary's expected range, in bytes. */
    static final double PAYLOAD_MIN = 16;

    static final double PAYLOAD_MAX = 1024 * 1024;
    /** The sessions-per-user summary's expected range. */
    static final double PER_USER_MIN = 1;

    static final double PER_USER_MAX = 1000;

    private static final int MAX_REASON_LENGTH = 64;

    private final MeterRegistry registry;
    private final Tags common;
    private final int maxTokenReasons;

    private final Counter[] created = new Counter[2];
    private final Counter[] resolved;
    private final Counter[] notResolved;
    private final Counter[] rotated;
    private final Counter[] saves;
    private final Counter[] revoked;
    private final Counter[] expired;
    private final Counter logins;
    private final Counter logouts;
    private final Counter[] limitReached;
    private final Map<String, Counter> stepUpByRoute;
    private final Counter stepUpOther;
    private final Counter tokenReuse;
    private final Counter refreshGrace;
    private final ConcurrentHashMap<String, Counter> tokenRejectedByReason = new ConcurrentHashMap<>();
    private final Counter tokenRejectedOther;
    private final Counter rebinds;
    private final Map<String, Counter> failOpenByRoute;
    private final Counter failOpenOther;
    private final Counter guessing;
    private final Timer[][] store;
    private final DistributionSummary payloadSize;
    private final DistributionSummary sessionsPerUser;
    private final Counter unreadable;
    private final Counter attributesUnreadable;
    private final Counter overSoftLimit;

    BoundMeters(MeterRegistry registry, SessionMetrics options) {
        this.registry = registry;
        this.common = options.commonTags();
        this.maxTokenReasons = options.maxTokenReasons();

        created[0] = counter(SessionMeters.CREATED, "Sessions created", SessionMeters.TAG_AUTHENTICATED, "false");
        created[1] = counter(SessionMeters.CREATED, "Sessions created", SessionMeters.TAG_AUTHENTICATED, "true");
        resolved = byEnum(
                SessionMeters.RESOLVED,
                "Presented sessions found valid",
                SessionMeters.TAG_SOURCE,
                SessionEvent.Source.values());
        notResolved = new Counter[ResolutionStatus.values().length];
        for (ResolutionStatus status : ResolutionStatus.values()) {
            if (status != ResolutionStatus.FOUND) {
                notResolved[status.ordinal()] = counter(
                        SessionMeters.NOT_RESOLVED,
                        "Presented session IDs that resolved to no session",
                        SessionMeters.TAG_STATUS,
                        tagValue(status));
            }
        }
        rotated = byEnum(
                SessionMeters.ROTATED, "Sessions moved to a new ID", SessionMeters.TAG_CAUSE, RotationCause.values());
        saves = byEnum(
                SessionMeters.SAVES,
                "Session writes: touches and attribute changes",
                SessionMeters.TAG_KIND,
                SessionEvent.SaveKind.values());
        revoked = byEnum(
                SessionMeters.REVOKED,
                "Sessions ended on purpose",
                SessionMeters.TAG_REASON,
                RevocationReason.values());
        expired = byEnum(
                SessionMeters.EXPIRED,
                "Sessions found expired and removed",
                SessionMeters.TAG_REASON,
                ExpiryReason.values());
        logins = counter(SessionMeters.LOGINS, "Logins");
        logouts = counter(SessionMeters.LOGOUTS, "Logouts");
        limitReached = byEnum(
                SessionMeters.LIMIT_REACHED,
                "Logins that met the per-user session limit",
                SessionMeters.TAG_RULE,
                OverflowRule.values());
        stepUpByRoute =
                byRoute(SessionMeters.STEP_UP_REQUIRED, "Requests that demanded recent authentication", options);
        stepUpOther = stepUpByRoute.get(SessionMeters.OTHER);
        tokenReuse = counter(
                SessionMeters.TOKEN_REUSE_DETECTED,
                "Retired refresh tokens presented again; their family and session were revoked");
        refreshGrace = counter(
                SessionMeters.REFRESH_GRACE_USED,
                "Retired refresh tokens that received their successor within the grace period");
        tokenRejectedOther = counter(
                SessionMeters.TOKEN_REJECTED, "Access tokens rejected", SessionMeters.TAG_REASON, SessionMeters.OTHER);
        rebinds = counter(SessionMeters.AFFINITY_REBINDS, "Sessions served by a different node than before");
        failOpenByRoute = byRoute(
                SessionMeters.FAIL_OPEN, "Requests served without a session because the store was down", options);
        failOpenOther = failOpenByRoute.get(SessionMeters.OTHER);
        guessing = counter(SessionMeters.GUESSING_SUSPECTED, "Clients suspected of guessing session IDs");

        SessionEvent.StoreOperation[] operations = SessionEvent.StoreOperation.values();
        SessionEvent.Outcome[] outcomes = SessionEvent.Outcome.values();
        store = new Timer[operations.length][outcomes.length];
        for (SessionEvent.StoreOperation operation : operations) {
            for (SessionEvent.Outcome outcome : outcomes) {
                store[operation.ordinal()][outcome.ordinal()] = Timer.builder(SessionMeters.STORE_OPERATIONS)
                        .description("Session store operation latency")
                        .tags(common)
                        .tag(SessionMeters.TAG_OPERATION, tagValue(operation))
                        .tag(SessionMeters.TAG_OUTCOME, tagValue(outcome))
                        .publishPercentiles(options.percentiles())
                        .publishPercentileHistogram(options.percentileHistogram())
                        .serviceLevelObjectives(options.storeLatencyBuckets())
                        .minimumExpectedValue(STORE_MIN)
                        .maximumExpectedValue(STORE_MAX)
                        .register(registry);
            }
        }
        payloadSize = DistributionSummary.builder(SessionMeters.PAYLOAD_SIZE)
                .description("Encoded attribute size of a session after a save")
                .baseUnit("bytes")
                .tags(common)
                .publishPercentiles(options.percentiles())
                .publishPercentileHistogram(options.percentileHistogram())
                .minimumExpectedValue(PAYLOAD_MIN)
                .maximumExpectedValue(PAYLOAD_MAX)
                .register(registry);
        sessionsPerUser = DistributionSummary.builder(SessionMeters.SESSIONS_PER_USER)
                .description("Sessions the user holds, measured at login")
                .tags(common)
                .publishPercentiles(options.percentiles())
                .publishPercentileHistogram(options.percentileHistogram())
                .minimumExpectedValue(PER_USER_MIN)
                .maximumExpectedValue(PER_USER_MAX)
                .register(registry);
        unreadable = counter(SessionMeters.UNREADABLE, "Stored sessions that could not be read and were dropped");
        attributesUnreadable = counter(
                SessionMeters.ATTRIBUTES_UNREADABLE,
                "Stored attributes that could not be read and were dropped alone, the session kept");
        overSoftLimit = counter(
                SessionMeters.PAYLOAD_OVER_SOFT_LIMIT, "Writes that took a session past the soft payload limit");
        for (StoreState state : StoreState.values()) {
            Gauge.builder(SessionMeters.STORE_STATE, options, o -> o.storeStateIs(state))
                    .description("1 for the session store's current state (up, connecting, down), 0 for the others")
                    .tags(common.and(SessionMeters.TAG_STATE, SessionMeters.tagValue(state)))
                    .strongReference(true)
                    .register(registry);
        }
        Gauge.builder(SessionMeters.NEAR_CACHE_HIT_RATIO, options.nearCache(), HitRatioWindow::ratio)
                .description("Share of resolved sessions served by the near cache over a sliding window")
                .tags(common)
                .strongReference(true)
                .register(registry);
    }

    MeterRegistry registry() {
        return registry;
    }

    /**
     * Records one event; the most frequent kinds are tested first.
     *
     * @param event the event
     */
    void record(SessionEvent event) {
        if (event instanceof SessionEvent.StoreCall e) {
            store[e.operation().ordinal()][e.outcome().ordinal()].record(e.elapsed());
        } else if (event instanceof SessionEvent.Resolved e) {
            resolved[e.source().ordinal()].increment();
        } else if (event instanceof SessionEvent.Saved e) {
            saves[e.kind().ordinal()].increment();
            payloadSize.record(e.payloadBytes());
        } else if (event instanceof SessionEvent.NotResolved e) {
            Counter counter = notResolved[e.status().ordinal()];
            if (counter != null) {
                counter.increment();
            }
        } else if (event instanceof SessionEvent.Created e) {
            created[e.authenticated() ? 1 : 0].increment();
        } else if (event instanceof SessionEvent.Rotated e) {
            rotated[e.cause().ordinal()].increment();
        } else if (event instanceof SessionEvent.Expired e) {
            expired[e.reason().ordinal()].increment();
        } else if (event instanceof SessionEvent.Revoked e) {
            revoked[e.reason().ordinal()].increment();
        } else if (event instanceof SessionEvent.LoggedIn e) {
            logins.increment();
            if (e.userSessions() > 0) {
                sessionsPerUser.record(e.userSessions());
            }
        } else if (event instanceof SessionEvent.LoggedOut) {
            logouts.increment();
        } else if (event instanceof SessionEvent.TokenRejected e) {
            tokenRejected(e.reason()).increment();
        } else if (event instanceof SessionEvent.StepUpRequired e) {
            route(stepUpByRoute, stepUpOther, e.route()).increment();
        } else if (event instanceof SessionEvent.AffinityRebind) {
            rebinds.increment();
        } else if (event instanceof SessionEvent.LimitReached e) {
            limitReached[e.rule().ordinal()].increment();
        } else if (event instanceof SessionEvent.PayloadOverSoftLimit) {
            overSoftLimit.increment();
        } else if (event instanceof SessionEvent.Unreadable) {
            unreadable.increment();
        } else if (event instanceof SessionEvent.AttributeUnreadable) {
            attributesUnreadable.increment();
        } else if (event instanceof SessionEvent.TokenReuseDetected) {
            tokenReuse.increment();
        } else if (event instanceof SessionEvent.RefreshGraceUsed) {
            refreshGrace.increment();
        } else if (event instanceof SessionEvent.FailOpen e) {
            route(failOpenByRoute, failOpenOther, e.route()).increment();
        } else if (event instanceof SessionEvent.GuessingSuspected) {
            guessing.increment();
        }
    }

    private static Counter route(Map<String, Counter> byRoute, Counter other, String route) {
        if (route == null) {
            return other;
        }
        Counter counter = byRoute.get(route);
        return counter != null ? counter : other;
    }

    /**
     * The counter for a token rejection reason: one per enum-like reason up to the cap, registered
     * on first sight; {@code other} for anything else.
     */
    private Counter tokenRejected(String reason) {
        if (reason == null) {
            return tokenRejectedOther;
        }
        Counter counter = tokenRejectedByReason.get(reason);
        if (counter != null) {
            return counter;
        }
        if (!isEnumLike(reason)) {
            return tokenRejectedOther;
        }
        synchronized (tokenRejectedByReason) {
            counter = tokenRejectedByReason.get(reason);
            if (counter == null) {
                if (tokenRejectedByReason.size() >= maxTokenReasons) {
                    return tokenRejectedOther;
                }
                counter = counter(
                        SessionMeters.TOKEN_REJECTED,
                        "Access tokens rejected",
                        SessionMeters.TAG_REASON,
                        reason.toLowerCase(Locale.ROOT));
                tokenRejectedByReason.put(reason, counter);
            }
            return counter;
        }
    }

    /** Whether a value looks like an enum constant's name: 1 to 64 of {@code [A-Za-z0-9_]}. */
    static boolean isEnumLike(String value) {
        int length = value.length();
        if (length == 0 || length > MAX_REASON_LENGTH) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(name)
                .description(description)
                .tags(common)
                .tags(tags)
                .register(registry);
    }

    private <E extends Enum<E>> Counter[] byEnum(String name, String description, String key, E[] values) {
        Counter[] counters = new Counter[values.length];
        for (E value : values) {
            counters[value.ordinal()] = counter(name, description, key, tagValue(value));
        }
        return counters;
    }

    private Map<String, Counter> byRoute(String name, String description, SessionMetrics options) {
        Map<String, Counter> counters = new HashMap<>();
        for (String route : options.routes()) {
            counters.put(route, counter(name, description, SessionMeters.TAG_ROUTE, route));
        }
        counters.put(SessionMeters.OTHER, counter(name, description, SessionMeters.TAG_ROUTE, SessionMeters.OTHER));
        return Map.copyOf(counters);
    }
}
