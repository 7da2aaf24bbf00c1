package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void theBuilderSetsTheUserTimeoutAndTheTimeoutsBeforeAReconnectOverTheLocation() {
        RedisSessionStore.Builder b = RedisSessionStore.builder()
                .location("redis://h:1?tcpUserTimeout=9000&reconnectAfterTimeouts=7")
                .tcpUserTimeout(Duration.ofSeconds(4))
                .reconnectAfterTimeouts(5);
        ConnectionLiveness chosen = StoreAssembly.liveness(b, b.location, Duration.ofMillis(250));
        assertThat(chosen.tcpUserTimeout())
                .isEqualTo(ConnectionLiveness.nativeTransport() ? Duration.ofSeconds(4) : null);
        assertThat(chosen.timeoutsBeforeReconnect()).isEqualTo(5);
        assertThat(chosen.keepAliveIdle()).isEqualTo(ConnectionLiveness.DEFAULT_KEEPALIVE_IDLE);
    }

    @Test
    void theLocationSetsThemWhenTheBuilderDoesNotAndTheDefaultsFillTheRest() {
        RedisSessionStore.Builder b = RedisSessionStore.builder().location("redis://h:1?reconnectAfterTimeouts=2");
        ConnectionLiveness chosen = StoreAssembly.liveness(b, b.location, Duration.ofMillis(250));
        assertThat(chosen)
                .isEqualTo(ConnectionLiveness.defaults(Duration.ofMillis(250)).with(null, 2, true));
        assertThat(chosen.timeoutsBeforeReconnect()).isEqualTo(2);

        RedisSessionStore.Builder plain = RedisSessionStore.builder().location("redis://h:1");
        assertThat(StoreAssembly.liveness(plain, plain.location, Duration.ofMillis(250)))
                .isEqualTo(ConnectionLiveness.defaults(Duration.ofMillis(250)));
    }

    @Test
    void aUserTimeoutIsDroppedWhereNoNativeTransportCanSetIt() {
        ConnectionLiveness chosen =
                ConnectionLiveness.defaults(Duration.ofMillis(250)).with(Duration.ofSeconds(4), 0, false);
        assertThat(chosen.tcpUserTimeout()).isNull();
        assertThat(chosen.timeoutsBeforeReconnect()).isEqualTo(ConnectionLiveness.DEFAULT_TIMEOUTS_BEFORE_RECONNECT);
    }

    @Test
    void outOfRangeLivenessOptionsAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> RedisSessionStore.builder().tcpUserTimeout(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tcpUserTimeout (500 ms) must be between 1 s and 15 minutes");
        assertThatThrownBy(() -> RedisSessionStore.builder().tcpUserTimeout(Duration.ofMinutes(16)))
                .hasMessageContaining("tcpUserTimeout");
        assertThatThrownBy(() -> RedisSessionStore.builder().reconnectAfterTimeouts(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reconnectAfterTimeouts (0) must be between 1 and 100");
        assertThatThrownBy(() -> RedisSessionStore.builder().reconnectAfterTimeouts(101))
                .hasMessageContaining("reconnectAfterTimeouts");
        assertThatThrownBy(() -> RedisLocation.parse("redis://h:1?tcpUserTimeout=999"))
                .hasMessageContaining("tcpUserTimeout must be a number of milliseconds from 1000 to 900000");
        assertThatThrownBy(() -> RedisLocation.parse("redis://h:1?reconnectAfterTimeouts=0"))
                .hasMessageContaining("reconnectAfterTimeouts must be a number from 1 to 100");
    }
}
