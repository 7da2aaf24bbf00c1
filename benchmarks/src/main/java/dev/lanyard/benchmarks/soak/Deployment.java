package dev.lanyard.benchmarks.soak;

import dev.lanyard.session.jdbc.testing.DatabaseProcess;
import dev.lanyard.session.redis.testing.LocalSentinelSet;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.tck.net.FaultProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** The soak's Redis: one server, or a Sentinel set whose current master takes the Redis faults. */
final class Deployment implements AutoCloseable {
    private static final String[] AOF = {"--appendonly", "yes", "--appendfsync", "everysec"};
    private final RedisProcess single;
    private final LocalSentinelSet sentinels;
    private final boolean acknowledged;
    private final DatabaseProcess database;
    /** Between the app nodes and a standalone Redis, for the network faults; null otherwise. */
    private final FaultProxy proxy;

    private Deployment(RedisProcess single, LocalSentinelSet sentinels, boolean acknowledged) {
        this(single, sentinels, acknowledged, null);
    }

    private Deployment(RedisProcess single, FaultProxy proxy) {
        this.single = single;
        this.sentinels = null;
        this.acknowledged = false;
        this.database = null;
        this.proxy = proxy;
    }

    private Deployment(
            RedisProcess single, LocalSentinelSet sentinels, boolean acknowledged, DatabaseProcess database) {
        this.single = single;
        this.sentinels = sentinels;
        this.acknowledged = acknowledged;
        this.database = database;
        this.proxy = null;
    }

    /**
     * @param topology the topology
     * @param network whether the schedule has network faults: the app nodes then reach a standalone
     *     Redis through a {@link FaultProxy}
     */
    static Deployment start(SoakConfig.Topology topology, boolean network) {
        if (network) {
            RedisProcess redis = RedisProcess.start(AOF);
            return new Deployment(redis, FaultProxy.start("127.0.0.1", redis.port()));
        }
        if (topology.jdbc()) {
            return new Deployment(null, null, false, DatabaseProcess.postgres());
        }
        return topology.sentinel()
                ? new Deployment(null, LocalSentinelSet.start(AOF), topology == SoakConfig.Topology.SENTINEL)
                : new Deployment(RedisProcess.start(AOF), null, false);
    }

    /** @return the store location the app nodes use; on Sentinel, writes wait for the replica */
    String location() {
        if (database != null) {
            return database.jdbcUrl() + "&tablePrefix=soak_&schema=create&timeout=PT1S&poolSize=16";
        }
        if (proxy != null) {
            return proxy.uri();
        }
        if (single != null) {
            return single.uri();
        }
        return acknowledged
                ? sentinels.uri() + "&replicaAcks=1&replicaAckTimeout="
                        + AppNode.COMMAND_TIMEOUT.dividedBy(2).toMillis()
                : sentinels.uri();
    }

    /** @return the server that is the master now */
    RedisProcess master() {
        if (single != null) {
            return single;
        }
        return sentinels.currentMasterPort() == sentinels.master().port() ? sentinels.master() : sentinels.replica();
    }

    /** Asks Sentinel for a failover and waits until it promoted the replica. */
    void failover() {
        int before = sentinels.currentMasterPort();
        sentinels.failover();
        waitFor(
                Duration.ofSeconds(30),
                "Sentinel to promote the replica",
                () -> sentinels.currentMasterPort() != before);
    }

    /**
     * On Sentinel, waits until the master has its replica attached and in sync again (after any
     * fault: a pause or restart longer than Sentinel's down-after time also fails over).
     */
    void settle() {
        if (sentinels == null) {
            return;
        }
        waitFor(Duration.ofSeconds(60), "the Sentinel set to have a master with an attached replica", () -> {
            RedisProcess master = master();
            RedisProcess replica = master == sentinels.master() ? sentinels.replica() : sentinels.master();
            return String.valueOf(master.call("INFO", "replication")).contains("connected_slaves:1")
                    && String.valueOf(replica.call("INFO", "replication")).contains("master_link_status:up");
        });
    }

    private static void waitFor(Duration limit, String what, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // a server restarting or loading its AOF
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + limit.toSeconds() + " s waiting for " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /**
     * Blackholes Redis for the app nodes (nothing answered, nothing closed: their connections stay
     * half-open) for this long, then lets new connections through.
     *
     * @param time how long
     * @throws InterruptedException if interrupted
     */
    void blackhole(Duration time) throws InterruptedException {
        FaultProxy p = java.util.Objects.requireNonNull(proxy, "no network faults in this schedule");
        p.blackhole();
        try {
            Thread.sleep(time.toMillis());
        } finally {
            p.restore();
        }
    }

    /**
     * Holds back every Redis reply by {@code delay} for this long.
     *
     * @param delay the added latency
     * @param time how long
     * @throws InterruptedException if interrupted
     */
    void slowLink(Duration delay, Duration time) throws InterruptedException {
        FaultProxy p = java.util.Objects.requireNonNull(proxy, "no network faults in this schedule");
        p.delayReplies(delay);
        try {
            Thread.sleep(time.toMillis());
        } finally {
            p.delayReplies(Duration.ZERO);
        }
    }

    /**
     * Silences the near caches' invalidation connections, and nothing else: the proxy drops what
     * either side sends on them and closes nothing, for good (as half-open connections). They are
     * found in Redis's {@code CLIENT LIST}: a data connection has tracking on ({@code t} flag) and
     * names the connection it redirects invalidations to in {@code redir=}; that connection's
     * {@code addr} port is the proxy's local port of its link to Redis.
     *
     * @return how many connections were silenced
     * @throws IllegalStateException if no invalidation connection is open
     */
    int silenceInvalidationConnections() {
        FaultProxy p = java.util.Objects.requireNonNull(proxy, "no network faults in this schedule");
        List<Map<String, String>> clients = clients();
        Set<String> targets = new HashSet<>();
        for (Map<String, String> c : clients) {
            if (c.getOrDefault("flags", "").contains("t") && Long.parseLong(c.getOrDefault("redir", "-1")) > 0) {
                targets.add(c.get("redir"));
            }
        }
        int silenced = 0;
        for (Map<String, String> c : clients) {
            if (targets.contains(c.get("id"))) {
                String addr = c.get("addr");
                if (p.silence(Integer.parseInt(addr.substring(addr.lastIndexOf(':') + 1)))) {
                    silenced++;
                }
            }
        }
        if (silenced == 0) {
            throw new IllegalStateException("no near cache invalidation connection found in CLIENT LIST");
        }
        return silenced;
    }

    /** The fields of every line of the standalone Redis's {@code CLIENT LIST}. */
    private List<Map<String, String>> clients() {
        Object list = single.call("CLIENT", "LIST");
        String text = list instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(list);
        List<Map<String, String>> clients = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            Map<String, String> fields = new HashMap<>();
            for (String field : line.trim().split(" ")) {
                int eq = field.indexOf('=');
                if (eq > 0) {
                    fields.put(field.substring(0, eq), field.substring(eq + 1));
                }
            }
            if (!fields.isEmpty()) {
                clients.add(fields);
            }
        }
        return clients;
    }

    /** @return the database of the JDBC topology */
    DatabaseProcess database() {
        return java.util.Objects.requireNonNull(database, "not the JDBC topology");
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        if (database != null) {
            database.close();
        } else if (single != null) {
            single.close();
        } else {
            sentinels.close();
        }
    }
}
