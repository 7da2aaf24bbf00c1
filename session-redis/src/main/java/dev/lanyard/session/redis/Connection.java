package dev.lanyard.session.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one shared Lettuce connection, standalone (also used for Sentinel, where Lettuce
 * asks the sentinels for the master on every connect and reconnect) or Cluster. Lettuce
 * multiplexes every caller's commands over it; it is thread-safe.
 *
 * <p>Options common to both: commands issued while disconnected are rejected at once
 * ({@code REJECT_COMMANDS}) instead of queued, every command times out after the command timeout
 * ({@link TimeoutOptions}), the connection reconnects by itself with a jittered delay growing from
 * 10 ms to at most one second (the default grows to 30 s, which would keep a restarted Redis unused
 * for long), and {@link ConnectionLiveness} decides how a vanished peer is noticed.
 */
abstract class Connection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Connection.class);

    /** The most the reconnect delay grows to when the store owns its client resources. */
    static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);

    final ClientResources resources;
    private final boolean ownsResources;

    Connection(ClientResources resources, boolean ownsResources) {
        this.resources = resources;
        this.ownsResources = ownsResources;
    }

    /** @return the commands of the shared connection; thread-safe */
    abstract RedisClusterAsyncCommands<byte[], byte[]> async();

    /**
     * Reads a configuration value from every node that holds data (upstreams in a cluster).
     *
     * @param name the parameter
     * @return node description to value
     */
    abstract Map<String, String> configGet(String name);

    abstract void closeConnection();

    /**
     * Opens one more connection to the node that holds the data (standalone or the Sentinel
     * master), with the same options; Lettuce re-resolves a Sentinel master on every reconnect.
     *
     * @return a new connection, owned by the caller
     * @throws UnsupportedOperationException on Cluster, where every node would need its own
     */
    abstract StatefulRedisConnection<byte[], byte[]> connectAnother();

    /**
     * Opens a publish/subscribe connection to the node that holds the data (standalone or the
     * Sentinel master), with the same options; Lettuce subscribes again after a reconnect.
     *
     * @return a new connection, owned by the caller
     * @throws UnsupportedOperationException on Cluster
     */
    abstract StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub();

    /**
     * Registers an action to run after the store followed a Sentinel failover onto a new master
     * (never on standalone or Cluster). It runs on a Lettuce thread and must not block.
     *
     * @param action the action
     */
    void onMasterSwitch(Runnable action) {
        // only Sentinel switches masters
    }

    /**
     * The shared connection now in use, for the near cache, which turns client tracking on on it.
     *
     * @return the connection, or null on Cluster
     */
    StatefulRedisConnection<byte[], byte[]> current() {
        return null; // Cluster
    }

    /**
     * Registers an action to run after the shared connection was replaced by a new one (by {@link
     * #reconnect} or a master switch; before the master switch's own actions). It runs on a Lettuce
     * thread and must not block.
     *
     * @param action the action
     */
    void onReplaced(Runnable action) {
        // only standalone and Sentinel connections are replaced
    }

    /**
     * Replaces the shared connection with a new one (under Sentinel, to the master the sentinels
     * name now; on Cluster, a new cluster connection with new node connections) and closes the old
     * one, without blocking; commands in flight on the old one finish or fail. For a connection that
     * stopped answering without being closed (a blackhole), which Lettuce would keep using.
     *
     * @param reason for the log
     * @return completes when the new connection is in use, fails when it could not be opened
     */
    abstract CompletableFuture<Void> reconnect(String reason);

    /**
     * A command got no answer within the command timeout. Standalone and Sentinel count such
     * timeouts in a row on the store's one connection and reconnect when {@code inARow} reaches its
     * limit; Cluster overrides this, since answers from the other nodes would break every run.
     *
     * @param inARow the store's count of timeouts with no answer in between
     * @return completes when nothing had to be done or the new connection is in use; fails when a
     *     new connection could not be opened
     */
    CompletableFuture<Void> timedOut(ConnectionLiveness.TimeoutCounter inARow) {
        if (!inARow.timedOut()) {
            return CompletableFuture.completedFuture(null);
        }
        return reconnect("commands timed out in a row with no answer in between; the connection may be half-open");
    }

    @Override
    public void close() {
        try {
            closeConnection();
        } finally {
            if (ownsResources) {
                resources.shutdown(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
            }
        }
    }

    static ClientResources defaultResources() {
        return DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(reconnectDelay())
                .build();
    }

    /**
     * Lettuce's reconnect delay: doubling from 10 ms up to {@link #MAX_RECONNECT_DELAY}, each one
     * then taken at random between half and all of it, so that the nodes whose connections one event
     * dropped (a Redis restart, {@code CLIENT KILL}) do not all come back in the same millisecond,
     * also once the delay reached its cap (Lettuce's own jittered delays clip to the cap there).
     */
    static Delay reconnectDelay() {
        return new Delay() {
            @Override
            public Duration createDelay(long attempt) {
                long millis = attempt >= 7
                        ? MAX_RECONNECT_DELAY.toMillis()
                        : Math.min(MAX_RECONNECT_DELAY.toMillis(), 10L << Math.max(0, attempt - 1));
                return ReconnectingConnection.jittered(Duration.ofMillis(millis));
            }
        };
    }

    private static SocketOptions socketOptions(Duration commandTimeout, ConnectionLiveness liveness) {
        Duration connect = commandTimeout.multipliedBy(4);
        if (connect.compareTo(Duration.ofSeconds(1)) < 0) {
            connect = Duration.ofSeconds(1);
        }
        return liveness.socketOptions(connect);
    }

    private static Duration handshakeTimeout(Duration timeout) {
        Duration floor = Duration.ofSeconds(3);
        return timeout.compareTo(floor) > 0 ? timeout : floor;
    }

    /** Opens a standalone or Sentinel connection. */
    static Connection standalone(
            RedisURI uri, Duration timeout, SslOptions ssl, ClientResources shared, ConnectionLiveness liveness) {
        ClientResources resources = shared != null ? shared : defaultResources();
        RedisClient client = RedisClient.create(resources);
        ClientOptions.Builder options = ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // Every command expires after the connection's timeout, set below.
                .timeoutOptions(TimeoutOptions.enabled())
                .socketOptions(socketOptions(timeout, liveness));
        if (ssl != null) {
            options.sslOptions(ssl);
        }
        client.setOptions(options.build());
        try {
            // The first handshake (TLS, HELLO, AUTH) of a cold JVM can take longer than a command may:
            // allow it a few seconds, then apply the command timeout to everything that follows.
            uri.setTimeout(handshakeTimeout(timeout));
            StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE, uri);
            connection.setTimeout(timeout);
            uri.setTimeout(timeout);
            return new Standalone(resources, shared == null, client, uri, connection);
        } catch (RuntimeException e) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
            if (shared == null) {
                resources.shutdown(0, 2, TimeUnit.SECONDS);
            }
            throw e;
        }
    }

    /** Opens a Cluster connection and opens a connection to every node at once. */
    static Connection cluster(
            List<RedisURI> seeds,
            Duration timeout,
            SslOptions ssl,
            ClientResources shared,
            ConnectionLiveness liveness) {
        ClientResources resources = shared != null ? shared : defaultResources();
        RedisClusterClient client = RedisClusterClient.create(resources, seeds);
        ClusterClientOptions.Builder options = ClusterClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .socketOptions(socketOptions(timeout, liveness))
                .maxRedirects(3)
                // Lettuce 7 enables every adaptive refresh trigger (MOVED, ASK, reconnects, unknown node,
                // uncovered slot) by default; add a rate limit and a periodic refresh as a backstop.
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                        .adaptiveRefreshTriggersTimeout(Duration.ofSeconds(5))
                        .enablePeriodicRefresh(Duration.ofSeconds(30))
                        .build());
        if (ssl != null) {
            options.sslOptions(ssl);
        }
        client.setOptions(options.build());
        try {
            StatefulRedisClusterConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
            return new ClusterConnection(resources, shared == null, client, connection, timeout, liveness);
        } catch (RuntimeException e) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
            if (shared == null) {
                resources.shutdown(0, 2, TimeUnit.SECONDS);
            }
            throw e;
        }
    }

    private static final class Standalone extends Connection {
        private final RedisClient client;
        private final RedisURI uri;
        private volatile StatefulRedisConnection<byte[], byte[]> connection;
        private final List<StatefulRedisPubSubConnection<String, String>> sentinelWatches = new ArrayList<>();
        private final AtomicReference<String> followedMaster = new AtomicReference<>("");
        private final java.util.concurrent.atomic.AtomicBoolean replacing =
                new java.util.concurrent.atomic.AtomicBoolean();
        /** Numbers the replacements in the order they start. */
        private final java.util.concurrent.atomic.AtomicLong replacements =
                new java.util.concurrent.atomic.AtomicLong();
        /** The number of the latest replacement that followed a master switch. */
        private final java.util.concurrent.atomic.AtomicLong latestSwitch =
                new java.util.concurrent.atomic.AtomicLong();

        private volatile boolean closed;
        private final List<Runnable> switchActions = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final List<Runnable> replaceActions = new java.util.concurrent.CopyOnWriteArrayList<>();

        Standalone(
                ClientResources resources,
                boolean owns,
                RedisClient client,
                RedisURI uri,
                StatefulRedisConnection<byte[], byte[]> connection) {
            super(resources, owns);
            this.client = client;
            this.uri = uri;
            this.connection = connection;
            if (uri.getSentinelMasterId() != null && !uri.getSentinels().isEmpty()) {
                watchSentinels();
            }
        }

        /**
         * Follows a Sentinel failover at once. A plain Lettuce connection asks the sentinels for the
         * master only when it reconnects, and after {@code SENTINEL FAILOVER} the old master stays
         * writable (and keeps the connection) until Sentinel demotes it, about ten seconds later: writes
         * in that window land on the old master and are lost. So the store subscribes to
         * {@code +switch-master} on every sentinel and, when its master moves, opens a new connection
         * (which asks the sentinels) and swaps it in; commands in flight on the old one finish or fail.
         */
        private void watchSentinels() {
            for (RedisURI sentinel : uri.getSentinels()) {
                RedisURI.Builder b = RedisURI.builder()
                        .withHost(sentinel.getHost())
                        .withPort(sentinel.getPort())
                        .withTimeout(uri.getTimeout())
                        .withSsl(sentinel.isSsl());
                if (sentinel.getCredentialsProvider() != null) {
                    b.withAuthentication(sentinel.getCredentialsProvider());
                }
                try {
                    StatefulRedisPubSubConnection<String, String> watch =
                            client.connectPubSub(StringCodec.UTF8, b.build());
                    watch.addListener(new RedisPubSubAdapter<>() {
                        @Override
                        public void message(String channel, String message) {
                            onSwitchMaster(message);
                        }
                    });
                    watch.async().subscribe("+switch-master");
                    sentinelWatches.add(watch);
                } catch (RuntimeException e) {
                    LOG.info(
                            "could not watch sentinel {}:{} for failovers ({}); the store follows a failover when its "
                                    + "connection drops",
                            sentinel.getHost(),
                            sentinel.getPort(),
                            e.getClass().getSimpleName());
                }
            }
        }

        private void onSwitchMaster(String message) {
            // "<master name> <old ip> <old port> <new ip> <new port>"
            String[] parts = message.split(" ");
            if (closed || parts.length < 5 || !parts[0].equals(uri.getSentinelMasterId())) {
                return;
            }
            String next = parts[3] + ":" + parts[4];
            if (followedMaster.getAndSet(next).equals(next)) {
                return;
            }
            LOG.info("Sentinel moved master {} to {}; reconnecting", parts[0], next);
            replace("the new master of " + parts[0], true);
        }

        @Override
        CompletableFuture<Void> reconnect(String reason) {
            LOG.warn("reconnecting to Redis: {}", reason);
            return replace("Redis", false);
        }

        /**
         * Opens a new connection (which asks the sentinels for the master, under Sentinel), swaps it in
         * and closes the old one. At most one replacement for timeouts at a time; a master switch
         * always replaces.
         */
        private CompletableFuture<Void> replace(String target, boolean switched) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            boolean mine = replacing.compareAndSet(false, true);
            if (!mine && !switched) {
                done.complete(null); // one is under way
                return done;
            }
            long number = replacements.incrementAndGet();
            if (switched) {
                latestSwitch.accumulateAndGet(number, Math::max);
            }
            client.connectAsync(ByteArrayCodec.INSTANCE, uri).whenComplete((fresh, error) -> {
                if (mine) {
                    replacing.set(false);
                }
                if (error == null && number < latestSwitch.get()) {
                    // A master switch began after this replacement asked the sentinels: this connection may be
                    // to the old master, and must not take the place of the switch's own.
                    fresh.closeAsync();
                    done.complete(null);
                    return;
                }
                if (error != null) {
                    LOG.warn(
                            "could not connect to {} ({}); the store follows when its connection drops",
                            target,
                            error.getClass().getSimpleName());
                    done.completeExceptionally(error);
                    return;
                }
                if (closed) {
                    fresh.closeAsync();
                    done.complete(null);
                    return;
                }
                fresh.setTimeout(uri.getTimeout());
                StatefulRedisConnection<byte[], byte[]> old = connection;
                connection = fresh;
                if (switched) {
                    old.closeAsync(); // the old master: nothing more may be acknowledged by it
                } else {
                    // Commands in flight on the old connection answer or time out within the command
                    // timeout: close it after that, so that a swap on a merely overloaded connection fails
                    // nothing that would have been answered.
                    resources
                            .eventExecutorGroup()
                            .schedule(old::closeAsync, uri.getTimeout().toMillis(), TimeUnit.MILLISECONDS);
                }
                done.complete(null);
                for (Runnable action : replaceActions) {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        LOG.warn(
                                "an action after a replacement failed ({})",
                                e.getClass().getSimpleName());
                    }
                }
                if (!switched) {
                    return;
                }
                for (Runnable action : switchActions) {
                    try {
                        action.run();
                    } catch (RuntimeException e) {
                        LOG.warn(
                                "an action after a master switch failed ({})",
                                e.getClass().getSimpleName());
                    }
                }
            });
            return done;
        }

        @Override
        void onMasterSwitch(Runnable action) {
            switchActions.add(action);
        }

        @Override
        void onReplaced(Runnable action) {
            replaceActions.add(action);
        }

        @Override
        StatefulRedisConnection<byte[], byte[]> current() {
            return connection;
        }

        @Override
        StatefulRedisConnection<byte[], byte[]> connectAnother() {
            StatefulRedisConnection<byte[], byte[]> another = client.connect(ByteArrayCodec.INSTANCE, uri);
            another.setTimeout(uri.getTimeout());
            return another;
        }

        @Override
        StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub() {
            StatefulRedisPubSubConnection<byte[], byte[]> pubSub = client.connectPubSub(ByteArrayCodec.INSTANCE, uri);
            pubSub.setTimeout(uri.getTimeout());
            return pubSub;
        }

        @Override
        RedisClusterAsyncCommands<byte[], byte[]> async() {
            return connection.async();
        }

        @Override
        Map<String, String> configGet(String name) {
            Map<String, String> values = new LinkedHashMap<>();
            Map<String, String> got = connection.sync().configGet(name);
            boolean sentinel =
                    uri.getSentinelMasterId() != null && !uri.getSentinels().isEmpty();
            values.put(
                    sentinel ? "master of " + uri.getSentinelMasterId() : uri.getHost() + ":" + uri.getPort(),
                    got.get(name));
            return values;
        }

        @Override
        void closeConnection() {
            closed = true;
            try {
                for (StatefulRedisPubSubConnection<String, String> watch : sentinelWatches) {
                    watch.close();
                }
                connection.close();
            } finally {
                client.shutdown(0, 2, TimeUnit.SECONDS);
            }
        }
    }
}
