package dev.lanyard.session.metrics;

import java.util.Locale;

/**
 * The names, tag keys and fixed tag values of every meter {@link SessionMetrics} registers. They
 * are part of the public contract: dashboards and alerts are written against them, so they change
 * only in a major version. {@code docs/metrics.md} explains each meter and suggests an alert.
 *
 * <p>Names follow Micrometer's convention (lower case, dot separated); each registry renders them
 * in its own style, for example Prometheus turns {@link #CREATED} into
 * {@code lanyard_sessions_creations_total} and {@link #STORE_OPERATIONS} into
 * {@code lanyard_store_operations_seconds}.
 *
 * <p>Tag values are bounded: an enum constant's name in lower case ({@link #tagValue(Enum)}),
 * {@code true}/{@code false}, a route name the application configured, a rejection reason from a
 * capped set, or {@link #OTHER}. No tag ever carries a session ID, a handle, a user, a client
 * address or a node name.
 *
 * @since 0.1.0
 */
public final class SessionMeters {

    private SessionMeters() {}

    // ------------------------------------------------------------------ names

    /**
     * Counter: sessions created. Tag {@link #TAG_AUTHENTICATED}. (Not {@code lanyard.sessions.created}:
     * OpenMetrics reserves the {@code _created} suffix and Prometheus would strip it.)
     */
    public static final String CREATED = "lanyard.sessions.creations";

    /** Counter: presented sessions found valid. Tag {@link #TAG_SOURCE}. */
    public static final String RESOLVED = "lanyard.sessions.resolved";

    /** Counter: presented session IDs that resolved to no session. Tag {@link #TAG_STATUS}. */
    public static final String NOT_RESOLVED = "lanyard.sessions.not.resolved";

    /** Counter: sessions moved to a new ID. Tag {@link #TAG_CAUSE}. */
    public static final String ROTATED = "lanyard.sessions.rotated";

    /** Counter: session writes, touches (renewals) and attribute changes. Tag {@link #TAG_KIND}. */
    public static final String SAVES = "lanyard.sessions.saves";

    /** Counter: sessions ended on purpose. Tag {@link #TAG_REASON} (a revocation reason). */
    public static final String REVOKED = "lanyard.sessions.revoked";

    /** Counter: sessions found expired and removed. Tag {@link #TAG_REASON} (an expiry reason). */
    public static final String EXPIRED = "lanyard.sessions.expired";

    /** Counter: logins. No tags. */
    public static final String LOGINS = "lanyard.sessions.logins";

    /** Counter: logouts. No tags. */
    public static final String LOGOUTS = "lanyard.sessions.logouts";

    /** Counter: logins that met the per-user session limit. Tag {@link #TAG_RULE}. */
    public static final String LIMIT_REACHED = "lanyard.sessions.limit.reached";

    /** Counter: requests refused until the user re-authenticates. Tag {@link #TAG_ROUTE}. */
    public static final String STEP_UP_REQUIRED = "lanyard.sessions.step.up.required";

    /** Counter: retired refresh tokens presented again (family and session revoked). No tags. */
    public static final String TOKEN_REUSE_DETECTED = "lanyard.tokens.reuse.detected";

    /**
     * Counter: retired refresh tokens that received their successor within the refresh grace
     * period (at most once per token). No tags.
     */
    public static final String REFRESH_GRACE_USED = "lanyard.tokens.refresh.grace.used";

    /** Counter: access tokens rejected. Tag {@link #TAG_REASON} (a capped set, see the builder). */
    public static final String TOKEN_REJECTED = "lanyard.tokens.rejected";

    /** Counter: sessions served by a different node than the one that served them before. No tags. */
    public static final String AFFINITY_REBINDS = "lanyard.sessions.affinity.rebinds";

    /** Counter: requests served without a session because the store was down. Tag {@link #TAG_ROUTE}. */
    public static final String FAIL_OPEN = "lanyard.sessions.fail.open";

    /** Counter: clients suspected of guessing session IDs. No tags. */
    public static final String GUESSING_SUSPECTED = "lanyard.sessions.guessing.suspected";

    /** Timer: store operation latency. Tags {@link #TAG_OPERATION} and {@link #TAG_OUTCOME}. */
    public static final String STORE_OPERATIONS = "lanyard.store.operations";

    /**
     * Gauge: the share of resolved sessions served by a near cache over a sliding window, from 0 to
     * 1; {@code NaN} when nothing was resolved in the window. No tags.
     */
    public static final String NEAR_CACHE_HIT_RATIO = "lanyard.sessions.near.cache.hit.ratio";

    /**
     * Gauge, one per {@link dev.lanyard.session.StoreState}: 1 for the store's current state and 0
     * for the others, so {@code lanyard_store_state{state="up"} == 0} alerts on an unreachable
     * store. Tag {@link #TAG_STATE}. Follows the manager's
     * {@link dev.lanyard.session.event.SessionEvent.StoreStateChanged} events; a store that does not
     * report its health counts as up.
     */
    public static final String STORE_STATE = "lanyard.store.state";

    /** Distribution summary, base unit bytes: a session's encoded attribute size after each save. No tags. */
    public static final String PAYLOAD_SIZE = "lanyard.sessions.payload.size";

    /** Distribution summary: how many sessions the user holds, measured at each login. No tags. */
    public static final String SESSIONS_PER_USER = "lanyard.sessions.per.user";

    /** Counter: stored sessions that could not be read and were dropped. No tags. */
    public static final String UNREADABLE = "lanyard.sessions.unreadable";

    /**
     * Counter: attributes that could not be read (class removed or changed in a deploy, refused by
     * the codec's allow-list or gadget deny-list, corrupt) and were dropped alone, the session kept.
     * No tags.
     */
    public static final String ATTRIBUTES_UNREADABLE = "lanyard.sessions.attributes.unreadable";

    /** Counter: writes that took a session past the soft payload limit. No tags. */
    public static final String PAYLOAD_OVER_SOFT_LIMIT = "lanyard.sessions.payload.over.soft.limit";

    // ------------------------------------------------------------------ tag keys

    /** Tag key on {@link #CREATED}: {@code true} when the session was created by a login. */
    public static final String TAG_AUTHENTICATED = "authenticated";

    /** Tag key on {@link #RESOLVED}: {@code store} or {@code near_cache}. */
    public static final String TAG_SOURCE = "source";

    /**
     * Tag key on {@link #NOT_RESOLVED}: {@code malformed}, {@code unknown}, {@code expired_idle},
     * {@code expired_absolute}, {@code stale_version} or {@code unreadable}.
     */
    public static final String TAG_STATUS = "status";

    /**
     * Tag key on {@link #ROTATED}: {@code login}, {@code reauthentication}, {@code privilege_change}
     * or {@code requested}.
     */
    public static final String TAG_CAUSE = "cause";

    /** Tag key on {@link #SAVES}: {@code touch} or {@code attributes}. */
    public static final String TAG_KIND = "kind";

    /**
     * Tag key on {@link #REVOKED} ({@code logout}, {@code admin}, {@code user_wide},
     * {@code limit_overflow}, {@code reuse_detected}, {@code unreadable}), {@link #EXPIRED}
     * ({@code idle}, {@code absolute}, {@code version}) and {@link #TOKEN_REJECTED}.
     */
    public static final String TAG_REASON = "reason";

    /** Tag key on {@link #LIMIT_REACHED}: {@code refuse_new} or {@code evict_least_recently_used}. */
    public static final String TAG_RULE = "rule";

    /** Tag key on {@link #STEP_UP_REQUIRED} and {@link #FAIL_OPEN}: a configured route name or {@link #OTHER}. */
    public static final String TAG_ROUTE = "route";

    /**
     * Tag key on {@link #STORE_OPERATIONS}: {@code load}, {@code create}, {@code update},
     * {@code rotate}, {@code delete}, {@code admit}, {@code list} or {@code revoke_all}.
     */
    public static final String TAG_OPERATION = "operation";

    /** Tag key on {@link #STORE_STATE}: {@code up}, {@code connecting} or {@code down}. */
    public static final String TAG_STATE = "state";

    /** Tag key on {@link #STORE_OPERATIONS}: {@code success} or {@code failure}. */
    public static final String TAG_OUTCOME = "outcome";

    // ------------------------------------------------------------------ tag values

    /** The tag value for a route that was not configured, or a reason beyond the cap or not enum-like. */
    public static final String OTHER = "other";

    /**
     * Returns the tag value used for an enum constant: its name in lower case, such as
     * {@code near_cache} for {@code Source.NEAR_CACHE}.
     *
     * @param constant the constant
     * @return the tag value
     */
    public static String tagValue(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }
}
