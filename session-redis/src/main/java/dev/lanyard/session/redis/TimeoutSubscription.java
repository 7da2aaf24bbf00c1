package dev.lanyard.session.redis;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.UnreadableSessionException;
import dev.lanyard.session.internal.ListenerGuard;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.SessionRecord;
import io.lettuce.core.RedisException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The expired-key subscription behind {@link RedisSessionStore#onTimeout}: one pub/sub connection,
 * opened for the first subscriber and closed with the last, on which each expired timeout marker of
 * the store's prefix is claimed with {@link Script#CLAIM} and, when this node's claim takes the
 * session, reported to the subscribers on a thread of its own. Resubscribes after a failure and
 * after a Sentinel failover. How the markers work: {@code docs/redis.md} ("Expiry notifications").
 * Thread-safe: its state is guarded by its own lock.
 */
final class TimeoutSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);

    private final ReconnectingConnection connection;
    private final CommandRunner runner;
    private final RedisSchema schema;
    private final byte[] expiredChannel;
    private final Object lock = new Object();
    private final ListenerGuard guard = new ListenerGuard(LOG, "timeout subscriber");
    private final List<Consumer<SessionRecord>> subscribers = new CopyOnWriteArrayList<>();

    /** The keyspace-event subscription; guarded by lock. */
    private StatefulRedisPubSubConnection<byte[], byte[]> channel;

    /** The thread that delivers reports and retries; written under lock. */
    private volatile ScheduledExecutorService delivery;

    private boolean failing;
    private boolean connecting;
    private boolean followingMaster;
    private boolean closed;

    TimeoutSubscription(ReconnectingConnection connection, CommandRunner runner, RedisSchema schema, int database) {
        this.connection = connection;
        this.runner = runner;
        this.schema = schema;
        this.expiredChannel = RedisSchema.bytes("__keyevent@" + database + "__:expired");
    }

    /** Adds a subscriber; the first one connects, on the caller's thread. */
    ExpiryNotifyingStore.Subscription subscribe(Consumer<SessionRecord> subscriber) {
        Consumer<SessionRecord> own = subscriber::accept;
        boolean connectNow;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the store is closed");
            }
            subscribers.add(own);
            connectNow = channel == null && !connecting;
            if (connectNow) {
                connecting = true;
                ensureDelivery();
            }
        }
        if (connectNow) {
            // On the caller's thread, so that the first subscription is in place when this returns;
            // never under the lock, so that closing a subscription never waits for a connect.
            connect();
        }
        return () -> {
            synchronized (lock) {
                if (subscribers.remove(own) && subscribers.isEmpty()) {
                    closeChannel();
                }
            }
        };
    }

    /** Drops every subscriber and the channel; later subscriptions fail. */
    void close() {
        synchronized (lock) {
            closed = true;
            subscribers.clear();
            closeChannel();
        }
    }

    /** Guarded by lock. */
    private void ensureDelivery() {
        if (delivery == null) {
            delivery = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lanyard-redis-timeouts");
                t.setDaemon(true);
                return t;
            });
        }
    }

    /**
     * Connects and subscribes without holding the lock, then installs the subscription if it is still
     * wanted, or schedules another try when Redis cannot be reached. Runs only while {@code
     * connecting} is set, which it clears.
     */
    private void connect() {
        StatefulRedisPubSubConnection<byte[], byte[]> opened = null;
        RedisException failure = null;
        try {
            opened = connection.connectPubSub();
            opened.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(byte[] source, byte[] key) {
                    onExpiredKey(key);
                }
            });
            opened.sync().subscribe(expiredChannel);
        } catch (RedisException e) {
            failure = e;
            if (opened != null) {
                opened.closeAsync();
                opened = null;
            }
        }
        synchronized (lock) {
            connecting = false;
            boolean wanted = !closed && channel == null && !subscribers.isEmpty();
            if (opened == null) {
                if (wanted) {
                    retryLater(failure);
                }
                return;
            }
            if (!wanted) {
                opened.closeAsync();
                return;
            }
            if (failing) {
                failing = false;
                LOG.info("subscribed to Redis's expired-key events again");
            }
            channel = opened;
            if (!followingMaster) {
                followingMaster = true;
                connection.onMasterSwitch(this::resubscribeAfterFailover);
            }
        }
    }

    /** Guarded by lock. */
    private void retryLater(RedisException failure) {
        if (!failing) {
            failing = true;
            LOG.warn(
                    "could not subscribe to Redis's expired-key events ({}); sessions that time out "
                            + "meanwhile are not reported; trying again every {} ms",
                    CommandRunner.unwrap(failure).getClass().getSimpleName(),
                    RedisSessionStore.TIMEOUT_RESUBSCRIBE_DELAY.toMillis());
        }
        connecting = true;
        ensureDelivery();
        delivery.schedule(this::connect, RedisSessionStore.TIMEOUT_RESUBSCRIBE_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** On a Lettuce thread after a Sentinel failover: drops the old subscription, connects anew. */
    private void resubscribeAfterFailover() {
        synchronized (lock) {
            if (channel == null || closed) {
                return;
            }
            channel.closeAsync();
            channel = null;
            if (connecting) {
                return;
            }
            connecting = true;
            ensureDelivery();
            try {
                delivery.execute(this::connect);
            } catch (RejectedExecutionException closing) {
                connecting = false;
            }
            LOG.debug("expiry notifications follow the new Sentinel master");
        }
    }

    /** Guarded by lock. */
    private void closeChannel() {
        if (channel != null) {
            channel.closeAsync();
            channel = null;
        }
        if (delivery != null) {
            delivery.shutdownNow(); // also cancels a scheduled retry
            delivery = null;
        }
        // A connect under way finds nobody waiting and closes what it opened; a cancelled retry is
        // not waited for: the next subscriber connects anew.
        connecting = false;
    }

    /** On a Lettuce thread: claims the session whose marker expired; never blocks. */
    private void onExpiredKey(byte[] key) {
        SessionHandle handle = schema.handleOfTimeoutKey(new String(key, StandardCharsets.UTF_8));
        ExecutorService deliverer = delivery;
        if (handle == null || deliverer == null) {
            return;
        }
        runner.<List<Object>>script(
                        Script.CLAIM,
                        ScriptOutputType.MULTI,
                        schema.sessionKeys(handle),
                        Script.CLAIM.args().put("prefix", schema.prefix()))
                .whenComplete((fields, error) -> {
                    try {
                        deliverer.execute(() -> deliver(handle, fields, error));
                    } catch (RejectedExecutionException closing) {
                        LOG.debug(
                                "timed-out session {} claimed while the last subscription closed; not " + "reported",
                                handle);
                    }
                });
    }

    private void deliver(SessionHandle handle, List<Object> fields, Throwable error) {
        if (error != null) {
            LOG.debug(
                    "could not claim timed-out session {} ({})",
                    handle,
                    CommandRunner.unwrap(error).getClass().getSimpleName());
            return;
        }
        if (fields == null || fields.isEmpty()) {
            return; // another node claimed it, or it was ended otherwise
        }
        SessionRecord record;
        try {
            record = RecordCodec.decode(handle, fields, 0);
        } catch (UnreadableSessionException e) {
            LOG.debug("timed-out session {} cannot be read; not reported", handle);
            return;
        }
        SessionRecord timedOut = record;
        guard.callEach(subscribers, "a timed-out session", s -> s.accept(timedOut));
    }
}
