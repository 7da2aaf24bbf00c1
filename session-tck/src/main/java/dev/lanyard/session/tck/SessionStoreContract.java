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
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.UpdateResult;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link SessionStore} must honour. Extend it in the adapter's tests and
 * implement the hooks; every test must pass, none may be overridden to do nothing.
 *
 * <p>Each test gets a fresh {@link MutableClock} starting at the real current time and a store
 * from {@link #createStore(MutableClock)}. Stores that keep time themselves (Redis) may ignore the
 * clock; they then override {@link #awaitExpiry(SessionHandle, Duration)} to wait, with a
 * deadline, for the backend's own TTL.
 *
 * @since 0.1.0
 */
public abstract class SessionStoreContract {

  /** The default time to live used by records the tests write. */
  protected static final Duration TTL = Duration.ofMinutes(30);

  private static final SecureRandom RANDOM = new SecureRandom();

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
    return SessionManager.builder(store).clock(clock).policy(policy).nodeId("node-a").build();
  }

  /** @return a manager with the default policy */
  protected SessionManager manager() {
    return manager(SessionPolicy.defaults());
  }

  private SessionRecord created(String userId, Map<String, byte[]> attributes) {
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
    assertThat(backendTtl(r.handle())).hasValueSatisfying(ttl ->
        assertThat(ttl).isPositive().isLessThanOrEqualTo(TTL));
  }

  // ------------------------------------------------------------------ deltas

  @Test
  void updateChangesOnlyTheNamedAttributes() {
    SessionRecord r = created(null, Map.of("keep", bytes("k"), "change", bytes("old"), "drop", bytes("d")));
    UpdateResult result = store.update(r.handle(), delta(Map.of("change", bytes("new"), "add", bytes("a")), Set.of("drop")));
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
    assertThat(store.update(r.handle(), delta(Map.of("b", bytes("2")), Set.of())).status())
        .isEqualTo(UpdateResult.Status.NOT_FOUND);
    assertThat(backendHolds(r.handle())).isFalse();
  }

  @Test
  void updateBeyondThePayloadLimitAppliesNothing() {
    SessionRecord r = created(null, Map.of("a", bytes("12345")));
    SessionDelta tooBig = new SessionDelta(Map.of("b", new byte[100]), Set.of("a"), clock.instant(), null, null,
        TTL, 50);
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
    store.update(r.handle(), new SessionDelta(Map.of(), Set.of(), clock.instant(), Duration.ofHours(2), "node-b",
        longer, Long.MAX_VALUE));
    SessionRecord loaded = store.load(r.handle()).orElseThrow();
    assertThat(loaded.lastAccessedAt()).isEqualTo(clock.instant());
    assertThat(loaded.idleTimeout()).isEqualTo(Duration.ofHours(2));
    assertThat(loaded.lastNode()).isEqualTo("node-b");
    assertThat(backendTtl(r.handle())).hasValueSatisfying(ttl ->
        assertThat(ttl).isGreaterThan(TTL).isLessThanOrEqualTo(longer));
  }

  @Test
  void updateNeverMovesLastAccessBackwards() {
    SessionRecord r = created(null, Map.of());
    Instant earlier = clock.instant().minusSeconds(30);
    store.update(r.handle(), new SessionDelta(Map.of("a", bytes("1")), Set.of(), earlier, null, null, TTL,
        Long.MAX_VALUE));
    assertThat(store.load(r.handle()).orElseThrow().lastAccessedAt()).isEqualTo(r.lastAccessedAt());
  }

  @Test
  void concurrentDeltasOnOneSessionLoseNothing() throws Exception {
    SessionRecord r = created(null, Map.of());
    int threads = 16;
    int perThread = 100;
    Races.run(threads, thread -> {
      for (int i = 0; i < perThread; i++) {
        UpdateResult result = store.update(r.handle(),
            delta(Map.of("t" + thread + "-" + i, bytes(Integer.toString(i))), Set.of()));
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
    Optional<SessionRecord> rotated = store.rotate(r.handle(),
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
    SessionRecord n = store.rotate(r.handle(), Rotation.builder()
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
    assertThat(store.rotate(newHandle(),
        Rotation.builder()
            .newHandle(next)
            .lastAccessedAt(clock.instant())
            .ttl(TTL)
            .build())).isEmpty();
    assertThat(backendHolds(next)).isFalse();
  }

  @Test
  void rotatedSessionHasATtl() {
    SessionRecord r = created(null, Map.of());
    SessionHandle next = newHandle();
    store.rotate(r.handle(), Rotation.builder()
        .newHandle(next)
        .lastAccessedAt(clock.instant())
        .ttl(Duration.ofMinutes(10))
        .build());
    assertThat(backendTtl(next)).hasValueSatisfying(ttl ->
        assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(10)));
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
    assertThat(store.update(r.handle(), delta(Map.of("b", bytes("2")), Set.of())).status())
        .isEqualTo(UpdateResult.Status.NOT_FOUND);
    assertThat(backendHolds(r.handle())).isFalse();
  }

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
    manager.save(anonymous.session(), SessionUpdate.builder()
        .put("cart", new ArrayList<>(List.of("apple", "pear"))).put("visits", 3).build());
    NewSession loggedIn = manager.login(manager.resolve(anonymous.id()).session().orElseThrow(), "alice",
        ClientInfo.UNKNOWN);
    Resolution resolution = manager.resolve(loggedIn.id());
    assertThat(resolution.status()).isEqualTo(ResolutionStatus.FOUND);
    Session resolved = resolution.session().orElseThrow();
    assertThat(resolved.attributes()).containsEntry("cart", List.of("apple", "pear")).containsEntry("visits", 3);
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
    SessionPolicy policy = SessionPolicy.builder().idleTimeout(Duration.ofMinutes(30))
        .absoluteTimeout(Duration.ofHours(1)).build();
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
    List<String> junk = List.of("", "short", "x".repeat(10_000), "a".repeat(42) + "!", "a".repeat(42) + "\u0000",
        "ä".repeat(43), "a".repeat(44));
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
        .as("what could not be read was dropped from the backend").containsExactlyInAnyOrderElementsOf(readable);
  }

  @Test
  void theHardPayloadLimitRefusesTheWriteAndKeepsTheSession() {
    SessionPolicy policy = SessionPolicy.builder().payloadSoftLimit(100).payloadHardLimit(200).build();
    SessionManager manager = manager(policy);
    NewSession s = manager.create(ClientInfo.UNKNOWN);
    Session saved = manager.save(s.session(), SessionUpdate.builder().put("a", "x".repeat(150)).build()).orElseThrow();
    assertThatThrownBy(() -> manager.save(saved, SessionUpdate.builder().put("b", "y".repeat(100)).build()))
        .isInstanceOf(PayloadTooLargeException.class);
    assertThat(manager.resolve(s.id()).session().orElseThrow().attributes()).containsOnlyKeys("a");
  }

  @Test
  void aSaveAfterLogoutDoesNotResurrectTheSession() {
    SessionManager manager = manager();
    NewSession s = manager.login(null, "alice", ClientInfo.UNKNOWN);
    Session resolved = manager.resolve(s.id()).session().orElseThrow();
    assertThat(manager.logout(resolved)).isTrue();
    assertThat(manager.save(resolved, SessionUpdate.builder().put("late", "write").build())).isEmpty();
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
      manager.save(mine, SessionUpdate.builder().put("attr" + n, n).build()).ifPresent(x -> saved.incrementAndGet());
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
    assertThat(manager.lookup(after.session().handle(), version + 1).isFound()).isTrue();
    assertThat(manager.resolve(s.id()).isFound()).isFalse();
  }
}
