package dev.lanyard.session.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.UpdateResult;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The half of {@link SessionStoreContract} that calls the store's SPI directly: create and load,
 * deltas, rotation, deletion and time to live, plus the hooks and helpers every store contract
 * shares. Adapters extend {@link SessionStoreContract}, which adds the tests that go through a
 * {@link SessionManager}; extending this class alone runs only the SPI tests.
 *
 * <p>Each test gets a fresh {@link MutableClock} starting at the real current time and a store
 * from {@link #createStore(MutableClock)}. Stores that keep time themselves (Redis) may ignore the
 * clock; they then override {@link #awaitExpiry(SessionHandle, Duration)} to wait, with a
 * deadline, for the backend's own TTL.
 *
 * @since 0.1.0
 */
public abstract class StoreOperationsContract {

    /** The default time to live used by records the tests write. */
    protected static final Duration TTL = Duration.ofMinutes(30);

    static final SecureRandom RANDOM = new SecureRandom();

    /** The clock the test controls; shared by the store (where it follows one) and the manager. */
    protected MutableClock clock;

    /** The store under test, fresh for each test. */
    protected SessionStore store;

    /**
     * Creates the store under test. Handles the tests use are random, but user IDs are fixed
     * ({@code alice}, {@code bob}): a store on a shared backend must isolate each test, for example
     * with a fresh key prefix per store. It should follow {@code clock} where it can.
     *
     * @param clock the test's clock
     * @return a new store
     */
    protected abstract SessionStore createStore(MutableClock clock);

    /**
     * Reads the backend directly, bypassing the store's logic: does it hold anything for this
     * session's key?
     *
     * @param handle a session's handle
     * @return {@code true} if the backend holds an entry for it
     */
    protected abstract boolean backendHolds(SessionHandle handle);

    /**
     * Reads the remaining time to live of the backend's entry for a session that exists.
     *
     * @param handle a session's handle
     * @return the remaining TTL, or empty if the entry has none (which fails the contract)
     */
    protected abstract Optional<Duration> backendTtl(SessionHandle handle);

    /**
     * Damages a stored session directly in the backend so that it can no longer be read: its
     * record, or at least one attribute's bytes.
     *
     * @param handle the session to damage
     */
    protected abstract void corrupt(SessionHandle handle);

    /**
     * Makes time pass until a session written with {@code ttl} has expired in the backend. The
     * default advances {@link #clock}; stores on real time wait for the entry to disappear, with a
     * deadline.
     *
     * @param handle the session
     * @param ttl the TTL it was written with
     */
    protected void awaitExpiry(SessionHandle handle, Duration ttl) {
        clock.advance(ttl.plusMillis(1));
    }

    /**
     * The TTL {@link #ttlExpiryRemovesTheSession()} writes. Stores on real time keep the default
     * short; stores on the test clock may use any.
     *
     * @return the TTL
     */
    protected Duration shortTtl() {
        return Duration.ofMillis(1500);
    }

    @BeforeEach
    void openStore() {
        clock = MutableClock.startingNow();
        store = createStore(clock);
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    // ------------------------------------------------------------------ helpers for subclasses

    /** @return a handle no one has used */
    protected static SessionHandle newHandle() {
        return SessionId.generate(RANDOM).handle();
    }

    /**
     * @param handle the handle
     * @param userId the user, or {@code null}
     * @param attributes encoded attributes
     * @return a record created now by the test clock
     */
    protected SessionRecord record(SessionHandle handle, String userId, Map<String, byte[]> attributes) {
        Instant now = clock.instant();
        return SessionRecord.builder()
                .handle(handle)
                .userId(userId)
                .createdAt(now)
                .lastAccessedAt(now)
                .idleTimeout(Duration.ofMinutes(30))
                .absoluteExpiry(now.plus(Duration.ofHours(12)))
                .authenticatedAt(userId == null ? null : now)
                .lastNode("node-a")
                .client(ClientInfo.of("Firefox/128", "192.0.2.7"))
                .attributes(attributes)
                .build();
    }

    /**
     * @param text text
     * @return its UTF-8 bytes
     */
    protected static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** @return a delta that puts and removes the given attributes, touching now */
    protected SessionDelta delta(Map<String, byte[]> puts, Set<String> removals) {
        return new SessionDelta(puts, removals, clock.instant(), null, "node-a", TTL, Long.MAX_VALUE);
    }

    /**
     * @param policy the policy
     * @return a manager over the store under test, on the test clock
     */
    protected SessionManager manager(SessionPolicy policy) {
        return SessionManager.builder(store)
                .clock(clock)
                .policy(policy)
                .nodeId("node-a")
                .build();
    }

    /** @return a manager with the default policy */
    protected SessionManager manager() {
        return manager(SessionPolicy.defaults());
    }

    SessionRecord created(String userId, Map<String, byte[]> attributes) {
        SessionRecord r = record(newHandle(), userId, attributes);
        assertThat(store.create(r, TTL)).isTrue();
        return r;
    }

    // ------------------------------------------------------------------ create and load

    @Test
    void loadOfUnknownHandleIsEmpty() {
        assertThat(store.load(newHandle())).isEmpty();
    }

    @Test
    void createdRecordLoadsEqual() {
        SessionRecord r = created(null, Map.of("cart", bytes("3 apples")));
        assertThat(store.load(r.handle())).contains(r);
    }

    @Test
    void everyFieldRoundTrips() {
        byte[] allBytes = new byte[256];
        for (int i = 0; i < 256; i++) {
            allBytes[i] = (byte) i;
        }
        Instant now = clock.instant();
        SessionRecord r = SessionRecord.builder()
                .handle(newHandle())
                .userId("üser@example.com")
                .version(7)
                .userVersion(4)
                .createdAt(now.minusSeconds(60))
                .lastAccessedAt(now)
                .idleTimeout(Duration.ofMinutes(17))
                .absoluteExpiry(now.plus(Duration.ofHours(3)))
                .authenticatedAt(now.minusSeconds(5))
                .lastNode("node-ß")
                .client(ClientInfo.of("Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0", "2001:db8:1:2::7"))
                .attributes(Map.of("binary", allBytes, "ünïcødé name", bytes("välue"), "empty", new byte[0]))
                .build();
        assertThat(store.create(r, TTL)).isTrue();
        assertThat(store.load(r.handle())).contains(r);
    }

    @Test
    void createRefusesATakenHandle() {
        SessionRecord first = created(null, Map.of("a", bytes("1")));
        SessionRecord second = record(first.handle(), "mallory", Map.of("b", bytes("2")));
        assertThat(store.create(second, TTL)).isFalse();
        assertThat(store.load(first.handle())).contains(first);
    }

    @Test
    void createSetsATtl() {
        SessionRecord r = created(null, Map.of());
        assertThat(backendTtl(r.handle()))
                .hasValueSatisfying(ttl -> assertThat(ttl).isPositive().isLessThanOrEqualTo(TTL));
    }

    // ------------------------------------------------------------------ deltas

    @Test
    void updateChangesOnlyTheNamedAttributes() {
        SessionRecord r = created(null, Map.of("keep", bytes("k"), "change", bytes("old"), "drop", bytes("d")));
        UpdateResult result =
                store.update(r.handle(), delta(Map.of("change", bytes("new"), "add", bytes("a")), Set.of("drop")));
        assertThat(result.status()).isEqualTo(UpdateResult.Status.APPLIED);
        Map<String, byte[]> attributes = store.load(r.handle()).orElseThrow().attributes();
        assertThat(attributes).containsOnlyKeys("keep", "change", "add");
        assertThat(new String(attributes.get("change"), StandardCharsets.UTF_8)).isEqualTo("new");
        assertThat(new String(attributes.get("keep"), StandardCharsets.UTF_8)).isEqualTo("k");
    }

    @Test
    void updateReportsTheAttributeSizeAfterwards() {
        SessionRecord r = created(null, Map.of("ab", bytes("1234")));
        UpdateResult result = store.update(r.handle(), delta(Map.of("c", bytes("12")), Set.of()));
        assertThat(result.attributeBytes()).isEqualTo(2 + 4 + 1 + 2);
    }

    @Test
    void updateOfAnUnknownSessionCreatesNothing() {
        SessionHandle unknown = newHandle();
        UpdateResult result = store.update(unknown, delta(Map.of("a", bytes("1")), Set.of()));
        assertThat(result.status()).isEqualTo(UpdateResult.Status.NOT_FOUND);
        assertThat(store.load(unknown)).isEmpty();
        assertThat(backendHolds(unknown)).isFalse();
    }

    @Test
    void updateAfterDeleteDoesNotResurrectTheSession() {
        SessionRecord r = created(null, Map.of("a", bytes("1")));
        assertThat(store.delete(r.handle())).isTrue();
        assertThat(store.update(r.handle(), delta(Map.of("b", bytes("2")), Set.of()))
                        .status())
                .isEqualTo(UpdateResult.Status.NOT_FOUND);
        assertThat(backendHolds(r.handle())).isFalse();
    }

    @Test
    void updateBeyondThePayloadLimitAppliesNothing() {
        SessionRecord r = created(null, Map.of("a", bytes("12345")));
        SessionDelta tooBig =
                new SessionDelta(Map.of("b", new byte[100]), Set.of("a"), clock.instant(), null, null, TTL, 50);
        UpdateResult result = store.update(r.handle(), tooBig);
        assertThat(result.status()).isEqualTo(UpdateResult.Status.TOO_LARGE);
        assertThat(result.attributeBytes()).isEqualTo(101);
        assertThat(store.load(r.handle()).orElseThrow().attributes()).containsOnlyKeys("a");
    }

    @Test
    void updateSetsTheNewTtlAndLastAccess() {
        SessionRecord r = created(null, Map.of());
        clock.advance(Duration.ofMinutes(5));
        Duration longer = Duration.ofHours(2);
        store.update(
                r.handle(),
                new SessionDelta(
                        Map.of(), Set.of(), clock.instant(), Duration.ofHours(2), "node-b", longer, Long.MAX_VALUE));
        SessionRecord loaded = store.load(r.handle()).orElseThrow();
        assertThat(loaded.lastAccessedAt()).isEqualTo(clock.instant());
        assertThat(loaded.idleTimeout()).isEqualTo(Duration.ofHours(2));
        assertThat(loaded.lastNode()).isEqualTo("node-b");
        assertThat(backendTtl(r.handle()))
                .hasValueSatisfying(ttl -> assertThat(ttl).isGreaterThan(TTL).isLessThanOrEqualTo(longer));
    }

    @Test
    void updateNeverMovesLastAccessBackwards() {
        SessionRecord r = created(null, Map.of());
        Instant earlier = clock.instant().minusSeconds(30);
        store.update(
                r.handle(),
                new SessionDelta(Map.of("a", bytes("1")), Set.of(), earlier, null, null, TTL, Long.MAX_VALUE));
        assertThat(store.load(r.handle()).orElseThrow().lastAccessedAt()).isEqualTo(r.lastAccessedAt());
    }

    @Test
    void concurrentDeltasOnOneSessionLoseNothing() throws Exception {
        SessionRecord r = created(null, Map.of());
        int threads = 16;
        int perThread = 100;
        Races.run(threads, thread -> {
            for (int i = 0; i < perThread; i++) {
                UpdateResult result = store.update(
                        r.handle(), delta(Map.of("t" + thread + "-" + i, bytes(Integer.toString(i))), Set.of()));
                assertThat(result.status()).isEqualTo(UpdateResult.Status.APPLIED);
            }
        });
        assertThat(store.load(r.handle()).orElseThrow().attributes()).hasSize(threads * perThread);
    }

    // ------------------------------------------------------------------ rotation

    @Test
    void rotationKillsTheOldHandleAndKeepsTheAttributes() {
        SessionRecord r = created(null, Map.of("cart", bytes("3 apples"), "theme", bytes("dark")));
        SessionHandle next = newHandle();
        Optional<SessionRecord> rotated = store.rotate(
                r.handle(),
                Rotation.builder()
                        .newHandle(next)
                        .lastAccessedAt(clock.instant())
                        .ttl(TTL)
                        .build());
        assertThat(rotated).hasValueSatisfying(n -> {
            assertThat(n.handle()).isEqualTo(next);
            assertThat(n.attributes()).containsOnlyKeys("cart", "theme");
            assertThat(n.version()).isEqualTo(r.version());
            assertThat(n.createdAt()).isEqualTo(r.createdAt());
        });
        assertThat(store.load(r.handle())).isEmpty();
        assertThat(backendHolds(r.handle())).isFalse();
        assertThat(store.load(next)).isEqualTo(rotated);
    }

    @Test
    void rotationCanBindAUserAndBumpTheVersion() {
        SessionRecord r = created(null, Map.of("cart", bytes("1")));
        Instant now = clock.instant();
        SessionRecord n = store.rotate(
                        r.handle(),
                        Rotation.builder()
                                .newHandle(newHandle())
                                .userId("alice")
                                .bumpVersion(true)
                                .authenticatedAt(now)
                                .lastAccessedAt(now)
                                .idleTimeout(Duration.ofMinutes(20))
                                .absoluteExpiry(now.plus(Duration.ofHours(8)))
                                .lastNode("node-b")
                                .client(ClientInfo.of("curl/8", null))
                                .ttl(TTL)
                                .build())
                .orElseThrow();
        assertThat(n.userId()).isEqualTo("alice");
        assertThat(n.version()).isEqualTo(r.version() + 1);
        assertThat(n.authenticatedAt()).isEqualTo(now);
        assertThat(n.idleTimeout()).isEqualTo(Duration.ofMinutes(20));
        assertThat(n.absoluteExpiry()).isEqualTo(now.plus(Duration.ofHours(8)));
        assertThat(n.lastNode()).isEqualTo("node-b");
        assertThat(store.load(n.handle())).contains(n);
    }

    @Test
    void rotationOfAnUnknownSessionWritesNothing() {
        SessionHandle next = newHandle();
        assertThat(store.rotate(
                        newHandle(),
                        Rotation.builder()
                                .newHandle(next)
                                .lastAccessedAt(clock.instant())
                                .ttl(TTL)
                                .build()))
                .isEmpty();
        assertThat(backendHolds(next)).isFalse();
    }

    @Test
    void rotatedSessionHasATtl() {
        SessionRecord r = created(null, Map.of());
        SessionHandle next = newHandle();
        store.rotate(
                r.handle(),
                Rotation.builder()
                        .newHandle(next)
                        .lastAccessedAt(clock.instant())
                        .ttl(Duration.ofMinutes(10))
                        .build());
        assertThat(backendTtl(next))
                .hasValueSatisfying(ttl -> assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(10)));
    }

    // ------------------------------------------------------------------ delete and TTL

    @Test
    void deleteRemovesTheSessionFromTheBackend() {
        SessionRecord r = created(null, Map.of("a", bytes("1")));
        assertThat(store.delete(r.handle())).isTrue();
        assertThat(store.load(r.handle())).isEmpty();
        assertThat(backendHolds(r.handle())).isFalse();
    }

    @Test
    void deleteIsIdempotent() {
        SessionRecord r = created(null, Map.of());
        assertThat(store.delete(r.handle())).isTrue();
        assertThat(store.delete(r.handle())).isFalse();
        assertThat(store.delete(newHandle())).isFalse();
    }

    @Test
    void ttlExpiryRemovesTheSession() {
        SessionRecord r = record(newHandle(), null, Map.of("a", bytes("1")));
        assertThat(store.create(r, shortTtl())).isTrue();
        awaitExpiry(r.handle(), shortTtl());
        assertThat(store.load(r.handle())).isEmpty();
        assertThat(store.update(r.handle(), delta(Map.of("b", bytes("2")), Set.of()))
                        .status())
                .isEqualTo(UpdateResult.Status.NOT_FOUND);
        assertThat(backendHolds(r.handle())).isFalse();
    }
}
