package dev.lanyard.session.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.event.connection.ConnectionActivatedEvent;
import io.lettuce.core.event.connection.ConnectionDeactivatedEvent;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;

/**
 * The store's connection as the store sees it: it never needs Redis to be reachable when the
 * store is built. It tries once at once; while Redis cannot be reached it tries again every
 * {@link #RETRY_DELAY} (jittered: between half and all of it) on a daemon thread of its own, and
 * every command fails at once with a
 * {@link RedisConnectionException} (which the store turns into a
 * {@code StoreUnavailableException}). Once connected it delegates to the standalone, Sentinel or
 * Cluster connection, which reconnects by itself, and runs the actions registered with
 * {@link #whenConnected} (start-up checks, the near cache's channel) once.
 *
 * <p>It also keeps the store's {@link HealthTracker}: up when a connection or a command answers,
 * down when a command or Lettuce's connection events show the connection gone, and, while down, a
 * {@code PING} every {@link #RETRY_DELAY} (jittered too) to see it come back even without traffic. A command that
 * merely times out does not change the health (a slow Redis is not a lost one), but a run of them
 * with no answer in between replaces the connection ({@link #timedOut()}).
 *
 * <p>Thread-safe.
 */
final class ReconnectingConnection extends Connection {

    private static final Logger LOG = LoggerFactory.getLogger(ReconnectingConnection.class);

    /** How long between two connection attempts, and between two probes of a lost connection. */
    static final Duration RETRY_DELAY = MAX_RECONNECT_DELAY;

    private final Function<ClientResources, Connection> opener;
    private final HealthTracker health;
    private final ScheduledExecutorService worker;
    private final Object lock = new Object();
    /** Actions for the first connection; guarded by lock, cleared once run. */
    private final List<Runnable> connectActions = new ArrayList<>();

    private final List<Runnable> switchActions = new CopyOnWriteArrayList<>();
    private final List<Runnable> replaceActions = new CopyOnWriteArrayList<>();
    private final AtomicBoolean probing = new AtomicBoolean();
    /** A probe is scheduled: at most one waits at a time, however many commands fail. */
    private final AtomicBoolean probeScheduled = new AtomicBoolean();

    private final Disposable connectionEvents;
    private final ConnectionLiveness liveness;
    private final ConnectionLiveness.TimeoutCounter timeouts;
    private volatile Connection delegate;
    private volatile boolean closed;

    /**
     * Prepares the connection; {@link #start()} connects.
     *
     * @param shared client resources the caller owns, or null to create (and own) the default ones
     * @param opener opens a standalone, Sentinel or Cluster connection on the given resources, or
     *     throws a {@link RedisException}; it must not shut the resources down
     * @param health the store's health
     * @param liveness after how many consecutive command timeouts to replace the connection
     */
    ReconnectingConnection(
            ClientResources shared,
            Function<ClientResources, Connection> opener,
            HealthTracker health,
            ConnectionLiveness liveness) {
        super(shared != null ? shared : defaultResources(), shared == null);
        this.opener = opener;
        this.health = health;
        this.liveness = liveness;
        this.timeouts = liveness.counter();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "lanyard-redis-connect");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.worker = executor;
        this.connectionEvents = resources
                .eventBus()
                .get()
                .filter(e -> e instanceof ConnectionDeactivatedEvent || e instanceof ConnectionActivatedEvent)
                .subscribe(e -> probe(), error -> LOG.debug("connection event watch ended", error));
    }

    /**
     * Tries to connect once, on the caller's thread; if Redis cannot be reached, returns anyway and
     * keeps trying in the background.
     *
     * @throws RedisException if Redis was reached and refused the connection (credentials, a
     *     Sentinel that does not know the master): a configuration error, not an outage
     */
    void start() {
        try {
            connectOnce();
        } catch (RuntimeException e) {
            if (isRefusal(e)) {
                throw e;
            }
            health.notReachableYet(causeOf(e), RETRY_DELAY);
            scheduleConnect();
        }
    }

    /**
     * Runs {@code action} now when connected (what it throws reaches the caller), or on the first
     * connection otherwise (on the connecting thread; what it throws is logged).
     */
    void whenConnected(Runnable action) {
        synchronized (lock) {
            if (delegate == null && !closed) {
                connectActions.add(action);
                return;
            }
        }
        if (!closed) {
            action.run();
        }
    }

    /** @return whether a connection has been established (it may be reconnecting now) */
    boolean isEstablished() {
        return delegate != null;
    }

    /** @return how this connection notices a vanished peer */
    ConnectionLiveness liveness() {
        return liveness;
    }

    HealthTracker health() {
        return health;
    }

    private void connectOnce() {
        Connection opened = opener.apply(resources);
        List<Runnable> actions;
        synchronized (lock) {
            if (closed) {
                opened.close();
                return;
            }
            delegate = opened;
            actions = new ArrayList<>(connectActions);
            connectActions.clear();
        }
        opened.onMasterSwitch(this::masterSwitched);
        opened.onReplaced(() -> replaceActions.forEach(Runnable::run));
        health.up();
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn(
                        "an action on connecting to Redis failed ({})",
                        e.getClass().getSimpleName(),
                        e);
            }
        }
    }

    private void scheduleConnect() {
        try {
            worker.schedule(this::retryConnect, jittered(RETRY_DELAY).toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    /**
     * Between half and all of {@code delay}, at random: nodes that lost Redis at the same moment
     * (a restart, {@code CLIENT KILL}, a full {@code maxclients}) then do not retry in step.
     */
    static Duration jittered(Duration delay) {
        long half = delay.toMillis() / 2;
        return Duration.ofMillis(
                half + java.util.concurrent.ThreadLocalRandom.current().nextLong(half + 1));
    }

    private void retryConnect() {
        if (closed || delegate != null) {
            return;
        }
        try {
            connectOnce();
        } catch (RuntimeException e) {
            health.notReachableYet(causeOf(e), RETRY_DELAY);
            scheduleConnect();
        }
    }

    private void masterSwitched() {
        for (Runnable action : switchActions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn(
                        "an action after a master switch failed ({})",
                        e.getClass().getSimpleName());
            }
        }
    }

    /** A command answered: the connection is up. Cheap when it already was. */
    void answered() {
        timeouts.answered();
        if (!health.isUp() && delegate != null) {
            health.up();
        }
    }

    /** A command failed: if the connection is gone, the store is down until a probe answers. */
    void failed(Throwable cause) {
        if (unwrap(cause) instanceof RedisCommandTimeoutException) {
            timedOut();
            return;
        }
        if (delegate != null && isDisconnection(cause)) {
            health.down(cause.getClass().getSimpleName());
            scheduleProbe();
        }
    }

    /**
     * A command got no answer within the command timeout. Enough of them in a row, with no answer
     * in between, and the connection is replaced: its peer may have vanished without a reset (see
     * {@link ConnectionLiveness}).
     */
    void timedOut() {
        Connection current = delegate;
        if (current != null && !closed) {
            current.timedOut(timeouts).whenComplete((ok, error) -> {
                if (error != null) {
                    // No answer on the old connection and no new one: as down as a refused connection.
                    health.down(causeOf(error));
                    scheduleProbe();
                }
            });
        }
    }

    private void scheduleProbe() {
        if (!probeScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            worker.schedule(
                    () -> {
                        probeScheduled.set(false);
                        probe();
                    },
                    jittered(RETRY_DELAY).toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            probeScheduled.set(false); // closed meanwhile
        }
    }

    /** Sends one {@code PING} (never two at once) and records what it shows; never blocks. */
    private void probe() {
        Connection current = delegate;
        if (closed || current == null || !probing.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<String> ping;
        try {
            ping = current.async().ping().toCompletableFuture();
        } catch (RuntimeException e) {
            ping = CompletableFuture.failedFuture(e);
        }
        ping.whenComplete((pong, error) -> {
            probing.set(false);
            if (error == null) {
                health.up();
                return;
            }
            Throwable cause = unwrap(error);
            if (cause instanceof RedisCommandTimeoutException) {
                timedOut();
            } else if (isDisconnection(cause)) {
                health.down(cause.getClass().getSimpleName());
            }
            if (!health.isUp()) {
                scheduleProbe();
            }
        });
    }

    private Connection connected() {
        Connection current = delegate;
        if (current == null) {
            throw new RedisConnectionException("not connected to Redis yet");
        }
        return current;
    }

    @Override
    RedisClusterAsyncCommands<byte[], byte[]> async() {
        return connected().async();
    }

    @Override
    Map<String, String> configGet(String name) {
        return connected().configGet(name);
    }

    @Override
    StatefulRedisConnection<byte[], byte[]> connectAnother() {
        return connected().connectAnother();
    }

    @Override
    StatefulRedisPubSubConnection<byte[], byte[]> connectPubSub() {
        return connected().connectPubSub();
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
        Connection current = delegate;
        return current == null ? null : current.current();
    }

    @Override
    CompletableFuture<Void> reconnect(String reason) {
        return connected().reconnect(reason);
    }

    @Override
    void closeConnection() {
        synchronized (lock) {
            closed = true;
            connectActions.clear();
        }
        worker.shutdownNow();
        connectionEvents.dispose();
        Connection current = delegate;
        if (current != null) {
            current.close(); // it does not own the resources: close() below shuts them down if ours
        }
    }

    /** Whether a failure means the connection is gone (as opposed to slow, or a refused command). */
    static boolean isDisconnection(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RedisCommandExecutionException || cause instanceof RedisCommandTimeoutException) {
            return false;
        }
        return cause instanceof RedisException || cause instanceof IOException;
    }

    /**
     * Whether Redis was reached and refused us: credentials it rejects, or a TLS certificate that is
     * not trusted. Configuration errors that waiting will not cure. Other error replies
     * ({@code LOADING}, {@code MASTERDOWN}) and refused or timed-out connections are outages.
     */
    static boolean isRefusal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException
                    || t instanceof java.security.cert.CertificateException) {
                return true;
            }
            if (t instanceof RedisCommandExecutionException && t.getMessage() != null) {
                String message = t.getMessage();
                if (message.startsWith("WRONGPASS")
                        || message.startsWith("NOAUTH")
                        || message.startsWith("NOPERM")
                        || message.contains("invalid password")
                        || message.contains("invalid username")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A short cause for logs and health: the root exception's simple name, or Redis's error code. */
    static String causeOf(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof RedisCommandExecutionException x && x.getMessage() != null) {
            return x.getMessage().split(" ", 2)[0];
        }
        return root.getClass().getSimpleName();
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
