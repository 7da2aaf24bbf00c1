package dev.lanyard.benchmarks.soak;

/** The faults the soak injects. */
public enum Fault {
    /** One application node is stopped abruptly (connections dropped), then started again on the same port. */
    NODE_RESTART("node-restart", false),
    /** Redis is shut down cleanly (SIGTERM: it fsyncs its AOF) and started again on the same port. */
    REDIS_RESTART("redis-restart", true),
    /** Redis is killed with SIGKILL (up to one second of AOF {@code everysec} may be lost) and restarted. */
    REDIS_CRASH("redis-crash", true),
    /** Redis is frozen with SIGSTOP for longer than the store's command timeout, then thawed with SIGCONT. */
    REDIS_PAUSE("redis-pause", true),
    /**
     * Sentinel promotes the replica ({@code SENTINEL FAILOVER}); the fault lasts until the old master
     * has rejoined as the new master's replica, since writes that must reach a replica fail until
     * then. Only with {@link SoakConfig.Topology#SENTINEL}.
     */
    SENTINEL_FAILOVER("sentinel-failover", true),
    /**
     * The PostgreSQL of the JDBC topology is stopped (fast shutdown: open sessions end, committed data
     * stays) and started again on the same port. Only with {@link SoakConfig.Topology#POSTGRESQL}.
     */
    DATABASE_RESTART("database-restart", true),
    /**
     * Redis vanishes for the app nodes without a reset (a proxy between them answers nothing and
     * closes nothing) for about 2.5 s; their connections stay half-open and must be replaced.
     */
    NETWORK_BLACKHOLE("network-blackhole", true),
    /**
     * Every Redis reply is held back, first by a fifth of the command timeout, then by twice it.
     */
    LATENCY("latency", true),
    /**
     * Only the near cache's invalidation connections of both app nodes are silenced (the proxy drops
     * what either side sends on them and closes nothing) while their data connections keep working;
     * the silenced links stay silent for good, as half-open ones. The fault lasts until both caches
     * have stopped answering and are back on new invalidation connections. Its schedule runs the app
     * nodes with the near cache. The store stays up throughout, so no 5xx is expected.
     */
    BLACKHOLE_TRACKING("blackhole-tracking", false);

    private final String label;
    private final boolean storeDown;

    Fault(String label, boolean storeDown) {
        this.label = label;
        this.storeDown = storeDown;
    }

    /** @return whether this fault needs the proxy between the app nodes and a standalone Redis */
    public boolean network() {
        return this == NETWORK_BLACKHOLE || this == LATENCY || this == BLACKHOLE_TRACKING;
    }

    /** @return the name used in schedules and tables */
    public String label() {
        return label;
    }

    /** @return whether the session store is unavailable during this fault (fail-closed routes may answer 503) */
    public boolean storeDown() {
        return storeDown;
    }

    /**
     * @param label a label such as {@code redis-pause}
     * @return the fault
     * @throws IllegalArgumentException if no fault has that label
     */
    public static Fault ofLabel(String label) {
        for (Fault fault : values()) {
            if (fault.label.equals(label)) {
                return fault;
            }
        }
        throw new IllegalArgumentException("unknown fault '" + label + "'; known: node-restart, redis-restart, "
                + "redis-crash, redis-pause, sentinel-failover, database-restart, network-blackhole, latency, "
                + "blackhole-tracking");
    }
}
