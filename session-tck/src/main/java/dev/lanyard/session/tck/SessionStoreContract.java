package dev.lanyard.session.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.PayloadTooLargeException;
import dev.lanyard.session.Resolution;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.spi.SessionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link SessionStore} must honour. Extend it in the adapter's tests and
 * implement the hooks ({@link StoreOperationsContract} declares them and holds the tests that call
 * the SPI directly); every test must pass, none may be overridden to do nothing. The tests here go
 * through a {@link SessionManager}, as applications do.
 *
 * @since 0.1.0
 */
public abstract class SessionStoreContract extends StoreOperationsContract {

    // ------------------------------------------------------------------ through the manager

    @Test
    void loginMakesThePreLoginIdDead() {
        SessionManager manager = manager();
        NewSession anonymous = manager.create(ClientInfo.UNKNOWN);
        NewSession loggedIn = manager.login(anonymous.session(), "alice", ClientInfo.UNKNOWN);
        assertThat(loggedIn.id()).isNotEqualTo(anonymous.id());
        assertThat(manager.resolve(anonymous.id()).status()).isEqualTo(ResolutionStatus.UNKNOWN);
        assertThat(manager.resolve(anonymous.id().value()).session()).isEmpty();
        assertThat(manager.resolve(loggedIn.id()).session()).hasValueSatisfying(s -> {
            assertThat(s.userId()).contains("alice");
            assertThat(s.version()).isGreaterThan(anonymous.session().version());
        });
    }

    @Test
    void attributesSurviveLoginAndRoundTripThroughTheCodec() {
        SessionManager manager = manager();
        NewSession anonymous = manager.create(ClientInfo.UNKNOWN);
        manager.save(
                anonymous.session(),
                SessionUpdate.builder()
                        .put("cart", new ArrayList<>(List.of("apple", "pear")))
                        .put("visits", 3)
                        .build());
        NewSession loggedIn =
                manager.login(manager.resolve(anonymous.id()).session().orElseThrow(), "alice", ClientInfo.UNKNOWN);
        Resolution resolution = manager.resolve(loggedIn.id());
        assertThat(resolution.status()).isEqualTo(ResolutionStatus.FOUND);
        Session resolved = resolution.session().orElseThrow();
        assertThat(resolved.attributes())
                .containsEntry("cart", List.of("apple", "pear"))
                .containsEntry("visits", 3);
    }

    @Test
    void idleSessionsExpireByTheManagersClock() {
        SessionManager manager = manager();
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        clock.advance(SessionPolicy.DEFAULT_ANONYMOUS_IDLE_TIMEOUT.minusSeconds(1));
        assertThat(manager.resolve(s.id()).isFound()).isTrue();
        clock.advance(Duration.ofSeconds(1));
        // The store's TTL and the manager's check agree on the instant; either may report it.
        assertThat(manager.resolve(s.id()).status()).isIn(ResolutionStatus.EXPIRED_IDLE, ResolutionStatus.UNKNOWN);
        assertThat(backendHolds(s.session().handle())).isFalse();
    }

    @Test
    void sessionsExpireAtTheirAbsoluteLifetimeHoweverActive() {
        SessionPolicy policy = SessionPolicy.builder()
                .idleTimeout(Duration.ofMinutes(30))
                .absoluteTimeout(Duration.ofHours(1))
                .build();
        SessionManager manager = manager(policy);
        NewSession s = manager.login(null, "alice", ClientInfo.UNKNOWN);
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(10));
            Session current = manager.resolve(s.id()).session().orElseThrow();
            manager.save(current, SessionUpdate.builder().put("i", i).build());
        }
        clock.advance(Duration.ofMinutes(9));
        assertThat(manager.resolve(s.id()).isFound()).isTrue();
        clock.advance(Duration.ofMinutes(1));
        assertThat(manager.resolve(s.id()).status()).isIn(ResolutionStatus.EXPIRED_ABSOLUTE, ResolutionStatus.UNKNOWN);
    }

    @Test
    void malformedIdsNeverReachTheStore() {
        CountingStore counting = new CountingStore(store);
        SessionManager manager = SessionManager.builder(counting).clock(clock).build();
        List<String> junk = List.of(
                "",
                "short",
                "x".repeat(10_000),
                "a".repeat(42) + "!",
                "a".repeat(42) + "\u0000",
                "ä".repeat(43),
                "a".repeat(44));
        for (String presented : junk) {
            assertThat(manager.resolve(presented).status()).isEqualTo(ResolutionStatus.MALFORMED);
        }
        assertThat(manager.resolve((String) null).status()).isEqualTo(ResolutionStatus.MALFORMED);
        assertThat(counting.calls()).isZero();
    }

    @Test
    void anUnknownWellFormedIdCostsOneStoreCall() {
        CountingStore counting = new CountingStore(store);
        SessionManager manager = SessionManager.builder(counting).clock(clock).build();
        assertThat(manager.resolve(SessionId.generate(RANDOM).value()).status()).isEqualTo(ResolutionStatus.UNKNOWN);
        assertThat(counting.calls()).isEqualTo(1);
    }

    @Test
    void presentingAHandleAsAnIdResolvesNothing() {
        SessionManager manager = manager();
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        assertThat(manager.resolve(s.session().handle().value()).status()).isEqualTo(ResolutionStatus.UNKNOWN);
    }

    /**
     * What {@link #corrupt} damaged decides the outcome, and neither is fatal: a damaged record is
     * dropped whole ({@link ResolutionStatus#UNREADABLE}, gone from the backend); a damaged attribute
     * is dropped alone when read, and the session stays.
     */
    @Test
    void anUnreadableRecordOrAttributeIsDroppedNotFatal() {
        SessionManager manager = manager();
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        manager.save(s.session(), SessionUpdate.builder().put("cart", "apple").build());
        corrupt(s.session().handle());
        Resolution resolved = manager.resolve(s.id());
        if (resolved.status() == ResolutionStatus.UNREADABLE) {
            assertThat(backendHolds(s.session().handle())).isFalse();
            return;
        }
        assertThat(resolved.status()).isEqualTo(ResolutionStatus.FOUND);
        Session session = resolved.session().orElseThrow();
        List<String> readable = new ArrayList<>();
        session.attributes().forEach((name, value) -> readable.add(name));
        assertThat(manager.resolve(s.id()).session().orElseThrow().attributes().keySet())
                .as("what could not be read was dropped from the backend")
                .containsExactlyInAnyOrderElementsOf(readable);
    }

    @Test
    void theHardPayloadLimitRefusesTheWriteAndKeepsTheSession() {
        SessionPolicy policy = SessionPolicy.builder()
                .payloadSoftLimit(100)
                .payloadHardLimit(200)
                .build();
        SessionManager manager = manager(policy);
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        Session saved = manager.save(
                        s.session(),
                        SessionUpdate.builder().put("a", "x".repeat(150)).build())
                .orElseThrow();
        assertThatThrownBy(() -> manager.save(
                        saved, SessionUpdate.builder().put("b", "y".repeat(100)).build()))
                .isInstanceOf(PayloadTooLargeException.class);
        assertThat(manager.resolve(s.id()).session().orElseThrow().attributes()).containsOnlyKeys("a");
    }

    @Test
    void aSaveAfterLogoutDoesNotResurrectTheSession() {
        SessionManager manager = manager();
        NewSession s = manager.login(null, "alice", ClientInfo.UNKNOWN);
        Session resolved = manager.resolve(s.id()).session().orElseThrow();
        assertThat(manager.logout(resolved)).isTrue();
        assertThat(manager.save(
                        resolved, SessionUpdate.builder().put("late", "write").build()))
                .isEmpty();
        assertThat(manager.resolve(s.id()).status()).isEqualTo(ResolutionStatus.UNKNOWN);
        assertThat(backendHolds(resolved.handle())).isFalse();
    }

    @Test
    void revokingTwiceIsHarmless() {
        SessionManager manager = manager();
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        assertThat(manager.revoke(s.session().handle(), RevocationReason.ADMIN)).isTrue();
        assertThat(manager.revoke(s.session().handle(), RevocationReason.ADMIN)).isFalse();
        assertThat(manager.resolve(s.id()).isFound()).isFalse();
    }

    @Test
    void aReadOnlyRequestWithinTheTouchIntervalWritesNothing() {
        CountingStore counting = new CountingStore(store);
        SessionManager manager = SessionManager.builder(counting).clock(clock).build();
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        int before = counting.calls();
        clock.advance(SessionPolicy.DEFAULT_TOUCH_INTERVAL.minusSeconds(1));
        Session resolved = manager.resolve(s.id()).session().orElseThrow();
        assertThat(manager.save(resolved, SessionUpdate.none())).contains(resolved);
        assertThat(counting.calls()).isEqualTo(before + 1);
        assertThat(counting.writes()).isEqualTo(1);
    }

    @Test
    void aDueTouchExtendsTheIdleDeadline() {
        SessionManager manager = manager();
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        Duration idle = SessionPolicy.DEFAULT_ANONYMOUS_IDLE_TIMEOUT;
        clock.advance(idle.minusMinutes(1));
        manager.save(manager.resolve(s.id()).session().orElseThrow(), SessionUpdate.none());
        clock.advance(idle.minusMinutes(1));
        assertThat(manager.resolve(s.id()).isFound()).isTrue();
    }

    /** Attribute values written by several concurrent managers (nodes) all survive. */
    @Test
    void concurrentRequestsThroughTheManagerKeepEveryAttribute() throws Exception {
        SessionManager manager = manager();
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        int requests = 20;
        AtomicInteger saved = new AtomicInteger();
        Races.run(requests, n -> {
            Session mine = manager.resolve(s.id()).session().orElseThrow();
            manager.save(mine, SessionUpdate.builder().put("attr" + n, n).build())
                    .ifPresent(x -> saved.incrementAndGet());
        });
        Map<String, Object> expected = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            expected.put("attr" + i, i);
        }
        assertThat(saved.get()).isEqualTo(requests);
        assertThat(manager.resolve(s.id()).session().orElseThrow().attributes()).isEqualTo(expected);
    }

    @Test
    void resolutionOfAStaleVersionIsRefused() {
        SessionManager manager = manager();
        NewSession s = manager.login(null, "alice", ClientInfo.UNKNOWN);
        long version = s.session().version();
        NewSession after = manager.privilegeChanged(s.session()).orElseThrow();
        Resolution stale = manager.lookup(after.session().handle(), version);
        assertThat(stale.status()).isEqualTo(ResolutionStatus.STALE_VERSION);
        assertThat(manager.lookup(after.session().handle(), version + 1).isFound())
                .isTrue();
        assertThat(manager.resolve(s.id()).isFound()).isFalse();
    }
}
