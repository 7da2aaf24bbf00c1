package dev.lanyard.session.redis;

import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The store's Redis Cluster connection: one Lettuce cluster connection, which holds a connection
 * to every node and routes each command by its key's slot.
 *
 * <p><b>Half-open node connections.</b> When one node's connection stops answering without being
 * closed (a blackhole between this host and that node, the node still in the cluster), Lettuce
 * keeps sending that node's commands on it: its topology refresh closes only connections to nodes
 * that left the topology, and its documentation forbids closing a node connection obtained from
 * the cluster connection ({@code getConnection(host, port)}: "do not close the connections"). What
 * it supports is opening another cluster connection, so that is what this class does: after a
 * command timed out it sends {@code PING} on every master's node connection (one round at a time),
 * counts per node the rounds in a row with no answer, and when one node reaches {@link
 * ConnectionLiveness#timeoutsBeforeReconnect()} it opens a new cluster connection (new node
 * connections to every node), swaps it in once its node connections are open, and closes the old
 * one a command timeout later. A store-wide count of timeouts in a row would not do here: answers
 * from the healthy nodes break every run. {@code TCP_USER_TIMEOUT}, where the native transport
 * sets it, drops such a node connection too, and Lettuce reconnects it.
 *
 * <p>Thread-safe.
 */
final class ClusterConnection extends Connection {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    /** The longest a swap waits for the new connection's node connections to open. */
    private static final Duration WARM_UP = Duration.ofSeconds(2);

    private final RedisClusterClient client;
    private final Duration timeout;
    private final int limit;
    private final Disposable topologyWatch;
    /** Per node ({@code host:port}): rounds in a row in which its PING got no answer. */
    private final Map<String, ConnectionLiveness.TimeoutCounter> silentRounds = new ConcurrentHashMap<>();

    private final AtomicBoolean checking = new AtomicBoolean();
    private final AtomicBoolean replacing = new AtomicBoolean();
    private volatile StatefulRedisClusterConnection<byte[], byte[]> connection;
    private volatile boolean closed;

    ClusterConnection(
            ClientResources resources,
            boolean owns,
            RedisClusterClient client,
            StatefulRedisClusterConnection<byte[], byte[]> connection,
            Duration timeout,
            ConnectionLiveness liveness) {
        super(resources, owns);
        this.client = client;
        this.connection = connection;
        this.timeout = timeout;
        this.limit = liveness.timeoutsBeforeReconnect();
        awaitQuietly(warmUp(connection), WARM_UP);
        this.topologyWatch = resources
                .eventBus()
                .get()
                .filter(ClusterTopologyChangedEvent.class::isInstance)
                .subscribe(event -> warmUp(this.connection), error -> LOG.debug("cluster topology watch ended", error));
    }

    /**
     * Opens the connection to every node now. With {@code REJECT_COMMANDS}, Lettuce rejects a
     * command whose node connection is still being opened, so node connections are opened eagerly,
     * by host and port (the key slot routing caches them that way), after connect and after every
     * topology change.
     *
     * @return completes when every node connection is open or failed to open
     */
    private static CompletableFuture<Void> warmUp(StatefulRedisClusterConnection<byte[], byte[]> connection) {
        List<CompletableFuture<?>> opening = new ArrayList<>();
        for (RedisClusterNode node : connection.getPartitions()) {
            RedisURI uri = node.getUri();
            try {
                opening.add(connection
                        .getConnectionAsync(uri.getHost(), uri.getPort())
                        .handle((c, e) -> {
                            if (e != null) {
                                LOG.debug(
                                        "could not open a connection to cluster node {}:{} yet",
                                        uri.getHost(),
                                        uri.getPort());
                            }
                            return null;
                        }));
            } catch (RuntimeException e) {
                LOG.debug("could not open a connection to cluster node {}:{} yet", uri.getHost(), uri.getPort());
            }
        }
        return CompletableFuture.allOf(opening.toArray(new CompletableFuture<?>[0]));
    }

    private static void awaitQuietly(CompletableFuture<?> future, Duration atMost) {
        try {
            future.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // a node that is not reachable yet is opened on its first command
        }
    }

    /**
     * Asks every master whether its node connection still answers (at most one round at a time),
     * and replaces the cluster connection once a node has stayed silent for {@code limit} rounds in
     * a row. The store-wide count is not used: see the class comment.
     */
    @Override
    CompletableFuture<Void> timedOut(ConnectionLiveness.TimeoutCounter inARow) {
        if (limit == 0 || closed || !checking.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(null);
        }
        StatefulRedisClusterConnection<byte[], byte[]> current = connection;
        Map<String, CompletableFuture<Boolean>> answers = new LinkedHashMap<>();
        try {
            for (RedisClusterNode node : current.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    answers.put(node.getUri().getHost() + ":" + node.getUri().getPort(), ping(current, node.getUri()));
                }
            }
        } catch (RuntimeException e) {
            checking.set(false); // a topology being replaced: the next timeout asks again
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.allOf(answers.values().toArray(new CompletableFuture<?>[0]))
                .thenCompose(all -> {
                    checking.set(false);
                    String silent = null;
                    for (Map.Entry<String, CompletableFuture<Boolean>> answer : answers.entrySet()) {
                        ConnectionLiveness.TimeoutCounter rounds = silentRounds.computeIfAbsent(
                                answer.getKey(), k -> new ConnectionLiveness.TimeoutCounter(limit));
                        if (answer.getValue().join()) {
                            rounds.answered();
                        } else if (rounds.timedOut() && silent == null) {
                            silent = answer.getKey();
                        }
                    }
                    if (silent == null || current != connection) {
                        return CompletableFuture.completedFuture(null);
                    }
                    return reconnect("cluster node " + silent + " did not answer " + limit
                            + " PINGs in a row; its connection may be half-open");
                });
    }

    /**
     * Pings a node on the node connection the cluster connection routes its slots to.
     *
     * @return true when it answered; false when it timed out; true (nothing to count) when there is
     *     no open node connection, or it failed otherwise (closed, reconnecting: Lettuce's to handle)
     */
    private CompletableFuture<Boolean> ping(StatefulRedisClusterConnection<byte[], byte[]> current, RedisURI uri) {
        CompletableFuture<StatefulRedisConnection<byte[], byte[]>> node;
        try {
            node = current.getConnectionAsync(uri.getHost(), uri.getPort());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(true);
        }
        if (!node.isDone() || node.isCompletedExceptionally()) {
            return CompletableFuture.completedFuture(true); // being opened, or could not be: not half-open
        }
        StatefulRedisConnection<byte[], byte[]> open = node.join();
        if (!open.isOpen()) {
            return CompletableFuture.completedFuture(true);
        }
        CompletableFuture<String> pong;
        try {
            pong = open.async().ping().toCompletableFuture();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(true);
        }
        return pong.orTimeout(timeout.toMillis() + 250, TimeUnit.MILLISECONDS)
                .handle((answer, error) -> error == null || !isTimeout(error));
    }

    private static boolean isTimeout(Throwable error) {
        Throwable cause = CommandRunner.unwrap(error);
        return cause instanceof io.lettuce.core.RedisCommandTimeoutException
                || cause instanceof java.util.concurrent.TimeoutException;
    }

    /**
     * Opens a new cluster connection, opens its node connections (for at most {@link #WARM_UP}),
     * swaps it in and closes the old one a command timeout later, when what was in flight on it has
     * answered or timed out. At most one replacement at a time.
     */
    @Override
    CompletableFuture<Void> reconnect(String reason) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (closed || !replacing.compareAndSet(false, true)) {
            done.complete(null);
            return done;
        }
        LOG.warn("reconnecting to the Redis Cluster: {}", reason);
        client.connectAsync(ByteArrayCodec.INSTANCE)
                .thenCompose(fresh -> warmUp(fresh)
                        .completeOnTimeout(null, WARM_UP.toMillis(), TimeUnit.MILLISECONDS)
                        .thenApply(opened -> fresh))
                .whenComplete((fresh, error) -> {
                    replacing.set(false);
                    if (error != null) {
                        LOG.warn(
                                "could not open a new Redis Cluster connection ({}); the store tries again after "
                                        + "more timeouts",
                                error.getClass().getSimpleName());
                        done.completeExceptionally(error);
                        return;
                    }
                    if (closed) {
                        fresh.closeAsync();
                        done.complete(null);
                        return;
                    }
                    StatefulRedisClusterConnection<byte[], byte[]> old = connection;
                    connection = fresh;
                    silentRounds.clear();
                    resources.eventExecutorGroup().schedule(old::closeAsync, timeout.toMillis(), TimeUnit.MILLISECONDS);
                    done.complete(null);
                });
        return done;
    }

    @Override
    RedisClusterAsyncCommands<byte[], byte[]> async() {
        return connection.async();
    }

    @Override
    StatefulRedisConnection<byte[], byte[]> connectAnother() {
        throw new UnsupportedOperationException("the near cache does not support Redis Cluster yet");
    }

    @Override
    StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub() {
        throw new UnsupportedOperationException("expiry notifications do not support Redis Cluster");
    }

    @Override
    Map<String, String> configGet(String name) {
        StatefulRedisClusterConnection<byte[], byte[]> current = connection;
        Map<String, String> values = new LinkedHashMap<>();
        for (RedisClusterNode node : current.getPartitions()) {
            if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                RedisURI uri = node.getUri();
                Map<String, String> got = current.getConnection(uri.getHost(), uri.getPort())
                        .sync()
                        .configGet(name);
                values.put(uri.getHost() + ":" + uri.getPort(), got.get(name));
            }
        }
        return values;
    }

    @Override
    void closeConnection() {
        closed = true;
        try {
            topologyWatch.dispose();
            connection.close();
        } finally {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
