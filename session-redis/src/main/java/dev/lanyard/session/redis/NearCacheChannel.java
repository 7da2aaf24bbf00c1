package dev.lanyard.session.redis;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.StoreUnavailableException;
import io.lettuce.core.ClientListArgs;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invalidation channel of a {@link NearCachedRedisStore}: one RESP3 connection of its own that
 * receives the invalidation pushes, which drop the cache's copies, from two kinds of client
 * tracking: on the store's shared data connection, default (per-key) tracking with {@code NOLOOP}
 * redirected to it, so that Redis tells it of every change by another client to a session key this
 * node read, but not of this node's own writes (which all go over that connection); and on the
 * channel's connection itself, broadcast tracking of the user version keys. It also keeps the epoch
 * and heartbeat lease that tell the cache whether it may answer. Every event after which an
 * invalidation may have been missed (a drop or reconnect of either connection, a replacement of the
 * data connection, a failed heartbeat, a failover) moves the epoch and drops the whole copy; the
 * channel is trusted again only once Redis confirmed both trackings, the data connection's
 * redirected to this channel's current connection on the same server. Why this mechanism, and its
 * failure modes: {@code docs/redis.md} ("Near cache"). Thread-safe.
 */
final class NearCacheChannel {

    /** What the channel drops in the cache. */
    interface Copies {
        void dropAll();

        void dropSession(SessionHandle handle);

        void dropUser(String userId);
    }

    private static final Logger LOG = LoggerFactory.getLogger(NearCachedRedisStore.class);

    /**
     * After how many unanswered heartbeats or tracking requests in a row the invalidation connection
     * is replaced by a new one: a half-open connection (its peer vanished without a reset) would
     * otherwise keep the cache off until the kernel gives up on it.
     */
    static final int UNANSWERED_BEFORE_REOPEN = 2;

    private final RedisSessionStore store;
    private final RedisSchema schema;
    private final Copies copies;

    /** Moves on every event after which invalidations may have been missed. */
    private final AtomicLong epoch = new AtomicLong();

    /** The epoch in which tracking was confirmed on the current connection, or -1. */
    private volatile long trustedEpoch = -1;

    /** System.nanoTime() after which the cache stops answering unless a heartbeat is answered. */
    private volatile long leaseEnd;

    private final long leaseNanos;
    private final long heartbeatNanos;
    private final Object lock = new Object();
    private final AtomicBoolean enabling = new AtomicBoolean();
    private final AtomicBoolean pinging = new AtomicBoolean();
    private final AtomicBoolean refusalWarned = new AtomicBoolean();
    private final AtomicLong resets = new AtomicLong();
    private final PushListener pushListener = this::onPush;
    private final RedisConnectionStateListener stateListener = new StateListener();
    private final PushListener dataPushListener = this::onDataPush;
    private final RedisConnectionStateListener dataStateListener = new DataStateListener();
    /** Unanswered heartbeats and tracking requests in a row; enough of them reopen the channel. */
    private final ConnectionLiveness.TimeoutCounter unanswered =
            new ConnectionLiveness.TimeoutCounter(UNANSWERED_BEFORE_REOPEN);

    private volatile StatefulRedisConnection<byte[], byte[]> tracking;
    /** The data connection whose state this channel listens to: the store's current one. */
    private volatile StatefulRedisConnection<byte[], byte[]> data;

    private volatile boolean closed;
    private ScheduledFuture<?> heartbeat;

    NearCacheChannel(RedisSessionStore store, NearCacheOptions options, Copies copies) {
        this.store = store;
        this.schema = store.operations().schema();
        this.copies = copies;
        this.heartbeatNanos = options.heartbeatInterval().toNanos();
        this.leaseNanos = heartbeatNanos * NearCacheOptions.LEASE_HEARTBEATS;
    }

    /**
     * Opens the connection now when Redis is connected (a failure reaches the caller), else when it
     * first is; follows Sentinel failovers; starts the heartbeat.
     */
    void start() {
        ReconnectingConnection connection = store.operations().connection();
        connection.whenConnected(() -> {
            StatefulRedisConnection<byte[], byte[]> opened;
            try {
                opened = connection.connectAnother();
            } catch (RedisException e) {
                throw new StoreUnavailableException(
                        "could not open the near cache's invalidation "
                                + "connection ("
                                + e.getClass().getSimpleName()
                                + ")",
                        null);
            }
            attach(opened);
        });
        connection.onMasterSwitch(this::followNewMaster);
        connection.onReplaced(this::dataReplaced);
        this.heartbeat = connection
                .resources
                .eventExecutorGroup()
                .scheduleWithFixedDelay(this::beat, heartbeatNanos, heartbeatNanos, TimeUnit.NANOSECONDS);
    }

    /** The current epoch: a read takes it before it asks Redis. */
    long epoch() {
        return epoch.get();
    }

    /** Whether the cache may answer in epoch {@code e}: tracking confirmed, lease not lapsed. */
    boolean usable(long e) {
        return trustedEpoch == e && System.nanoTime() - leaseEnd < 0;
    }

    /** Whether nothing happened since epoch {@code e} was trusted: a read may keep its answer. */
    boolean unchangedSince(long e) {
        return epoch.get() == e && trustedEpoch == e;
    }

    long resets() {
        return resets.get();
    }

    /** Drops everything and distrusts the channel until tracking is confirmed again. */
    long reset() {
        synchronized (lock) {
            long e = epoch.incrementAndGet();
            trustedEpoch = -1;
            copies.dropAll();
            resets.incrementAndGet();
            return e;
        }
    }

    void close() {
        closed = true;
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        reset();
        StatefulRedisConnection<byte[], byte[]> c = tracking;
        if (c != null) {
            c.close();
        }
    }

    private void onPush(PushMessage message) {
        if (!"invalidate".equals(message.getType())) {
            return;
        }
        List<Object> content = message.getContent();
        Object keys = content.size() > 1 ? content.get(1) : null;
        if (!(keys instanceof List<?> list)) {
            // FLUSHDB / FLUSHALL: everything goes; the channel itself stays healthy.
            synchronized (lock) {
                boolean wasTrusted = trustedEpoch == epoch.get();
                long e = epoch.incrementAndGet();
                copies.dropAll();
                resets.incrementAndGet();
                trustedEpoch = wasTrusted ? e : -1;
            }
            return;
        }
        for (Object key : list) {
            if (!(key instanceof ByteBuffer b)) {
                continue;
            }
            String name = StandardCharsets.UTF_8.decode(b.duplicate()).toString();
            SessionHandle handle = schema.handleOfSessionKey(name);
            if (handle != null) {
                copies.dropSession(handle);
                continue;
            }
            String user = schema.userOfVersionKey(name);
            if (user != null) {
                copies.dropUser(user);
            }
        }
    }

    private void attach(StatefulRedisConnection<byte[], byte[]> connection) {
        connection.addListener(pushListener);
        connection.addListener(stateListener);
        StatefulRedisConnection<byte[], byte[]> old = tracking;
        tracking = connection;
        if (old != null) {
            old.removeListener(stateListener);
            old.removeListener(pushListener);
            old.closeAsync();
        }
        enableTracking();
    }

    /**
     * Turns tracking on on the data connection, redirected to the invalidation connection, with
     * {@code NOLOOP} (off first, which also ends a previous redirection), checks that the
     * redirection reached this channel's connection on the same server (after a failover the two
     * could briefly reach different servers, where the same client id may name another client),
     * and trusts the channel once Redis confirmed it, if nothing happened meanwhile.
     */
    private void enableTracking() {
        StatefulRedisConnection<byte[], byte[]> target = tracking;
        if (closed || target == null || !enabling.compareAndSet(false, true)) {
            return;
        }
        long e = reset();
        StatefulRedisConnection<byte[], byte[]> dataConnection = watchData();
        if (dataConnection == null) {
            enabling.set(false);
            return;
        }
        long sent = System.nanoTime();
        CompletableFuture<Boolean> enabled;
        try {
            target.async().clientTracking(TrackingArgs.Builder.enabled(false));
            CompletableFuture<String> userVersions = target.async()
                    .clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(schema.userVersionPrefix()))
                    .toCompletableFuture();
            enabled = target.async().clientInfo().toCompletableFuture().thenCompose(info -> {
                long id = Long.parseLong(infoField(info, "id"));
                String addr = infoField(info, "addr");
                // Redirect only once the id is known to name this channel's connection on the data
                // connection's server: never to a stranger that holds the same id on another server.
                return dataConnection
                        .async()
                        .clientList(ClientListArgs.Builder.ids(id))
                        .toCompletableFuture()
                        .thenCompose(line -> {
                            if (!addr.equals(infoField(line, "addr"))) {
                                return CompletableFuture.completedFuture(false);
                            }
                            dataConnection.async().clientTracking(TrackingArgs.Builder.enabled(false));
                            return dataConnection
                                    .async()
                                    .clientTracking(TrackingArgs.Builder.enabled()
                                            .redirect(id)
                                            .noloop())
                                    .toCompletableFuture()
                                    .thenApply(ok -> true);
                        });
            });
            enabled = enabled.thenCombine(userVersions, (sameServer, ok) -> sameServer);
        } catch (RuntimeException ex) {
            enabled = CompletableFuture.failedFuture(ex);
        }
        enabled.whenComplete((sameServer, error) -> {
            enabling.set(false);
            if (error != null) {
                warnIfRefused(error);
                LOG.debug(
                        "could not turn on client tracking yet ({}); the near cache stays off",
                        error.getClass().getSimpleName());
                reopenIfUnanswered(target);
                return;
            }
            unanswered.answered();
            if (!sameServer) {
                reopen("the near cache's invalidation connection and the data connection reached different "
                        + "servers: reopening it");
                return;
            }
            synchronized (lock) {
                if (epoch.get() == e && target == tracking && dataConnection == data && !closed) {
                    leaseEnd = sent + leaseNanos;
                    trustedEpoch = e;
                    LOG.debug("near cache active (epoch {})", e);
                }
            }
        });
    }

    /**
     * Warns once when Redis answered with an error (an ACL without the tracking commands, above all):
     * unlike a connection that is not up yet, that does not mend itself, and the cache would stay off
     * with nothing said above DEBUG. Names the error code only, never the message's user name.
     */
    private void warnIfRefused(Throwable error) {
        Throwable cause = error;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof io.lettuce.core.RedisCommandExecutionException
                && refusalWarned.compareAndSet(false, true)) {
            String message = String.valueOf(cause.getMessage()).trim();
            int space = message.indexOf(' ');
            LOG.warn(
                    "Redis refused a command the near cache needs ({}); the near cache stays off and every read goes "
                            + "to Redis. Allow the store's user +client|tracking +client|info +client|list +ping",
                    space < 0 ? message : message.substring(0, space));
        }
    }

    /** A field of a {@code CLIENT INFO} or {@code CLIENT LIST} line, or "" when absent. */
    static String infoField(String line, String name) {
        if (line == null) {
            return "";
        }
        for (String part : line.trim().split(" ")) {
            if (part.startsWith(name + "=")) {
                return part.substring(name.length() + 1);
            }
        }
        return "";
    }

    /**
     * Listens to the store's current data connection (and no longer to a replaced one).
     *
     * @return the current data connection, or null when there is none yet
     */
    private StatefulRedisConnection<byte[], byte[]> watchData() {
        StatefulRedisConnection<byte[], byte[]> current =
                store.operations().connection().current();
        synchronized (lock) {
            if (current != data) {
                if (data != null) {
                    data.removeListener(dataStateListener);
                    data.removeListener(dataPushListener);
                }
                if (current != null) {
                    current.addListener(dataStateListener);
                    current.addListener(dataPushListener);
                }
                data = current;
            }
        }
        return current;
    }

    /** The store replaced its data connection: the new one has no tracking yet. */
    private void dataReplaced() {
        if (closed) {
            return;
        }
        reset();
        LOG.debug("the store replaced its data connection: dropped the near cache, turning tracking on again");
        enabling.set(false);
        enableTracking();
    }

    /** Redis tells the data connection that its redirection target is gone. */
    private void onDataPush(PushMessage message) {
        if ("tracking-redir-broken".equals(message.getType())) {
            reset();
        }
    }

    /** The heartbeat: renews the lease while healthy, re-enables tracking while not. Never blocks. */
    private void beat() {
        StatefulRedisConnection<byte[], byte[]> connection = tracking;
        if (closed || connection == null || !connection.isOpen()) {
            return;
        }
        long e = epoch.get();
        if (trustedEpoch != e) {
            enableTracking();
            return;
        }
        if (!pinging.compareAndSet(false, true)) {
            return;
        }
        long sent = System.nanoTime();
        try {
            connection.async().ping().whenComplete((pong, error) -> {
                pinging.set(false);
                if (error != null) {
                    LOG.debug(
                            "the near cache's heartbeat failed ({}); the cache is off until tracking is "
                                    + "confirmed again",
                            error.getClass().getSimpleName());
                    synchronized (lock) {
                        if (epoch.get() == e) {
                            reset();
                        }
                    }
                    reopenIfUnanswered(connection);
                    return;
                }
                unanswered.answered();
                // Replies arrive in order on this connection: every invalidation Redis produced
                // before it answered this ping has been applied.
                if (epoch.get() == e) {
                    leaseEnd = sent + leaseNanos;
                }
            });
        } catch (RuntimeException ex) {
            pinging.set(false);
            reset();
        }
    }

    /** Replaces the channel after enough unanswered requests in a row. */
    private void reopenIfUnanswered(StatefulRedisConnection<byte[], byte[]> connection) {
        if (connection == tracking && unanswered.timedOut()) {
            reopen("the near cache's invalidation connection stopped answering: dropped the local copy, "
                    + "reopening it");
        }
    }

    private void followNewMaster() {
        reopen("the near cache follows the new Sentinel master: dropped the local copy, " + "reconnecting its channel");
    }

    private void reopen(String why) {
        if (closed) {
            return;
        }
        reset();
        LOG.info(why);
        // Connecting blocks: not on the Lettuce thread that reported the switch.
        store.operations().connection().resources.eventExecutorGroup().execute(() -> {
            try {
                if (!closed) {
                    attach(store.operations().connection().connectAnother());
                }
            } catch (RuntimeException e) {
                LOG.warn(
                        "could not reopen the near cache's channel ({}); the cache stays off until " + "a later try",
                        e.getClass().getSimpleName());
            }
        });
    }

    private final class StateListener implements RedisConnectionStateListener {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if (connection == tracking && !closed) {
                reset();
                enabling.set(false);
                enableTracking();
            }
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection == tracking) {
                reset();
                LOG.debug("the near cache's invalidation connection dropped; the cache is off until it " + "is back");
            }
        }
    }

    private final class DataStateListener implements RedisConnectionStateListener {
        @Override
        public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
            if (connection == data && !closed) {
                reset();
                enabling.set(false);
                enableTracking();
            }
        }

        @Override
        public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            if (connection == data) {
                reset();
                LOG.debug("the store's data connection dropped; the near cache is off until it is back");
            }
        }
    }
}
