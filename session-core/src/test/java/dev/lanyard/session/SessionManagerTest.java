package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Every policy decision of the manager, driven by a hand-moved clock. */
class SessionManagerTest {

    private final TestClock clock = new TestClock();
    private final InMemorySessionStore store = InMemorySessionStore.create(clock);
    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    private SessionManager manager(SessionPolicy policy) {
        return manager(store, policy);
    }

    private SessionManager manager(SessionStore on, SessionPolicy policy) {
        return SessionManager.builder(on)
                .clock(clock)
                .policy(policy)
                .nodeId("node-a")
                .listener(events::add)
                .build();
    }

    private SessionManager manager() {
        return manager(SessionPolicy.defaults());
    }

    @Test
    void theDefaultPolicyKeepsAUsersSessionsToALimitEvictingTheLeastRecentlyUsed() {
        // One account logging in without end (a script, a leaked password): its index must stay bounded.
        SessionManager manager = manager();
        int limit = SessionPolicy.DEFAULT_SESSION_LIMIT.maxSessions();
        List<NewSession> logins = new java.util.ArrayList<>();
        for (int i = 0; i < 3 * limit; i++) {
            clock.advance(Duration.ofSeconds(1));
            logins.add(manager.login(null, "busy", ClientInfo.UNKNOWN));
        }

        assertThat(manager.sessionsOf("busy")).hasSize(limit);
        assertThat(manager.resolve(logins.get(0).id()).isFound())
                .as("the oldest")
                .isFalse();
        assertThat(manager.resolve(logins.get(logins.size() - 1).id()).isFound())
                .as("the newest")
                .isTrue();
        assertThat(eventsOf(SessionEvent.LimitReached.class)).hasSize(2 * limit);
    }

    @Test
    void theDefaultLimitDoesNotStopAStoreThatIndexesNoUsers() {
        SessionStore plain = withoutUserIndex();
        SessionManager manager = manager(plain, SessionPolicy.defaults());
        assertThat(manager.resolve(manager.login(null, "u", ClientInfo.UNKNOWN).id())
                        .isFound())
                .isTrue();
    }

    @Test
    void aLimitGivenAtLoginIsEnforcedInsteadOfThePolicys() {
        SessionManager manager = manager();
        SessionLimit three = SessionLimit.refuseBeyond(3);
        for (int i = 0; i < 3; i++) {
            manager.login(null, "dsl", ClientInfo.UNKNOWN, three);
        }

        assertThatThrownBy(() -> manager.login(null, "dsl", ClientInfo.UNKNOWN, three))
                .isInstanceOf(SessionLimitExceededException.class);
        assertThat(manager.sessionsOf("dsl")).hasSize(3);
        // The policy's own limit (10, evicting) still governs logins without one.
        manager.login(null, "dsl", ClientInfo.UNKNOWN);
        assertThat(manager.sessionsOf("dsl")).hasSize(4);
    }

    @Test
    void aLimitGivenAtLoginNeedsAStoreThatIndexesUsers() {
        SessionStore plain = withoutUserIndex();
        SessionManager manager = manager(plain, SessionPolicy.defaults());

        assertThatThrownBy(() -> manager.login(null, "u", ClientInfo.UNKNOWN, SessionLimit.refuseBeyond(3)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("UserIndexedStore");
    }

    /** The memory store behind the plain SPI only: no user index. */
    private SessionStore withoutUserIndex() {
        return new dev.lanyard.session.spi.SessionStore() {
            @Override
            public java.util.Optional<dev.lanyard.session.spi.SessionRecord> load(SessionHandle h) {
                return store.load(h);
            }

            @Override
            public boolean create(dev.lanyard.session.spi.SessionRecord r, Duration ttl) {
                return store.create(r, ttl);
            }

            @Override
            public dev.lanyard.session.spi.UpdateResult update(SessionHandle h, SessionDelta d) {
                return store.update(h, d);
            }

            @Override
            public java.util.Optional<dev.lanyard.session.spi.SessionRecord> rotate(
                    SessionHandle h, dev.lanyard.session.spi.Rotation r) {
                return store.rotate(h, r);
            }

            @Override
            public boolean delete(SessionHandle h) {
                return store.delete(h);
            }
        };
    }

    private <T extends SessionEvent> List<T> eventsOf(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** A store frozen in time: it keeps everything, so only the manager's clock decides expiry. */
    private static InMemorySessionStore frozenStore() {
        return InMemorySessionStore.create(Clock.fixed(Instant.parse("2026-01-01T09:00:00Z"), ZoneOffset.UTC));
    }

    @Test
    void aNewSessionIsAnonymousWithTheAnonymousIdleTimeout() {
        NewSession s = manager().create(ClientInfo.of("curl/8.5", "192.0.2.1"));
        assertThat(s.session().isAuthenticated()).isFalse();
        assertThat(s.session().idleTimeout()).isEqualTo(SessionPolicy.DEFAULT_ANONYMOUS_IDLE_TIMEOUT);
        assertThat(s.session().absoluteExpiry())
                .isEqualTo(clock.instant().plus(SessionPolicy.DEFAULT_ABSOLUTE_TIMEOUT));
        assertThat(s.session().handle()).isEqualTo(s.id().handle());
        assertThat(eventsOf(SessionEvent.Created.class)).hasSize(1);
    }

    @Test
    void aSessionThatTimesOutIsReportedWithItsDecodedAttributesAndAnExpiredEvent() {
        SessionManager manager = manager();
        List<Session> timedOut = new CopyOnWriteArrayList<>();
        assertThat(manager.reportsTimeouts()).isTrue();
        try (var subscription = manager.onTimeout(timedOut::add)) {
            NewSession s = manager.create(ClientInfo.UNKNOWN);
            manager.save(
                    s.session(),
                    SessionUpdate.builder()
                            .put("cart", "3 apples")
                            .put("visits", 3)
                            .build());
            NewSession kept = manager.create(ClientInfo.UNKNOWN);
            clock.advance(SessionPolicy.DEFAULT_ANONYMOUS_IDLE_TIMEOUT.minusMinutes(1));
            manager.save(
                    manager.resolve(kept.id()).session().orElseThrow(),
                    SessionUpdate.builder().put("a", 1).build());
            clock.advance(Duration.ofMinutes(2));
            store.purgeExpired();

            assertThat(timedOut).singleElement().satisfies(ended -> {
                assertThat(ended.handle()).isEqualTo(s.session().handle());
                assertThat(ended.attributes()).containsEntry("cart", "3 apples").containsEntry("visits", 3);
            });
            assertThat(eventsOf(SessionEvent.Expired.class)).singleElement().satisfies(e -> {
                assertThat(e.handle()).isEqualTo(s.session().handle());
                assertThat(e.reason()).isEqualTo(ExpiryReason.IDLE);
            });
        }
    }

    @Test
    void aSessionTheManagerFindsExpiredIsReportedOnceOnTheResolvingThread() {
        InMemorySessionStore frozen = frozenStore();
        SessionManager manager = manager(frozen, SessionPolicy.defaults());
        List<Session> timedOut = new CopyOnWriteArrayList<>();
        try (var subscription = manager.onTimeout(timedOut::add)) {
            NewSession s = manager.create(ClientInfo.UNKNOWN);
            clock.advance(SessionPolicy.DEFAULT_ANONYMOUS_IDLE_TIMEOUT);

            assertThat(manager.resolve(s.id()).status()).isEqualTo(ResolutionStatus.EXPIRED_IDLE);
            assertThat(manager.resolve(s.id()).status()).isEqualTo(ResolutionStatus.UNKNOWN);
            frozen.purgeExpired();

            assertThat(timedOut)
                    .extracting(Session::handle)
                    .containsExactly(s.session().handle());
        }
    }

    @Test
    void aClosedTimeoutSubscriptionHearsNothingAndLoggedOutSessionsAreNeverReported() {
        SessionManager manager = manager();
        List<Session> heard = new CopyOnWriteArrayList<>();
        List<Session> closed = new CopyOnWriteArrayList<>();
        try (var subscription = manager.onTimeout(heard::add)) {
            manager.onTimeout(closed::add).close();
            NewSession loggedOut = manager.create(ClientInfo.UNKNOWN);
            manager.logout(loggedOut.session());
            NewSession idle = manager.create(ClientInfo.UNKNOWN);
            clock.advance(SessionPolicy.DEFAULT_ANONYMOUS_IDLE_TIMEOUT);
            store.purgeExpired();
            assertThat(heard)
                    .extracting(Session::handle)
                    .containsExactly(idle.session().handle());
            assertThat(closed).isEmpty();
        }
    }

    @Test
    void aStoreThatDoesNotReportTimeoutsIsRefusedClearly() {
        SessionStore plain = new SessionStore() {
            @Override
            public java.util.Optional<dev.lanyard.session.spi.SessionRecord> load(SessionHandle handle) {
                return store.load(handle);
            }

            @Override
            public boolean create(dev.lanyard.session.spi.SessionRecord record, Duration ttl) {
                return store.create(record, ttl);
            }

            @Override
            public dev.lanyard.session.spi.UpdateResult update(SessionHandle handle, SessionDelta delta) {
                return store.update(handle, delta);
            }

            @Override
            public java.util.Optional<dev.lanyard.session.spi.SessionRecord> rotate(
                    SessionHandle from, dev.lanyard.session.spi.Rotation rotation) {
                return store.rotate(from, rotation);
            }

            @Override
            public boolean delete(SessionHandle handle) {
                return store.delete(handle);
            }
        };
        SessionManager manager = manager(plain, SessionPolicy.defaults());
        assertThat(manager.reportsTimeouts()).isFalse();
        assertThatThrownBy(() -> manager.onTimeout(s -> {}))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("does not report sessions that time out");
    }

    @Test
    void theManagerExpiresAnIdleSessionEvenWhenTheStoreStillHoldsIt() {
        InMemorySessionStore frozen = frozenStore();
        SessionManager manager = manager(frozen, SessionPolicy.defaults());
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        clock.advance(SessionPolicy.DEFAULT_ANONYMOUS_IDLE_TIMEOUT.minusMillis(1));
        assertThat(manager.resolve(s.id()).isFound()).isTrue();
        clock.advance(Duration.ofMillis(1));
        assertThat(manager.resolve(s.id()).status()).isEqualTo(ResolutionStatus.EXPIRED_IDLE);
        assertThat(eventsOf(SessionEvent.Expired.class))
                .extracting(SessionEvent.Expired::reason)
                .containsExactly(ExpiryReason.IDLE);
        assertThat(frozen.load(s.session().handle()))
                .as("the expired session is removed")
                .isEmpty();
    }

    @Test
    void theManagerExpiresASessionAtItsAbsoluteLifetime() {
        InMemorySessionStore frozen = frozenStore();
        SessionPolicy policy =
                SessionPolicy.builder().absoluteTimeout(Duration.ofHours(1)).build();
        SessionManager manager = manager(frozen, policy);
        NewSession s = manager.login(null, "alice", ClientInfo.UNKNOWN);
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMinutes(10));
            manager.save(manager.resolve(s.id()).session().orElseThrow(), SessionUpdate.none());
        }
        clock.advance(Duration.ofMinutes(10));
        assertThat(manager.resolve(s.id()).status()).isEqualTo(ResolutionStatus.EXPIRED_ABSOLUTE);
        assertThat(eventsOf(SessionEvent.Expired.class))
                .extracting(SessionEvent.Expired::reason)
                .containsExactly(ExpiryReason.ABSOLUTE);
    }

    @Test
    void loginRotatesTheIdSoThePreLoginIdIsDead() {
        SessionManager manager = manager();
        NewSession before = manager.create(ClientInfo.UNKNOWN);
        NewSession after = manager.login(before.session(), "alice", ClientInfo.UNKNOWN);
        assertThat(after.id()).isNotEqualTo(before.id());
        assertThat(manager.resolve(before.id().value()).status()).isEqualTo(ResolutionStatus.UNKNOWN);
        assertThat(eventsOf(SessionEvent.Rotated.class)).singleElement().satisfies(r -> {
            assertThat(r.cause()).isEqualTo(RotationCause.LOGIN);
            assertThat(r.oldHandle()).isEqualTo(before.session().handle());
            assertThat(r.newHandle()).isEqualTo(after.session().handle());
        });
        assertThat(eventsOf(SessionEvent.LoggedIn.class))
                .singleElement()
                .satisfies(e -> assertThat(e.userSessions()).isEqualTo(1));
    }

    @Test
    void loginBindsTheUserSetsAuthTimeBumpsTheVersionAndRestartsTheLifetimes() {
        SessionManager manager = manager();
        NewSession before = manager.create(ClientInfo.UNKNOWN);
        clock.advance(Duration.ofMinutes(5));
        Session after =
                manager.login(before.session(), "alice", ClientInfo.UNKNOWN).session();
        assertThat(after.userId()).contains("alice");
        assertThat(after.authenticatedAt()).contains(clock.instant());
        assertThat(after.version()).isEqualTo(before.session().version() + 1);
        assertThat(after.idleTimeout()).isEqualTo(SessionPolicy.DEFAULT_IDLE_TIMEOUT);
        assertThat(after.absoluteExpiry()).isEqualTo(clock.instant().plus(SessionPolicy.DEFAULT_ABSOLUTE_TIMEOUT));
        assertThat(after.createdAt()).isEqualTo(before.session().createdAt());
    }

    @Test
    void loggingInAsAnotherUserDoesNotInheritTheFirstUsersSession() {
        SessionManager manager = manager();
        NewSession alice = manager.login(null, "alice", ClientInfo.UNKNOWN);
        Session withSecret = manager.save(
                        alice.session(),
                        SessionUpdate.builder().put("secret", "alice's").build())
                .orElseThrow();
        NewSession mallory = manager.login(withSecret, "mallory", ClientInfo.UNKNOWN);
        assertThat(mallory.session().attributes()).isEmpty();
        assertThat(manager.resolve(alice.id()).isFound()).isFalse();
    }

    @Test
    void changeIdKeepsTheVersionAndPrivilegeChangeBumpsIt() {
        SessionManager manager = manager();
        NewSession s = manager.login(null, "alice", ClientInfo.UNKNOWN);
        NewSession moved = manager.changeId(s.session()).orElseThrow();
        assertThat(moved.session().version()).isEqualTo(s.session().version());
        NewSession promoted = manager.privilegeChanged(moved.session()).orElseThrow();
        assertThat(promoted.session().version()).isEqualTo(s.session().version() + 1);
        assertThat(manager.resolve(s.id()).isFound()).isFalse();
        assertThat(manager.resolve(moved.id()).isFound()).isFalse();
        assertThat(manager.resolve(promoted.id()).isFound()).isTrue();
        assertThat(eventsOf(SessionEvent.Rotated.class))
                .extracting(SessionEvent.Rotated::cause)
                .containsExactly(RotationCause.REQUESTED, RotationCause.PRIVILEGE_CHANGE);
    }

    @Test
    void reauthenticationRenewsTheAuthenticationTimeForStepUp() {
        SessionManager manager = manager();
        NewSession s = manager.login(null, "alice", ClientInfo.UNKNOWN);
        clock.advance(Duration.ofMinutes(20));
        assertThat(s.session().authenticatedWithin(Duration.ofMinutes(5), clock.instant()))
                .isFalse();
        NewSession stepped = manager.reauthenticated(s.session()).orElseThrow();
        assertThat(stepped.session().authenticatedWithin(Duration.ofMinutes(5), clock.instant()))
                .isTrue();
        assertThat(stepped.session().version()).isEqualTo(s.session().version() + 1);
        NewSession anonymous = manager.create(ClientInfo.UNKNOWN);
        assertThatThrownBy(() -> manager.reauthenticated(anonymous.session()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aReadWithinTheTouchIntervalWritesNothingAndADueTouchWrites() {
        SessionManager manager = manager();
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        clock.advance(Duration.ofSeconds(59));
        Session early = manager.resolve(s.id()).session().orElseThrow();
        assertThat(manager.touchDue(early)).isFalse();
        assertThat(manager.save(early, SessionUpdate.none())).containsSame(early);
        assertThat(eventsOf(SessionEvent.Saved.class)).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        Session due = manager.resolve(s.id()).session().orElseThrow();
        assertThat(manager.touchDue(due)).isTrue();
        Session touched = manager.save(due, SessionUpdate.none()).orElseThrow();
        assertThat(touched.lastAccessedAt()).isEqualTo(clock.instant());
        assertThat(eventsOf(SessionEvent.Saved.class))
                .singleElement()
                .satisfies(e -> assertThat(e.kind()).isEqualTo(SessionEvent.SaveKind.TOUCH));
        assertThat(store.load(s.session().handle()).orElseThrow().lastAccessedAt())
                .isEqualTo(clock.instant());
    }

    @Test
    void reSavingAnUnchangedValueWritesNothing() {
        SessionManager manager = manager();
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        Session saved = manager.save(
                        s.session(),
                        SessionUpdate.builder()
                                .put("cart", java.util.List.of("apple"))
                                .build())
                .orElseThrow();
        events.clear();
        assertThat(manager.save(
                        saved,
                        SessionUpdate.builder()
                                .put("cart", java.util.List.of("apple"))
                                .build()))
                .containsSame(saved);
        assertThat(eventsOf(SessionEvent.Saved.class)).isEmpty();
        manager.save(
                saved,
                SessionUpdate.builder()
                        .put("cart", java.util.List.of("apple", "pear"))
                        .build());
        assertThat(eventsOf(SessionEvent.Saved.class))
                .singleElement()
                .satisfies(e -> assertThat(e.changedAttributes()).isEqualTo(1));
    }

    @Test
    void expiringBecauseOfAnOutsidePolicyReportsExpiryNotLogout() {
        SessionManager manager = manager();
        NewSession s = manager.login(null, "alice", ClientInfo.UNKNOWN);
        events.clear();
        assertThat(manager.expire(s.session(), ExpiryReason.IDLE)).isTrue();
        assertThat(manager.resolve(s.id()).isFound()).isFalse();
        assertThat(eventsOf(SessionEvent.Expired.class))
                .extracting(SessionEvent.Expired::reason)
                .containsExactly(ExpiryReason.IDLE);
        assertThat(eventsOf(SessionEvent.LoggedOut.class)).isEmpty();
        assertThat(eventsOf(SessionEvent.Revoked.class)).isEmpty();
    }

    @Test
    void anUpdateCanShortenTheIdleTimeoutOfOneSession() {
        SessionManager manager = manager();
        NewSession s = manager.login(null, "alice", ClientInfo.UNKNOWN);
        manager.save(
                s.session(),
                SessionUpdate.builder().idleTimeout(Duration.ofMinutes(2)).build());
        clock.advance(Duration.ofMinutes(2));
        assertThat(manager.resolve(s.id()).isFound()).isFalse();
    }

    @Test
    void crossingTheSoftPayloadLimitRaisesAnEventAndTheHardLimitRefuses() {
        SessionManager manager = manager(SessionPolicy.builder()
                .payloadSoftLimit(50)
                .payloadHardLimit(100)
                .build());
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        Session saved = manager.save(
                        s.session(),
                        SessionUpdate.builder().put("a", "x".repeat(60)).build())
                .orElseThrow();
        assertThat(eventsOf(SessionEvent.PayloadOverSoftLimit.class))
                .singleElement()
                .satisfies(e -> assertThat(e.bytes()).isEqualTo(1 + 61));
        assertThatThrownBy(() -> manager.save(
                        saved, SessionUpdate.builder().put("b", "y".repeat(200)).build()))
                .isInstanceOf(PayloadTooLargeException.class)
                .satisfies(
                        e -> assertThat(((PayloadTooLargeException) e).limit()).isEqualTo(100));
    }

    @Test
    void anUnreadableAttributeIsDroppedAloneAndReportedWhenRead() {
        SessionManager manager = manager();
        NewSession s = manager.login(null, "alice", ClientInfo.UNKNOWN);
        manager.save(s.session(), SessionUpdate.builder().put("visits", 3).build());
        store.update(
                s.session().handle(),
                new SessionDelta(
                        Map.of("cart", new byte[] {16, 0, 0}),
                        Set.of(),
                        clock.instant(),
                        null,
                        null,
                        Duration.ofMinutes(5),
                        Long.MAX_VALUE));

        Resolution resolved = manager.resolve(s.id());
        assertThat(resolved.status()).isEqualTo(ResolutionStatus.FOUND);
        assertThat(eventsOf(SessionEvent.AttributeUnreadable.class))
                .as("nothing is decoded before it is read")
                .isEmpty();
        Session session = resolved.session().orElseThrow();
        assertThat(session.attribute("cart")).isEmpty();
        assertThat(session.attribute("visits")).hasValue(3);
        assertThat(session.userId()).hasValue("alice");
        assertThat(eventsOf(SessionEvent.AttributeUnreadable.class))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.handle()).isEqualTo(s.session().handle());
                    assertThat(e.attribute()).isEqualTo("cart");
                });
        assertThat(eventsOf(SessionEvent.Unreadable.class)).isEmpty();
        assertThat(store.load(s.session().handle()).orElseThrow().attributes()).containsOnlyKeys("visits");
    }

    @Test
    void aStaleVersionIsRefusedForCheckedDecisions() {
        SessionManager manager = manager();
        NewSession s = manager.login(null, "alice", ClientInfo.UNKNOWN);
        NewSession promoted = manager.privilegeChanged(s.session()).orElseThrow();
        SessionHandle handle = promoted.session().handle();
        assertThat(manager.lookup(handle, s.session().version()).status()).isEqualTo(ResolutionStatus.STALE_VERSION);
        assertThat(eventsOf(SessionEvent.Expired.class))
                .extracting(SessionEvent.Expired::reason)
                .containsExactly(ExpiryReason.VERSION);
        assertThat(manager.lookup(handle, promoted.session().version()).isFound())
                .isTrue();
    }

    @Test
    void evictionAtTheLimitIsReportedPerSession() {
        SessionManager manager = manager(SessionPolicy.builder()
                .sessionLimit(SessionLimit.evictBeyond(2))
                .build());
        NewSession oldest = manager.login(null, "alice", ClientInfo.UNKNOWN);
        clock.advance(Duration.ofSeconds(1));
        manager.login(null, "alice", ClientInfo.UNKNOWN);
        clock.advance(Duration.ofSeconds(1));
        manager.login(null, "alice", ClientInfo.UNKNOWN);
        assertThat(manager.resolve(oldest.id()).isFound()).isFalse();
        assertThat(eventsOf(SessionEvent.Revoked.class)).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(RevocationReason.LIMIT_OVERFLOW);
            assertThat(e.handle()).isEqualTo(oldest.session().handle());
        });
        assertThat(eventsOf(SessionEvent.LimitReached.class))
                .singleElement()
                .satisfies(e -> assertThat(e.evicted()).isEqualTo(1));
    }

    @Test
    void aLimitNeedsAStoreThatIndexesUsers() {
        SessionStore plain = new SessionStore() {
            @Override
            public java.util.Optional<dev.lanyard.session.spi.SessionRecord> load(SessionHandle h) {
                return java.util.Optional.empty();
            }

            @Override
            public boolean create(dev.lanyard.session.spi.SessionRecord r, Duration ttl) {
                return true;
            }

            @Override
            public dev.lanyard.session.spi.UpdateResult update(SessionHandle h, SessionDelta d) {
                return dev.lanyard.session.spi.UpdateResult.notFound();
            }

            @Override
            public java.util.Optional<dev.lanyard.session.spi.SessionRecord> rotate(
                    SessionHandle f, dev.lanyard.session.spi.Rotation r) {
                return java.util.Optional.empty();
            }

            @Override
            public boolean delete(SessionHandle h) {
                return false;
            }
        };
        assertThatThrownBy(() -> SessionManager.builder(plain)
                        .policy(SessionPolicy.builder()
                                .sessionLimit(SessionLimit.refuseBeyond(3))
                                .build())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("sessionLimit (3) needs a store that implements UserIndexedStore");
        SessionManager unlimited = SessionManager.builder(plain).build();
        assertThatThrownBy(() -> unlimited.sessionsOf("alice")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aListenerThatThrowsNeverBreaksTheCaller() {
        SessionManager manager = SessionManager.builder(store)
                .clock(clock)
                .listener(e -> {
                    throw new IllegalStateException("listener bug");
                })
                .listener(events::add)
                .build();
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        assertThat(manager.resolve(s.id()).isFound()).isTrue();
        assertThat(manager.login(s.session(), "alice", ClientInfo.UNKNOWN)
                        .session()
                        .isAuthenticated())
                .isTrue();
        assertThat(eventsOf(SessionEvent.LoggedIn.class))
                .as("later listeners still hear events")
                .hasSize(1);
    }

    @Test
    void storeCallsAreTimedForObservers() {
        SessionManager manager = manager();
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        manager.resolve(s.id());
        assertThat(eventsOf(SessionEvent.StoreCall.class))
                .extracting(SessionEvent.StoreCall::operation)
                .containsExactly(SessionEvent.StoreOperation.CREATE, SessionEvent.StoreOperation.LOAD);
        assertThat(eventsOf(SessionEvent.StoreCall.class))
                .allSatisfy(c -> assertThat(c.outcome()).isEqualTo(SessionEvent.Outcome.SUCCESS));
    }

    @Test
    void aSaveOnAnotherNodeIsReportedAsAnAffinityRebind() {
        NewSession s = manager().create(ClientInfo.UNKNOWN);
        SessionManager nodeB = SessionManager.builder(store)
                .clock(clock)
                .nodeId("node-b")
                .listener(events::add)
                .build();
        Session onB = nodeB.resolve(s.id()).session().orElseThrow();
        nodeB.save(onB, SessionUpdate.builder().put("x", 1).build());
        assertThat(eventsOf(SessionEvent.AffinityRebind.class)).singleElement().satisfies(e -> {
            assertThat(e.fromNode()).isEqualTo("node-a");
            assertThat(e.toNode()).isEqualTo("node-b");
        });
        assertThat(store.load(s.session().handle()).orElseThrow().lastNode()).isEqualTo("node-b");
    }

    @Test
    void badUserIdsAreRefused() {
        SessionManager manager = manager();
        assertThatThrownBy(() -> manager.login(null, "", ClientInfo.UNKNOWN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> manager.login(null, "a".repeat(257), ClientInfo.UNKNOWN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> manager.login(null, "alice\nINFO forged line", ClientInfo.UNKNOWN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theValueStoreIsTheSessionStoreItself() {
        assertThat(manager().values()).containsSame(store);
    }

    @Test
    void logoutRemovesTheRecordAndReportsIt() {
        SessionManager manager = manager();
        NewSession s = manager.login(null, "alice", ClientInfo.UNKNOWN);
        assertThat(manager.logout(s.session())).isTrue();
        assertThat(store.load(s.session().handle())).isEmpty();
        assertThat(eventsOf(SessionEvent.Revoked.class))
                .extracting(SessionEvent.Revoked::reason)
                .containsExactly(RevocationReason.LOGOUT);
        assertThat(eventsOf(SessionEvent.LoggedOut.class)).hasSize(1);
    }
}
