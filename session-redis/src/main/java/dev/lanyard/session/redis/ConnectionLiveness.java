package dev.lanyard.session.redis;

import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.EpollProvider;
import io.lettuce.core.resource.IOUringProvider;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the store notices that the peer of a connection vanished without a reset or a FIN (a VM
 * gone, a security group changed, a cable pulled: a blackhole). Linux retransmits on such a
 * connection for up to fifteen minutes ({@code net.ipv4.tcp_retries2}), and a client that only
 * times out commands keeps using it all that time. Two mechanisms end it within a bound:
 * <ul>
 *   <li>{@code TCP_USER_TIMEOUT}: the kernel drops a connection whose sent data stayed
 *       unacknowledged this long, and Lettuce reconnects. It needs a native transport (Netty's epoll
 *       or io_uring on the classpath, on Linux); with Java's NIO it is not available.
 *   <li>The fallback that always applies: after {@link #timeoutsBeforeReconnect()} commands in a
 *       row timed out with no answer in between, the store opens a new connection (asking the
 *       sentinels for the master, under Sentinel), swaps it in and closes the old one.
 * </ul>
 * TCP keepalive (idle {@link #keepAliveIdle()}, then three probes one idle apart) ends an idle
 * connection whose peer vanished; it does nothing while data is unacknowledged, which is why the
 * two above are needed.
 *
 * @param tcpUserTimeout how long sent data may stay unacknowledged, or {@code null} not to set it
 * @param keepAliveIdle how long a connection may be idle before the first keepalive probe
 * @param timeoutsBeforeReconnect how many consecutive command timeouts make the store reconnect;
 *     0 turns the fallback off
 */
record ConnectionLiveness(Duration tcpUserTimeout, Duration keepAliveIdle, int timeoutsBeforeReconnect) {

    /** The fewest consecutive timeouts that make the store reconnect: 3. */
    static final int DEFAULT_TIMEOUTS_BEFORE_RECONNECT = 3;

    /** The shortest {@code TCP_USER_TIMEOUT} the store sets: 2 seconds, two retransmissions beyond the minimum RTO. */
    static final Duration MINIMUM_TCP_USER_TIMEOUT = Duration.ofSeconds(2);

    /** The keepalive idle time: 5 seconds (Linux's default is two hours). */
    static final Duration DEFAULT_KEEPALIVE_IDLE = Duration.ofSeconds(5);

    /** The longest {@code TCP_USER_TIMEOUT} the builder accepts: 15 minutes, Linux's own horizon. */
    static final Duration MAXIMUM_TCP_USER_TIMEOUT = Duration.ofMinutes(15);

    /** The most consecutive timeouts the builder accepts before a reconnect: 100. */
    static final int MAXIMUM_TIMEOUTS_BEFORE_RECONNECT = 100;

    ConnectionLiveness {
        Objects.requireNonNull(keepAliveIdle, "keepAliveIdle");
        if (timeoutsBeforeReconnect < 0) {
            throw new IllegalArgumentException(
                    "timeoutsBeforeReconnect (" + timeoutsBeforeReconnect + ") must not be negative");
        }
    }

    /**
     * The defaults for a command timeout: {@code TCP_USER_TIMEOUT} of twice the command timeout, at
     * least {@link #MINIMUM_TCP_USER_TIMEOUT}, when a native transport is available; keepalive after
     * {@link #DEFAULT_KEEPALIVE_IDLE}; reconnect after {@link #DEFAULT_TIMEOUTS_BEFORE_RECONNECT}
     * consecutive timeouts.
     */
    static ConnectionLiveness defaults(Duration commandTimeout) {
        Duration userTimeout = commandTimeout.multipliedBy(2);
        if (userTimeout.compareTo(MINIMUM_TCP_USER_TIMEOUT) < 0) {
            userTimeout = MINIMUM_TCP_USER_TIMEOUT;
        }
        return new ConnectionLiveness(
                nativeTransport() ? userTimeout : null, DEFAULT_KEEPALIVE_IDLE, DEFAULT_TIMEOUTS_BEFORE_RECONNECT);
    }

    /**
     * These settings with the application's choices applied over them.
     *
     * @param userTimeout the chosen {@code TCP_USER_TIMEOUT}, or null to keep this one's; dropped
     *     (with {@code nativeTransport} false) where it cannot be set
     * @param timeouts the chosen consecutive timeouts before a reconnect, or 0 to keep this one's
     * @param nativeTransport whether a native transport can set {@code TCP_USER_TIMEOUT}
     */
    ConnectionLiveness with(Duration userTimeout, int timeouts, boolean nativeTransport) {
        Duration chosenUserTimeout = userTimeout != null ? userTimeout : tcpUserTimeout;
        return new ConnectionLiveness(
                nativeTransport ? chosenUserTimeout : null,
                keepAliveIdle,
                timeouts > 0 ? timeouts : timeoutsBeforeReconnect);
    }

    static Duration checkTcpUserTimeout(Duration userTimeout) {
        Objects.requireNonNull(userTimeout, "tcpUserTimeout");
        if (userTimeout.compareTo(Duration.ofSeconds(1)) < 0 || userTimeout.compareTo(MAXIMUM_TCP_USER_TIMEOUT) > 0) {
            throw new IllegalArgumentException(
                    "tcpUserTimeout (" + userTimeout.toMillis() + " ms) must be between 1 s and 15 minutes");
        }
        return userTimeout;
    }

    static int checkTimeouts(int timeouts) {
        if (timeouts < 1 || timeouts > MAXIMUM_TIMEOUTS_BEFORE_RECONNECT) {
            throw new IllegalArgumentException("reconnectAfterTimeouts (" + timeouts + ") must be between 1 and "
                    + MAXIMUM_TIMEOUTS_BEFORE_RECONNECT);
        }
        return timeouts;
    }

    /** @return whether Lettuce runs on a native transport here, so that {@code TCP_USER_TIMEOUT} can be set */
    static boolean nativeTransport() {
        return EpollProvider.isAvailable() || IOUringProvider.isAvailable();
    }

    /** The socket options for connections with this liveness and the given connect timeout. */
    SocketOptions socketOptions(Duration connectTimeout) {
        SocketOptions.Builder b = SocketOptions.builder()
                .connectTimeout(connectTimeout)
                .keepAlive(SocketOptions.KeepAliveOptions.builder()
                        .enable()
                        .idle(keepAliveIdle)
                        .interval(keepAliveIdle)
                        .count(3)
                        .build());
        if (tcpUserTimeout != null) {
            b.tcpUserTimeout(SocketOptions.TcpUserTimeoutOptions.builder()
                    .enable()
                    .tcpUserTimeout(tcpUserTimeout)
                    .build());
        }
        return b.build();
    }

    /** @return a counter of consecutive timeouts for one connection */
    TimeoutCounter counter() {
        return new TimeoutCounter(timeoutsBeforeReconnect);
    }

    /**
     * Counts consecutive command timeouts; thread-safe. {@link #timedOut()} answers {@code true} once
     * each time the count reaches the limit, and an answer starts the count again.
     */
    static final class TimeoutCounter {
        private final int limit;
        private final AtomicInteger count = new AtomicInteger();

        TimeoutCounter(int limit) {
            this.limit = limit;
        }

        /** @return whether this timeout completes a run of {@code limit}: time to reconnect */
        boolean timedOut() {
            if (limit == 0) {
                return false;
            }
            int n = count.incrementAndGet();
            if (n >= limit) {
                count.set(0);
                return true;
            }
            return false;
        }

        /** A command answered: the run is broken. Cheap when it already was. */
        void answered() {
            if (count.get() != 0) {
                count.set(0);
            }
        }
    }
}
