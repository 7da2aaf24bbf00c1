package dev.lanyard.session.redis.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntUnaryOperator;
import java.util.stream.Collectors;

/**
 * A local Redis Cluster of three masters and no replicas, for tests: three
 * {@code redis-server --cluster-enabled yes} processes on free ports (their bus ports free too),
 * joined with {@code redis-cli --cluster create ... --cluster-yes}, ready once every node reports
 * {@code cluster_state:ok}. Takes about two seconds. Start it once per test class and close it in
 * {@code @AfterAll}; closing kills and reaps every node.
 */
public final class LocalRedisCluster implements AutoCloseable {

    private final List<RedisProcess> nodes;

    private LocalRedisCluster(List<RedisProcess> nodes) {
        this.nodes = List.copyOf(nodes);
    }

    /**
     * Starts a three-master cluster.
     *
     * @return the cluster, every slot served
     * @throws IllegalStateException if {@code redis-server} or {@code redis-cli} is missing or the
     *     cluster does not form within 30 seconds
     */
    public static LocalRedisCluster start() {
        return start(port -> port);
    }

    /**
     * Starts a three-master cluster whose nodes announce other ports to clients ({@code
     * cluster-announce-port}), for example those of a proxy in front of each node, so that every
     * client connection (Lettuce's node connections included) goes through it. The nodes talk to
     * each other on their own bus ports, never through the proxies.
     *
     * @param announced given a node's port, the port clients are to reach it on; it must forward to
     *     the node by the time the cluster is created
     * @return the cluster, every slot served
     */
    public static LocalRedisCluster start(IntUnaryOperator announced) {
        Path cli = TestRedis.redisCliBinary()
                .orElseThrow(() -> new IllegalStateException("The Cluster tests need redis-cli. " + TestRedis.HOW_TO));
        List<RedisProcess> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(RedisProcess.onFreePort(() -> {
                    int port = RedisProcess.freePort(true);
                    return RedisProcess.start(
                            port,
                            "--cluster-enabled",
                            "yes",
                            "--cluster-config-file",
                            "nodes-" + port + ".conf",
                            // Redis's own default. A node that answers no ping for this long is marked
                            // failed, and with no replica to take its slots the whole cluster then refuses
                            // every command (CLUSTERDOWN): tests that freeze a node for a moment (about two
                            // seconds of command timeouts in RedisClusterStoreContractIT, more on a loaded
                            // machine) must see the others serve meanwhile, as they do under the default.
                            "--cluster-node-timeout",
                            "15000",
                            "--cluster-announce-port",
                            Integer.toString(announced.applyAsInt(port)),
                            "--cluster-announce-bus-port",
                            Integer.toString(port + 10000));
                }));
            }
            List<String> command = new ArrayList<>(List.of(cli.toString(), "--cluster", "create"));
            for (RedisProcess node : nodes) {
                command.add("127.0.0.1:" + node.port());
            }
            command.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            Path output = Files.createTempFile("lanyard-cluster-create", ".log");
            try {
                Process create = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile())
                        .start();
                if (!create.waitFor(30, TimeUnit.SECONDS)) {
                    create.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    throw new IllegalStateException("redis-cli --cluster create did not finish in 30 s");
                }
                if (create.exitValue() != 0) {
                    throw new IllegalStateException(
                            "redis-cli --cluster create failed:\n" + Files.readString(output, StandardCharsets.UTF_8));
                }
            } finally {
                Files.deleteIfExists(output);
            }
            boolean ok = RedisProcess.poll(
                    Duration.ofSeconds(30),
                    () -> nodes.stream()
                            .allMatch(n ->
                                    String.valueOf(n.call("CLUSTER", "INFO")).contains("cluster_state:ok")));
            if (!ok) {
                throw new IllegalStateException("the local cluster did not reach cluster_state:ok in 30 s");
            }
            return new LocalRedisCluster(nodes);
        } catch (IOException e) {
            nodes.forEach(RedisProcess::close);
            throw new IllegalStateException("could not start the local cluster: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            nodes.forEach(RedisProcess::close);
            throw new IllegalStateException("interrupted while starting the local cluster", e);
        } catch (RuntimeException e) {
            nodes.forEach(RedisProcess::close);
            throw e;
        }
    }

    /** @return the nodes, all masters */
    public List<RedisProcess> nodes() {
        return nodes;
    }

    /** @return {@code redis-cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3} */
    public String uri() {
        return "redis-cluster://"
                + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
    }

    /** @return the seeds as {@code host:port} */
    public String[] seeds() {
        return nodes.stream().map(n -> "127.0.0.1:" + n.port()).toArray(String[]::new);
    }

    /** Kills and reaps every node. */
    @Override
    public void close() {
        nodes.forEach(RedisProcess::close);
    }
}
