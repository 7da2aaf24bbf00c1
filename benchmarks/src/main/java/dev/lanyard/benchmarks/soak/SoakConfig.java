package dev.lanyard.benchmarks.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a soak run does: how many simulated users, how many at once, for how long, and which
 * faults when.
 *
 * @param users the number of simulated users (each logs in once and leaves)
 * @param concurrency the most users active at once (the worker pool size)
 * @param duration the arrival window: users start evenly spread over it; the run then waits at
 *     most {@link #DRAIN} for the last users
 * @param thinkTime the pause between two requests of one user
 * @param faults the fault schedule
 * @param topology one Redis, a Sentinel-monitored master with a replica, or one PostgreSQL
 */
public record SoakConfig(
        int users,
        int concurrency,
        Duration duration,
        Duration thinkTime,
        List<ScheduledFault> faults,
        Topology topology) {

    /** How the soak's Redis is deployed. */
    public enum Topology {
        /** One {@code redis-server} with AOF {@code everysec}. */
        STANDALONE,
        /**
         * A master and a replica (both AOF {@code everysec}) and one sentinel; the nodes find the
         * master through the sentinel and have every write acknowledged by the replica
         * ({@code replicaAcks=1}), so that a failover loses nothing they were told was written.
         */
        SENTINEL,
        /**
         * The same Sentinel set with Redis's default asynchronous replication (no {@code replicaAcks}):
         * shows what a failover loses without acknowledged writes.
         */
        SENTINEL_UNACKNOWLEDGED,
        /**
         * One private PostgreSQL, through the JDBC store ({@code session-jdbc}); its fault is
         * {@link Fault#DATABASE_RESTART}.
         */
        POSTGRESQL;

        boolean sentinel() {
            return this == SENTINEL || this == SENTINEL_UNACKNOWLEDGED;
        }

        boolean jdbc() {
            return this == POSTGRESQL;
        }
    }

    /** How long the run waits for users still active when the arrival window closes. */
    public static final Duration DRAIN = Duration.ofSeconds(20);

    /**
     * One fault at an offset from the start of the run.
     *
     * @param at the offset
     * @param fault the fault
     */
    public record ScheduledFault(Duration at, Fault fault) {
        /** Checks the parts. */
        public ScheduledFault {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(fault, "fault");
        }
    }

    /** Checks the bounds. */
    public SoakConfig {
        if (users < 1 || users > 1_000_000) {
            throw new IllegalArgumentException("users (" + users + ") must be 1 to 1000000");
        }
        if (concurrency < 1 || concurrency > 512) {
            throw new IllegalArgumentException("concurrency (" + concurrency + ") must be 1 to 512");
        }
        if (duration.isNegative() || duration.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("duration (" + duration + ") must be 0 to 24 hours");
        }
        faults = List.copyOf(faults);
        Objects.requireNonNull(topology, "topology");
        if (topology.jdbc()
                && faults.stream()
                        .anyMatch(f -> f.fault() != Fault.NODE_RESTART && f.fault() != Fault.DATABASE_RESTART)) {
            throw new IllegalArgumentException("with --jdbc, the faults are node-restart and database-restart");
        }
        if (!topology.jdbc() && faults.stream().anyMatch(f -> f.fault() == Fault.DATABASE_RESTART)) {
            throw new IllegalArgumentException("the database-restart fault needs --jdbc");
        }
        if (!topology.sentinel() && faults.stream().anyMatch(f -> f.fault() == Fault.SENTINEL_FAILOVER)) {
            throw new IllegalArgumentException("the sentinel-failover fault needs --sentinel");
        }
        if (topology.sentinel()
                && faults.stream().anyMatch(f -> f.fault() == Fault.REDIS_RESTART || f.fault() == Fault.REDIS_CRASH)) {
            // A restarted server would come back with its start-up role, not the one Sentinel gave it since.
            throw new IllegalArgumentException("with --sentinel, Redis faults are sentinel-failover and redis-pause");
        }
        if (topology != Topology.STANDALONE
                && faults.stream().anyMatch(f -> f.fault().network())) {
            throw new IllegalArgumentException(
                    "the network faults (network-blackhole, latency, blackhole-tracking) need one Redis: "
                            + "not with --sentinel or --jdbc");
        }
    }

    /**
     * The CI short form: 300 users, at most 24 at once, over 30 seconds, with one restart of an app
     * node, one clean Redis restart and one Redis pause.
     *
     * @return the short form
     */
    public static SoakConfig shortForm() {
        return new SoakConfig(
                300,
                24,
                Duration.ofSeconds(30),
                Duration.ofMillis(60),
                List.of(
                        new ScheduledFault(Duration.ofSeconds(6), Fault.NODE_RESTART),
                        new ScheduledFault(Duration.ofSeconds(13), Fault.REDIS_RESTART),
                        new ScheduledFault(Duration.ofSeconds(20), Fault.REDIS_PAUSE)),
                Topology.STANDALONE);
    }

    /**
     * The CI short form on PostgreSQL through the JDBC store: 120 users, at most 12 at once, over 30
     * seconds, with one restart of an app node and two restarts of the database. Fewer users than the
     * Redis short form: on the shared two-core CI machine a PostgreSQL and two app nodes answer a
     * request several times slower than Redis does, and the form must finish within its window.
     *
     * @return the JDBC short form
     */
    public static SoakConfig jdbcShortForm() {
        return new SoakConfig(
                120,
                12,
                Duration.ofSeconds(30),
                Duration.ofMillis(60),
                List.of(
                        new ScheduledFault(Duration.ofSeconds(6), Fault.NODE_RESTART),
                        new ScheduledFault(Duration.ofSeconds(12), Fault.DATABASE_RESTART),
                        new ScheduledFault(Duration.ofSeconds(20), Fault.DATABASE_RESTART)),
                Topology.POSTGRESQL);
    }

    /**
     * The CI short form of the network faults: 300 users, at most 24 at once, over 30 seconds, with
     * one restart of an app node, a blackhole of Redis (half-open connections), a blackhole of the
     * near caches' invalidation connections only, and a slow link. Its nodes run the near cache.
     *
     * @return the network short form
     */
    public static SoakConfig networkShortForm() {
        return new SoakConfig(
                300,
                24,
                Duration.ofSeconds(30),
                Duration.ofMillis(60),
                List.of(
                        new ScheduledFault(Duration.ofSeconds(5), Fault.NODE_RESTART),
                        new ScheduledFault(Duration.ofSeconds(10), Fault.NETWORK_BLACKHOLE),
                        new ScheduledFault(Duration.ofSeconds(18), Fault.BLACKHOLE_TRACKING),
                        new ScheduledFault(Duration.ofSeconds(24), Fault.LATENCY)),
                Topology.STANDALONE);
    }

    /**
     * @return whether the app nodes run with the near cache ({@code NearCachedRedisStore}): when the
     *     schedule has {@link Fault#BLACKHOLE_TRACKING}, whose target is the near cache
     */
    public boolean nearCache() {
        return faults.stream().anyMatch(f -> f.fault() == Fault.BLACKHOLE_TRACKING);
    }

    /**
     * The CI short form on Sentinel: 300 users, at most 24 at once, over 30 seconds, with one
     * restart of an app node, one Sentinel failover and one pause of the (new) master.
     *
     * @return the Sentinel short form
     */
    public static SoakConfig sentinelShortForm() {
        return new SoakConfig(
                300,
                24,
                Duration.ofSeconds(30),
                Duration.ofMillis(60),
                List.of(
                        new ScheduledFault(Duration.ofSeconds(5), Fault.NODE_RESTART),
                        new ScheduledFault(Duration.ofSeconds(10), Fault.SENTINEL_FAILOVER),
                        new ScheduledFault(Duration.ofSeconds(24), Fault.REDIS_PAUSE)),
                Topology.SENTINEL);
    }

    /**
     * Parses {@code --users N --concurrency N --duration 600s --think 100ms --faults
     * 10s:node-restart,20s:redis-pause,...} (or {@code --faults cycle:30s} for every fault kind in
     * turn every 30 seconds) and {@code --sentinel} (a Sentinel set instead of one Redis; add
     * {@code --no-replica-acks} to leave replication asynchronous) or {@code --jdbc} (one PostgreSQL
     * through the JDBC store); what is
     * not given comes from {@link #shortForm()}, or {@link #sentinelShortForm()} with
     * {@code --sentinel}.
     *
     * @param args the arguments
     * @return the configuration
     */
    public static SoakConfig parse(String... args) {
        boolean sentinel = List.of(args).contains("--sentinel");
        boolean unacknowledged = List.of(args).contains("--no-replica-acks");
        if (unacknowledged && !sentinel) {
            throw new IllegalArgumentException("--no-replica-acks goes with --sentinel");
        }
        boolean jdbc = List.of(args).contains("--jdbc");
        if (jdbc && sentinel) {
            throw new IllegalArgumentException("--jdbc and --sentinel exclude each other");
        }
        SoakConfig base = sentinel ? sentinelShortForm() : jdbc ? jdbcShortForm() : shortForm();
        int users = base.users;
        int concurrency = base.concurrency;
        Duration duration = base.duration;
        Duration think = base.thinkTime;
        String faults = null;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--users":
                    users = Integer.parseInt(require(args[i], value));
                    i++;
                    break;
                case "--concurrency":
                    concurrency = Integer.parseInt(require(args[i], value));
                    i++;
                    break;
                case "--duration":
                    duration = duration(require(args[i], value));
                    i++;
                    break;
                case "--think":
                    think = duration(require(args[i], value));
                    i++;
                    break;
                case "--faults":
                    faults = require(args[i], value);
                    i++;
                    break;
                case "--sentinel", "--no-replica-acks", "--jdbc":
                    break;
                default:
                    throw new IllegalArgumentException(
                            "unknown option " + args[i]
                                    + "; use --users, --concurrency, --duration, --think, --faults, --sentinel, --no-replica-acks, --jdbc");
            }
        }
        List<ScheduledFault> schedule = new ArrayList<>();
        if (faults == null) {
            schedule.addAll(base.faults);
        } else if (faults.startsWith("cycle:")) {
            Duration every = duration(faults.substring("cycle:".length()));
            Fault[] kinds = sentinel
                    ? new Fault[] {Fault.NODE_RESTART, Fault.SENTINEL_FAILOVER, Fault.REDIS_PAUSE}
                    : jdbc
                            ? new Fault[] {Fault.NODE_RESTART, Fault.DATABASE_RESTART}
                            : new Fault[] {
                                Fault.NODE_RESTART,
                                Fault.REDIS_PAUSE,
                                Fault.REDIS_RESTART,
                                Fault.REDIS_CRASH,
                                Fault.NETWORK_BLACKHOLE,
                                Fault.LATENCY,
                                Fault.BLACKHOLE_TRACKING
                            };
            int n = 0;
            for (Duration at = every; at.compareTo(duration) < 0; at = at.plus(every)) {
                schedule.add(new ScheduledFault(at, kinds[n++ % kinds.length]));
            }
        } else if (!faults.equals("none")) {
            for (String item : faults.split(",")) {
                String[] parts = item.split(":", 2);
                schedule.add(new ScheduledFault(duration(parts[0]), Fault.ofLabel(parts[1])));
            }
        }
        return new SoakConfig(
                users,
                concurrency,
                duration,
                think,
                schedule,
                unacknowledged ? Topology.SENTINEL_UNACKNOWLEDGED : base.topology);
    }

    private static String require(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return value;
    }

    private static Duration duration(String text) {
        if (text.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
        }
        if (text.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        return Duration.ofSeconds(Long.parseLong(text.endsWith("s") ? text.substring(0, text.length() - 1) : text));
    }
}
