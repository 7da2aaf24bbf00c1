package dev.lanyard.session.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.SessionLimitExceededException;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.SessionSummary;
import dev.lanyard.session.spi.Admission;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UserIndexedStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The contract of stores that also implement {@link UserIndexedStore}: everything in
 * {@link SessionStoreContract}, plus the per-user index, limits under races, listing and
 * revoke-all.
 *
 * @since 0.1.0
 */
public abstract class UserIndexedStoreContract extends SessionStoreContract {

    private UserIndexedStore indexed() {
        assertThat(store)
                .as("the store under test must implement UserIndexedStore")
                .isInstanceOf(UserIndexedStore.class);
        return (UserIndexedStore) store;
    }

    private SessionRecord createdFor(String userId) {
        SessionRecord r = record(newHandle(), userId, Map.of("a", bytes("1")));
        assertThat(store.create(r, TTL)).isTrue();
        return r;
    }

    private static List<SessionHandle> handles(List<SessionRecord> records) {
        return records.stream().map(SessionRecord::handle).toList();
    }

    @Test
    void sessionsOfListsTheUsersSessionsOnly() {
        SessionRecord a1 = createdFor("alice");
        SessionRecord a2 = createdFor("alice");
        createdFor("bob");
        createdFor(null);
        assertThat(handles(indexed().sessionsOf("alice"))).containsExactlyInAnyOrder(a1.handle(), a2.handle());
        assertThat(indexed().sessionsOf("nobody")).isEmpty();
    }

    @Test
    void sessionsOfOmitsDeletedAndExpiredSessions() {
        SessionRecord kept = createdFor("alice");
        SessionRecord deleted = createdFor("alice");
        SessionRecord expiring = record(newHandle(), "alice", Map.of());
        store.create(expiring, shortTtl());
        store.delete(deleted.handle());
        awaitExpiry(expiring.handle(), shortTtl());
        assertThat(handles(indexed().sessionsOf("alice"))).containsExactly(kept.handle());
    }

    @Test
    void rotationMovesTheIndexEntry() {
        SessionRecord r = createdFor("alice");
        SessionHandle next = newHandle();
        store.rotate(
                r.handle(),
                Rotation.builder()
                        .newHandle(next)
                        .bumpVersion(true)
                        .lastAccessedAt(clock.instant())
                        .ttl(TTL)
                        .build());
        assertThat(handles(indexed().sessionsOf("alice"))).containsExactly(next);
    }

    @Test
    void rotationThatBindsAUserIndexesTheSession() {
        SessionRecord anonymous = record(newHandle(), null, Map.of());
        store.create(anonymous, TTL);
        SessionHandle next = newHandle();
        store.rotate(
                anonymous.handle(),
                Rotation.builder()
                        .newHandle(next)
                        .userId("alice")
                        .bumpVersion(true)
                        .authenticatedAt(clock.instant())
                        .lastAccessedAt(clock.instant())
                        .ttl(TTL)
                        .build());
        assertThat(handles(indexed().sessionsOf("alice"))).containsExactly(next);
    }

    @Test
    void revokeAllDeletesEverySessionOfTheUserAndNoOther() {
        SessionRecord a1 = createdFor("alice");
        SessionRecord a2 = createdFor("alice");
        SessionRecord b = createdFor("bob");
        assertThat(indexed().revokeAll("alice", TTL)).containsExactlyInAnyOrder(a1.handle(), a2.handle());
        assertThat(store.load(a1.handle())).isEmpty();
        assertThat(store.load(a2.handle())).isEmpty();
        assertThat(backendHolds(a1.handle())).isFalse();
        assertThat(store.load(b.handle())).isPresent();
        assertThat(indexed().sessionsOf("alice")).isEmpty();
    }

    @Test
    void revokeAllIsIdempotent() {
        createdFor("alice");
        assertThat(indexed().revokeAll("alice", TTL)).hasSize(1);
        assertThat(indexed().revokeAll("alice", TTL)).isEmpty();
        assertThat(indexed().revokeAll("nobody", TTL)).isEmpty();
    }

    @Test
    void aUsersVersionStartsAtZeroAndGrowsByOneWithEachRevokeAll() {
        createdFor("alice");
        assertThat(indexed().userVersion("alice")).isZero();
        indexed().revokeAll("alice", TTL);
        assertThat(indexed().userVersion("alice")).isEqualTo(1);
        indexed().revokeAll("alice", TTL);
        assertThat(indexed().userVersion("alice"))
                .as("a revokeAll that finds nothing still counts")
                .isEqualTo(2);
        assertThat(indexed().userVersion("bob")).isZero();
    }

    @Test
    void theUsersVersionIsKeptAtLeastForTheSessionLifetimeGiven() {
        indexed().revokeAll("alice", Duration.ofHours(2));
        clock.advance(Duration.ofMinutes(119));
        assertThat(indexed().userVersion("alice")).isEqualTo(1);
        SessionRecord stale = record(newHandle(), "alice", Map.of());
        assertThat(store.create(stale, TTL))
                .as("a stamp from before the revocation")
                .isFalse();
    }

    @Test
    void admissionReportsTheUsersCurrentVersion() {
        indexed().revokeAll("alice", TTL);
        indexed().revokeAll("alice", TTL);
        Admission admission = indexed().admit("alice", newHandle(), SessionLimit.unlimited(), TTL);
        assertThat(admission.userVersion()).isEqualTo(2);
        assertThat(indexed()
                        .admit("bob", newHandle(), SessionLimit.unlimited(), TTL)
                        .userVersion())
                .isZero();
    }

    @Test
    void aSessionStampedBeforeTheUsersLatestRevocationIsNeverWritten() {
        indexed().revokeAll("alice", TTL);
        SessionRecord stale = record(newHandle(), "alice", Map.of());
        assertThat(stale.userVersion()).isZero();
        assertThat(store.create(stale, TTL)).isFalse();
        assertThat(store.load(stale.handle())).isEmpty();
        assertThat(backendHolds(stale.handle())).isFalse();

        SessionRecord current = stamped(record(newHandle(), "alice", Map.of()), 1);
        assertThat(store.create(current, TTL)).isTrue();
        assertThat(store.load(current.handle()))
                .hasValueSatisfying(r -> assertThat(r.userVersion()).isEqualTo(1));
        assertThat(handles(indexed().sessionsOf("alice"))).containsExactly(current.handle());
    }

    @Test
    void aRotationThatBindsAUserWithAStaleVersionWritesNothing() {
        indexed().revokeAll("alice", TTL);
        SessionRecord anonymous = record(newHandle(), null, Map.of());
        store.create(anonymous, TTL);
        SessionHandle next = newHandle();
        assertThat(store.rotate(
                        anonymous.handle(),
                        Rotation.builder()
                                .newHandle(next)
                                .userId("alice")
                                .bumpVersion(true)
                                .authenticatedAt(clock.instant())
                                .lastAccessedAt(clock.instant())
                                .ttl(TTL)
                                .build()))
                .isEmpty();
        assertThat(store.load(next)).isEmpty();
        assertThat(backendHolds(next)).isFalse();
        assertThat(indexed().sessionsOf("alice")).isEmpty();
    }

    @Test
    void aRotationKeepsTheUserVersionStampUnlessItBindsAUser() {
        indexed().revokeAll("alice", TTL);
        SessionRecord r = stamped(record(newHandle(), "alice", Map.of()), 1);
        assertThat(store.create(r, TTL)).isTrue();
        SessionHandle next = newHandle();
        assertThat(store.rotate(
                        r.handle(),
                        Rotation.builder()
                                .newHandle(next)
                                .userVersion(7)
                                .bumpVersion(true)
                                .lastAccessedAt(clock.instant())
                                .ttl(TTL)
                                .build()))
                .hasValueSatisfying(n -> assertThat(n.userVersion()).isEqualTo(1));
        assertThat(store.load(next))
                .hasValueSatisfying(n -> assertThat(n.userVersion()).isEqualTo(1));
    }

    @Test
    void revokeAllDoesNotTouchSessionsStartedAfterIt() {
        SessionManager manager = manager();
        NewSession before = manager.login(null, "alice", ClientInfo.UNKNOWN);
        manager.revokeAll("alice");
        NewSession fresh = manager.login(null, "alice", ClientInfo.UNKNOWN);
        NewSession anonymous = manager.create(ClientInfo.UNKNOWN);
        NewSession upgraded = manager.login(anonymous.session(), "alice", ClientInfo.UNKNOWN);
        assertThat(manager.resolve(before.id()).isFound()).isFalse();
        assertThat(manager.resolve(fresh.id()).isFound()).isTrue();
        assertThat(manager.resolve(upgraded.id()).isFound()).isTrue();
        assertThat(upgraded.session().userVersion()).isEqualTo(1);
        assertThat(manager.sessionsOf("alice")).hasSize(2);
    }

    private static SessionRecord stamped(SessionRecord r, long userVersion) {
        return r.withUserVersion(userVersion);
    }

    /**
     * User IDs are the application's text: some look like Redis hash tags, some are long. Each must
     * be a user like any other (its own index, its own version, its own limit), and none may break
     * a multi-key operation (a Cluster answers CROSSSLOT when a user's keys land in two slots).
     */
    @Test
    void userIdsThatLookLikeHashTagsOrAreLongAreUsersLikeAnyOther() {
        String kilobyte = "\u20ac".repeat(341) + "a"; // 1,024 bytes of UTF-8
        List<String> users = List.of("}x", "{a}", "a}b", "{}", "a", "b", kilobyte);
        Map<String, List<SessionHandle>> held = new java.util.LinkedHashMap<>();
        for (String user : users) {
            List<SessionHandle> handles = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                SessionHandle h = newHandle();
                Admission admission = indexed().admit(user, h, SessionLimit.evictBeyond(5), TTL);
                assertThat(admission.admitted()).as(user).isTrue();
                assertThat(store.create(record(h, user, Map.of()), TTL))
                        .as(user)
                        .isTrue();
                handles.add(h);
            }
            held.put(user, handles);
        }
        for (String user : users) {
            assertThat(handles(indexed().sessionsOf(user)))
                    .as(user)
                    .containsExactlyInAnyOrderElementsOf(held.get(user));
        }
        for (String user : users) {
            assertThat(indexed().revokeAll(user, TTL)).as(user).containsExactlyInAnyOrderElementsOf(held.get(user));
            assertThat(indexed().userVersion(user)).as(user).isEqualTo(1);
            SessionHandle after = newHandle();
            Admission admission = indexed().admit(user, after, SessionLimit.evictBeyond(5), TTL);
            assertThat(admission.userVersion()).as(user).isEqualTo(1);
        }
        for (List<SessionHandle> handles : held.values()) {
            handles.forEach(h -> assertThat(store.load(h)).isEmpty());
        }
    }

    @Test
    void admitRefusesBeyondTheLimitUnderTheRefuseRule() {
        SessionLimit limit = SessionLimit.refuseBeyond(2);
        for (int i = 0; i < 2; i++) {
            SessionHandle h = newHandle();
            assertThat(indexed().admit("alice", h, limit, TTL).admitted()).isTrue();
            store.create(record(h, "alice", Map.of()), TTL);
        }
        Admission third = indexed().admit("alice", newHandle(), limit, TTL);
        assertThat(third.decision()).isEqualTo(Admission.Decision.REFUSED);
        assertThat(third.sessions()).isEqualTo(2);
        assertThat(indexed().sessionsOf("alice")).hasSize(2);
    }

    @Test
    void admitEvictsTheLeastRecentlyUsedSession() {
        SessionLimit limit = SessionLimit.evictBeyond(2);
        List<SessionHandle> handles = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            SessionHandle h = newHandle();
            indexed().admit("alice", h, limit, TTL);
            store.create(record(h, "alice", Map.of()), TTL);
            handles.add(h);
            clock.advance(Duration.ofSeconds(10));
        }
        // Use the first session, so the second becomes the least recently used.
        store.update(handles.get(0), delta(Map.of(), java.util.Set.of()));
        clock.advance(Duration.ofSeconds(10));
        SessionHandle third = newHandle();
        Admission admission = indexed().admit("alice", third, limit, TTL);
        assertThat(admission.admitted()).isTrue();
        assertThat(admission.evicted()).containsExactly(handles.get(1));
        assertThat(store.load(handles.get(1))).isEmpty();
        assertThat(backendHolds(handles.get(1))).isFalse();
        store.create(record(third, "alice", Map.of()), TTL);
        assertThat(handles(indexed().sessionsOf("alice"))).containsExactlyInAnyOrder(handles.get(0), third);
    }

    @Test
    void aHandleEvictedBeforeItsSessionWasWrittenCanNeverBeWritten() {
        SessionLimit limit = SessionLimit.evictBeyond(1);
        SessionHandle first = newHandle();
        indexed().admit("alice", first, limit, TTL);
        Admission second = indexed().admit("alice", newHandle(), limit, TTL);
        assertThat(second.evicted()).containsExactly(first);

        assertThat(store.create(record(first, "alice", Map.of()), TTL)).isFalse();
        assertThat(backendHolds(first)).isFalse();

        SessionRecord anonymous = record(newHandle(), null, Map.of());
        store.create(anonymous, TTL);
        assertThat(store.rotate(
                        anonymous.handle(),
                        Rotation.builder()
                                .newHandle(first)
                                .userId("alice")
                                .bumpVersion(true)
                                .authenticatedAt(clock.instant())
                                .lastAccessedAt(clock.instant())
                                .ttl(TTL)
                                .build()))
                .isEmpty();
        assertThat(backendHolds(first)).isFalse();
        assertThat(handles(indexed().sessionsOf("alice"))).doesNotContain(first);
    }

    @Test
    void deletedSessionsDoNotCountAgainstTheLimit() {
        SessionLimit limit = SessionLimit.refuseBeyond(1);
        SessionHandle first = newHandle();
        indexed().admit("alice", first, limit, TTL);
        store.create(record(first, "alice", Map.of()), TTL);
        store.delete(first);
        assertThat(indexed().admit("alice", newHandle(), limit, TTL).admitted()).isTrue();
    }

    @Test
    void parallelLoginsNeverLeaveMoreThanTheLimitWhenEvicting() throws Exception {
        SessionManager manager = manager(SessionPolicy.builder()
                .sessionLimit(SessionLimit.evictBeyond(5))
                .build());
        runParallelLogins(manager, 32);
        assertThat(manager.sessionsOf("alice")).hasSizeLessThanOrEqualTo(5).isNotEmpty();
    }

    @Test
    void parallelLoginsNeverLeaveMoreThanTheLimitWhenRefusing() throws Exception {
        SessionManager manager = manager(SessionPolicy.builder()
                .sessionLimit(SessionLimit.refuseBeyond(5))
                .build());
        int succeeded = runParallelLogins(manager, 32);
        assertThat(succeeded).isEqualTo(5);
        assertThat(manager.sessionsOf("alice")).hasSize(5);
    }

    private int runParallelLogins(SessionManager manager, int logins) throws Exception {
        AtomicInteger succeeded = new AtomicInteger();
        List<NewSession> sessions = java.util.Collections.synchronizedList(new ArrayList<>());
        Races.run(logins, thread -> {
            NewSession anonymous = manager.create(ClientInfo.UNKNOWN);
            try {
                sessions.add(manager.login(anonymous.session(), "alice", ClientInfo.UNKNOWN));
                succeeded.incrementAndGet();
            } catch (SessionLimitExceededException refused) {
                assertThat(refused.limit()).isEqualTo(5);
            }
        });
        long live =
                sessions.stream().filter(s -> manager.resolve(s.id()).isFound()).count();
        assertThat(live).as("sessions of alice that still resolve").isLessThanOrEqualTo(5);
        return succeeded.get();
    }

    @Test
    void theLoginLimitRefusesWithATypedException() {
        SessionManager manager = manager(SessionPolicy.builder()
                .sessionLimit(SessionLimit.refuseBeyond(1))
                .build());
        manager.login(null, "alice", ClientInfo.UNKNOWN);
        assertThatThrownBy(() -> manager.login(null, "alice", ClientInfo.UNKNOWN))
                .isInstanceOf(SessionLimitExceededException.class)
                .hasMessageNotContaining("alice");
    }

    @Test
    void managerRevokeAllEndsEverySessionOfTheUser() {
        SessionManager manager = manager();
        NewSession phone = manager.login(null, "alice", ClientInfo.of("Safari/17 iPhone", "198.51.100.1"));
        NewSession laptop = manager.login(null, "alice", ClientInfo.of("Firefox/128", "203.0.113.9"));
        NewSession bob = manager.login(null, "bob", ClientInfo.UNKNOWN);
        assertThat(manager.revokeAll("alice")).isEqualTo(2);
        assertThat(manager.resolve(phone.id()).isFound()).isFalse();
        assertThat(manager.resolve(laptop.id()).isFound()).isFalse();
        assertThat(manager.resolve(bob.id()).isFound()).isTrue();
    }

    @Test
    void managerListsDevicesMostRecentFirstAndRevokesOthers() {
        SessionManager manager = manager();
        NewSession phone = manager.login(null, "alice", ClientInfo.of("Safari/17 iPhone", "198.51.100.1"));
        clock.advance(Duration.ofMinutes(2));
        NewSession laptop = manager.login(null, "alice", ClientInfo.of("Firefox/128", "203.0.113.9"));
        List<SessionSummary> devices = manager.sessionsOf("alice");
        assertThat(devices)
                .extracting(SessionSummary::handle)
                .containsExactly(laptop.session().handle(), phone.session().handle());
        assertThat(devices.get(1).client().addressPrefix()).isEqualTo("198.51.100.0/24");
        assertThat(manager.revokeOthers(laptop.session())).isEqualTo(1);
        assertThat(manager.resolve(phone.id()).isFound()).isFalse();
        assertThat(manager.resolve(laptop.id()).isFound()).isTrue();
    }

    /**
     * "Sign out everywhere else" while another device's session rotates (a login, a privilege
     * change, a periodic renewal). The rotation is injected at the worst moment: as soon as the
     * first other session is revoked, the second one moves to a new handle. Whatever the order, no
     * session of the user but the kept one may survive.
     */
    @Test
    void revokeOthersLeavesNoSessionEvenWhenOneRotatesMeanwhile() {
        java.util.concurrent.atomic.AtomicReference<SessionHandle> rotatedTo =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicReference<List<SessionHandle>> others =
                new java.util.concurrent.atomic.AtomicReference<>();
        SessionManager manager = SessionManager.builder(store)
                .clock(clock)
                .nodeId("node-a")
                .listener(event -> {
                    if (event instanceof dev.lanyard.session.event.SessionEvent.Revoked revoked
                            && others.get() != null
                            && rotatedTo.get() == null) {
                        SessionHandle victim = others.get().stream()
                                .filter(h -> !h.equals(revoked.handle()))
                                .findFirst()
                                .orElseThrow();
                        SessionHandle next = newHandle();
                        rotatedTo.set(next);
                        store.rotate(
                                victim,
                                Rotation.builder()
                                        .newHandle(next)
                                        .bumpVersion(true)
                                        .lastAccessedAt(clock.instant())
                                        .ttl(TTL)
                                        .build());
                    }
                })
                .build();
        NewSession keep = manager.login(null, "alice", ClientInfo.UNKNOWN);
        NewSession phone = manager.login(null, "alice", ClientInfo.UNKNOWN);
        NewSession tablet = manager.login(null, "alice", ClientInfo.UNKNOWN);
        others.set(List.of(phone.session().handle(), tablet.session().handle()));

        manager.revokeOthers(keep.session());

        assertThat(rotatedTo.get()).as("the rotation was injected").isNotNull();
        assertThat(store.load(rotatedTo.get()))
                .as("the session that rotated meanwhile")
                .isEmpty();
        assertThat(manager.resolve(phone.id()).isFound()).isFalse();
        assertThat(manager.resolve(tablet.id()).isFound()).isFalse();
        assertThat(manager.resolve(keep.id()).isFound()).as("the kept session").isTrue();
        assertThat(manager.sessionsOf("alice"))
                .extracting(SessionSummary::handle)
                .containsExactly(keep.session().handle());
        NewSession later = manager.login(null, "alice", ClientInfo.UNKNOWN);
        assertThat(manager.resolve(later.id()).isFound()).as("a login after it").isTrue();
    }

    @Test
    void logoutRemovesTheIndexEntry() {
        SessionManager manager = manager();
        NewSession s = manager.login(null, "alice", ClientInfo.UNKNOWN);
        manager.logout(s.session());
        assertThat(manager.sessionsOf("alice")).isEmpty();
    }
}
