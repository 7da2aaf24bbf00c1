package dev.lanyard.session.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which requests the guard judges: the container-free part (the refusals are in {@link SocketContract}). */
class HandshakeGuardFilterTest {

    @Test
    void aGetThatAsksForWebsocketAmongItsUpgradeTokensIsJudgedInAnyCase() {
        assertThat(upgrade("GET", "websocket")).isTrue();
        assertThat(upgrade("GET", "WebSocket")).isTrue();
        assertThat(upgrade("GET", "h2c, websocket")).isTrue();
        assertThat(upgrade("GET", "h2c", " websocket ")).isTrue();
    }

    @Test
    void otherRequestsPassUnjudged() {
        assertThat(upgrade("POST", "websocket")).isFalse();
        assertThat(upgrade("GET", "h2c")).isFalse();
        assertThat(upgrade("GET", "websocket2")).isFalse();
        assertThat(upgrade("GET")).isFalse();
        assertThat(HandshakeGuardFilter.isWebSocketUpgrade("GET", null)).isFalse();
    }

    private static boolean upgrade(String method, String... upgradeHeaders) {
        return HandshakeGuardFilter.isWebSocketUpgrade(method, Collections.enumeration(List.of(upgradeHeaders)));
    }
}
