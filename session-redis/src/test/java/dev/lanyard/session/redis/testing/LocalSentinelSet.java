package dev.lanyard.session.redis.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A local Sentinel set for tests: a master, one or more replicas ({@code --repl-diskless-sync-delay
 * 0}, so they sync in milliseconds) and one sentinel ({@code redis-server <conf> --sentinel}, quorum
 * 1, down-after 1 s, failover-timeout 5 s) monitoring the master as {@value #MASTER_NAME}.
 * {@link #start} returns once the sentinel knows every replica, so a failover can be asked for.
 * Start it once per test class (or per test, when a test fails it over); closing kills and reaps
 * every process.
 */
public final class LocalSentinelSet implements AutoCloseable {

    /** The monitored master's name. */
    public static final String MASTER_NAME = "mymaster";

    private final RedisProcess master;
    private final List<RedisProcess> replicas;
    private final RedisProcess sentinel;
    private final Path sentinelDirectory;

    private LocalSentinelSet(
            RedisProcess master, List<RedisProcess> replicas, RedisProcess sentinel, Path sentinelDirectory) {
        this.master = master;
        this.replicas = List.copyOf(replicas);
        this.sentinel = sentinel;
        this.sentinelDirectory = sentinelDirectory;
    }

    /**
     * Starts a set with one replica and waits until the sentinel sees it in sync (usually under
     * 12 s: Sentinel discovers replicas through its periodic INFO; it allows 60 s).
     *
     * @param serverArguments more {@code redis-server} arguments for the master and the replica, such
     *     as {@code "--appendonly", "yes"}
     * @return the running set
     */
    public static LocalSentinelSet start(String... serverArguments) {
        return start(1, serverArguments);
    }

    /**
     * Starts a set with {@code replicaCount} replicas and waits until the sentinel sees all of them
     * in sync.
     *
     * @param replicaCount how many replicas, 1 to 4
     * @param serverArguments more {@code redis-server} arguments for the master and the replicas
     * @return the running set
     */
    public static LocalSentinelSet start(int replicaCount, String... serverArguments) {
        if (replicaCount < 1 || replicaCount > 4) {
            throw new IllegalArgumentException("replicaCount (" + replicaCount + ") must be 1 to 4");
        }
        RedisProcess master = null;
        List<RedisProcess> replicas = new ArrayList<>();
        RedisProcess sentinel = null;
        Path dir = null;
        try {
            List<String> masterArgs = new ArrayList<>(List.of("--repl-diskless-sync-delay", "0"));
            masterArgs.addAll(List.of(serverArguments));
            master = TestRedis.localServer(masterArgs.toArray(new String[0]));
            for (int i = 0; i < replicaCount; i++) {
                List<String> replicaArgs = new ArrayList<>(masterArgs);
                replicaArgs.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(master.port())));
                replicas.add(TestRedis.localServer(replicaArgs.toArray(new String[0])));
            }
            dir = Files.createTempDirectory("lanyard-sentinel-");
            Path conf = dir.resolve("sentinel.conf");
            int masterPort = master.port();
            sentinel = RedisProcess.onFreePort(() -> {
                int sentinelPort = RedisProcess.freePort(false);
                write(
                        conf,
                        String.join(
                                "\n",
                                "port " + sentinelPort,
                                "bind 127.0.0.1",
                                "daemonize no",
                                "dir " + conf.getParent(),
                                "logfile " + conf.getParent().resolve("redis.log"),
                                "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + masterPort + " 1",
                                "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                                "sentinel failover-timeout " + MASTER_NAME + " 5000",
                                "sentinel parallel-syncs " + MASTER_NAME + " " + replicaCount,
                                ""));
                return RedisProcess.startSentinel(conf, sentinelPort);
            });
            RedisProcess s = sentinel;
            List<RedisProcess> r = List.copyOf(replicas);
            // Sentinel learns of replicas from the master's INFO, which it asks for every ten seconds:
            // two rounds and a loaded machine's margin.
            boolean ready = RedisProcess.poll(
                    Duration.ofSeconds(60),
                    () -> r.stream()
                                    .allMatch(x -> String.valueOf(x.call("INFO", "replication"))
                                            .contains("master_link_status:up"))
                            && replicasKnown(s, r.size()));
            if (!ready) {
                throw new IllegalStateException(
                        "the sentinel did not discover the replicas within 60 s; sentinel log:\n" + s.log());
            }
            return new LocalSentinelSet(master, replicas, sentinel, dir);
        } catch (IOException e) {
            closeAll(master, replicas, sentinel, dir);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            closeAll(master, replicas, sentinel, dir);
            throw e;
        }
    }

    /**
     * Writes a sentinel's configuration afresh (Sentinel rewrites it once started) and drops the
     * logs of an earlier attempt, so that a failure is read from this attempt's log only.
     */
    static void write(Path conf, String text) {
        try {
            Files.deleteIfExists(conf.getParent().resolve("redis.log"));
            Files.deleteIfExists(conf.getParent().resolve("stdout.log"));
            Files.writeString(conf, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean replicasKnown(RedisProcess sentinel, int count) {
        Object known = sentinel.call("SENTINEL", "REPLICAS", MASTER_NAME);
        if (!(known instanceof List<?> list) || list.size() != count) {
            return false;
        }
        return list.stream()
                .map(String::valueOf)
                .allMatch(r -> r.contains("slave") && !r.contains("disconnected") && !r.contains("s_down"));
    }

    /** @return the first master */
    public RedisProcess master() {
        return master;
    }

    /** @return the first replica */
    public RedisProcess replica() {
        return replicas.get(0);
    }

    /** @return every replica, in start order */
    public List<RedisProcess> replicas() {
        return replicas;
    }

    /** @return the sentinel */
    public RedisProcess sentinel() {
        return sentinel;
    }

    /** @return {@code redis-sentinel://127.0.0.1:<sentinel port>?sentinelMasterId=mymaster} */
    public String uri() {
        return "redis-sentinel://127.0.0.1:" + sentinel.port() + "?sentinelMasterId=" + MASTER_NAME;
    }

    /**
     * Asks the sentinel where the master is now.
     *
     * @return the master's port
     */
    public int currentMasterPort() {
        Object address = sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
        return Integer.parseInt(String.valueOf(((List<?>) address).get(1)));
    }

    /** Asks the sentinel for a failover ({@code SENTINEL FAILOVER}); it runs asynchronously. */
    public void failover() {
        sentinel.call("SENTINEL", "FAILOVER", MASTER_NAME);
    }

    /** Kills and reaps every process. */
    @Override
    public void close() {
        closeAll(master, replicas, sentinel, sentinelDirectory);
    }

    private static void closeAll(RedisProcess master, List<RedisProcess> replicas, RedisProcess sentinel, Path dir) {
        List<RedisProcess> all = new ArrayList<>();
        all.add(sentinel);
        all.addAll(replicas);
        all.add(master);
        for (RedisProcess p : all) {
            if (p != null) {
                p.close();
            }
        }
        RedisProcess.deleteRecursively(dir);
    }
}
