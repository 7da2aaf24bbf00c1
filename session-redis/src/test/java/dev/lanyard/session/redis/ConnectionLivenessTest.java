package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.SocketOptions;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConnectionLivenessTest {

    @Test
    void theDefaultsSetTcpUserTimeoutToTwiceTheCommandTimeoutButNeverBelowTwoSeconds() {
        assertThat(ConnectionLiveness.defaults(Duration.ofMillis(250)).tcpUserTimeout())
                .isEqualTo(ConnectionLiveness.nativeTransport() ? Duration.ofSeconds(2) : null);
        assertThat(ConnectionLiveness.defaults(Duration.ofSeconds(3)).tcpUserTimeout())
                .isEqualTo(ConnectionLiveness.nativeTransport() ? Duration.ofSeconds(6) : null);
    }

    @Test
    void theSocketOptionsCarryKeepaliveAndTheUserTimeout() {
        SocketOptions options = new ConnectionLiveness(Duration.ofSeconds(2), Duration.ofSeconds(5), 3)
                .socketOptions(Duration.ofSeconds(1));
        assertThat(options.isKeepAlive()).isTrue();
        assertThat(options.getKeepAlive().getIdle()).isEqualTo(Duration.ofSeconds(5));
        assertThat(options.getTcpUserTimeout().isEnabled()).isTrue();
        assertThat(options.getTcpUserTimeout().getTcpUserTimeout()).isEqualTo(Duration.ofSeconds(2));
        SocketOptions without =
                new ConnectionLiveness(null, Duration.ofSeconds(5), 3).socketOptions(Duration.ofSeconds(1));
        assertThat(without.getTcpUserTimeout().isEnabled()).isFalse();
    }

    @Test
    void aRunOfTimeoutsReachesTheLimitOnceAndAnAnswerBreaksIt() {
        ConnectionLiveness.TimeoutCounter counter = new ConnectionLiveness.TimeoutCounter(3);
        assertThat(counter.timedOut()).isFalse();
        assertThat(counter.timedOut()).isFalse();
        counter.answered();
        assertThat(counter.timedOut()).isFalse();
        assertThat(counter.timedOut()).isFalse();
        assertThat(counter.timedOut()).isTrue();
        assertThat(counter.timedOut()).as("a new run starts").isFalse();
        assertThat(new ConnectionLiveness.TimeoutCounter(0).timedOut())
                .as("0 turns it off")
                .isFalse();
    }

    @Test
    void retryDelaysAreSpreadBetweenHalfAndAllOfTheDelay() {
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration d = ReconnectingConnection.jittered(Duration.ofSeconds(1));
            assertThat(d).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
            seen.add(d);
        }
        assertThat(seen).as("200 draws from 501 values").hasSizeGreaterThan(20);
    }

    @Test
    void lettucesReconnectDelayIsJitteredAndCappedAtOneSecond() {
        Delay delay = Connection.reconnectDelay();
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration d = delay.createDelay(20);
            assertThat(d).isLessThanOrEqualTo(Connection.MAX_RECONNECT_DELAY);
            seen.add(d);
        }
        assertThat(seen).hasSizeGreaterThan(20);
    }
}
