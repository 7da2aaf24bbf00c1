package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SessionPolicyTest {

    @Test
    void defaultsFollowTheDocumentedConstants() {
        SessionPolicy p = SessionPolicy.defaults();
        assertThat(p.idleTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(p.anonymousIdleTimeout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(p.absoluteTimeout()).isEqualTo(Duration.ofHours(12));
        assertThat(p.touchInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(p.sessionLimit())
                .isEqualTo(SessionPolicy.DEFAULT_SESSION_LIMIT)
                .isEqualTo(SessionLimit.evictBeyond(10));
        assertThat(p.payloadSoftLimit()).isLessThan(p.payloadHardLimit());
    }

    @Test
    void anIdleTimeoutLongerThanTheAbsoluteOneIsRefusedByName() {
        assertThatThrownBy(() -> SessionPolicy.builder()
                        .idleTimeout(Duration.ofHours(2))
                        .absoluteTimeout(Duration.ofHours(1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idleTimeout (PT2H) must not exceed absoluteTimeout (PT1H)");
    }

    @Test
    void anAnonymousIdleTimeoutLongerThanTheAbsoluteOneIsRefused() {
        assertThatThrownBy(() -> SessionPolicy.builder()
                        .anonymousIdleTimeout(Duration.ofHours(13))
                        .build())
                .hasMessageStartingWith("anonymousIdleTimeout (PT13H)");
    }

    @Test
    void aTouchIntervalAsLongAsAnIdleTimeoutIsRefused() {
        assertThatThrownBy(() -> SessionPolicy.builder()
                        .touchInterval(Duration.ofMinutes(15))
                        .build())
                .hasMessageContaining("touchInterval (PT15M) must be shorter than the shortest idle timeout (PT15M)");
        assertThatThrownBy(() -> SessionPolicy.builder()
                        .touchInterval(Duration.ofSeconds(-1))
                        .build())
                .hasMessageContaining("touchInterval");
    }

    @Test
    void nonPositiveTimeoutsAreRefused() {
        assertThatThrownBy(
                        () -> SessionPolicy.builder().idleTimeout(Duration.ZERO).build())
                .hasMessage("idleTimeout (PT0S) must be positive");
        assertThatThrownBy(() -> SessionPolicy.builder()
                        .absoluteTimeout(Duration.ofMinutes(-1))
                        .build())
                .hasMessageStartingWith("absoluteTimeout");
    }

    @Test
    void aSoftLimitAboveTheHardLimitIsRefused() {
        assertThatThrownBy(() -> SessionPolicy.builder()
                        .payloadSoftLimit(10)
                        .payloadHardLimit(5)
                        .build())
                .hasMessage("payloadSoftLimit (10) must not exceed payloadHardLimit (5)");
        assertThatThrownBy(() -> SessionPolicy.builder().payloadHardLimit(0).build())
                .hasMessageStartingWith("payloadHardLimit");
    }

    @Test
    void anExcessiveClockSkewIsRefused() {
        assertThatThrownBy(() ->
                        SessionPolicy.builder().clockSkew(Duration.ofMinutes(6)).build())
                .hasMessageStartingWith("clockSkew (PT6M)");
    }

    @Test
    void aSessionLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> SessionLimit.refuseBeyond(0)).hasMessage("maxSessions (0) must be at least 1");
    }

    @Test
    void mutateCopiesEveryValue() {
        SessionPolicy p = SessionPolicy.builder()
                .idleTimeout(Duration.ofMinutes(10))
                .sessionLimit(SessionLimit.evictBeyond(3))
                .payloadHardLimit(1000)
                .payloadSoftLimit(500)
                .build();
        assertThat(p.mutate().build()).usingRecursiveComparison().isEqualTo(p);
    }
}
