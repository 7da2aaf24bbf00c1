package dev.lanyard.session.redis;

import dev.lanyard.session.StoreHealth;
import dev.lanyard.session.StoreState;
import dev.lanyard.session.internal.ListenerGuard;
import dev.lanyard.session.spi.HealthReportingStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's reachability: the current {@link StoreHealth}, one log line per change (never per
 * request), and the listeners told of each change. Thread-safe: changes are serialised by a lock,
 * listeners are called outside it on the thread that saw the change.
 */
final class HealthTracker {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);

    private final Clock clock;
    private final String name;
    private final ListenerGuard guard = new ListenerGuard(LOG, "store health listener");
    private final List<Consumer<StoreHealth>> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private volatile StoreHealth health;

    HealthTracker(Clock clock, String name) {
        this.clock = clock;
        this.name = name;
        this.health = new StoreHealth(StoreState.CONNECTING, clock.instant(), null);
    }

    StoreHealth health() {
        return health;
    }

    boolean isUp() {
        return health.state() == StoreState.UP;
    }

    HealthReportingStore.HealthSubscription subscribe(Consumer<StoreHealth> listener) {
        Consumer<StoreHealth> own = listener::accept;
        listeners.add(own);
        return () -> listeners.remove(own);
    }

    /**
     * The first connection attempt failed: stay CONNECTING, note the cause, log once.
     *
     * @param retryAtMost the longest delay between two attempts; each one is drawn at random between
     *     half of it and all of it ({@link ReconnectingConnection#jittered})
     */
    void notReachableYet(String cause, Duration retryAtMost) {
        StoreHealth next;
        synchronized (lock) {
            if (health.state() != StoreState.CONNECTING || cause.equals(health.cause())) {
                return;
            }
            next = new StoreHealth(StoreState.CONNECTING, health.since(), cause);
            health = next;
        }
        LOG.warn(
                "{} is not reachable yet ({}); the application starts anyway, requests meet their route's failure "
                        + "mode (503 or a transient session) and the store keeps trying to connect, every {} to {} ms "
                        + "(a random delay in that range)",
                name,
                cause,
                retryAtMost.toMillis() / 2,
                retryAtMost.toMillis());
        deliver(next);
    }

    /** A connection answered. */
    void up() {
        StoreHealth previous;
        StoreHealth next;
        synchronized (lock) {
            previous = health;
            if (previous.state() == StoreState.UP) {
                return;
            }
            next = StoreHealth.up(clock.instant());
            health = next;
        }
        long millis = Duration.between(previous.since(), next.since()).toMillis();
        if (previous.state() == StoreState.CONNECTING) {
            LOG.info("{} is up: connected {} ms after the store was opened", name, millis);
        } else {
            LOG.info("{} is up again after {} ms down", name, millis);
        }
        deliver(next);
    }

    /** A connection was lost, or a command found it gone. */
    void down(String cause) {
        StoreHealth next;
        synchronized (lock) {
            if (health.state() != StoreState.UP) {
                return;
            }
            next = new StoreHealth(StoreState.DOWN, clock.instant(), cause);
            health = next;
        }
        LOG.warn(
                "{} is down ({}); requests meet their route's failure mode until it is back, and the store "
                        + "reconnects by itself",
                name,
                cause);
        deliver(next);
    }

    private void deliver(StoreHealth next) {
        guard.callEach(listeners, "a store state change", l -> l.accept(next));
    }
}
