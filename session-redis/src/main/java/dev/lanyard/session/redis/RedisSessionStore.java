package dev.lanyard.session.redis;

import dev.lanyard.session.OverflowRule;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.StoreHealth;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.UnreadableSessionException;
import dev.lanyard.session.internal.ListenerGuard;
import dev.lanyard.session.spi.Admission;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.HealthReportingStore;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import dev.lanyard.session.spi.UserIndexedStore;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SslOptions;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production session store: sessions in Redis (standalone, Sentinel or Cluster) through one
 * shared Lettuce connection.
 *
 * <h2>Layout</h2>
 * One hash per session under {@code <prefix>s:{<handle>}} with compact metadata fields and one
 * field per attribute; one sorted set per user under {@code <prefix>u:{<sha1hex(userId)>}<userId>} listing the
 * user's handles; small values ({@link AtomicValueStore}) under {@code <prefix>v:<key>}. Every key
 * is written with its TTL in the same atomic step, by a server-side script.
 *
 * <h2>Cost</h2>
 * {@link #load} is one read-only {@code EVALSHA} on standalone and Sentinel (the session and, for a
 * user's session, the user's version), and an {@code HGETALL} plus, for a user's session, a
 * {@code GET} on Cluster; {@link #update} one {@code EVALSHA}; {@link #create} one
 * script plus one on the user's index when the session has a user; {@link #rotate} two or three
 * scripts (four or five when the session already has a user); {@link #delete} one script plus a
 * {@code ZREM} for a user's session. With {@link Builder#replicaAcks}, every operation that
 * wrote adds one {@code WAIT}. A session key and its user's index live in different Cluster
 * slots, so operations that change both are ordered: see {@code docs/redis.md}.
 *
 * <h2>Failure</h2>
 * Every round trip either answers within the command timeout (default
 * {@link #DEFAULT_COMMAND_TIMEOUT}) or throws {@link StoreUnavailableException}, so an operation
 * is bounded by its number of sequential steps times the timeout (one for load and update, at most
 * five for a rotation); commands issued while disconnected are rejected at once rather than
 * queued. Lettuce reconnects by itself; the
 * store needs no restart. A record that cannot be decoded throws
 * {@link UnreadableSessionException}.
 *
 * <h2>Start-up</h2>
 * Building the store never needs Redis: {@link Builder#build()} tries to connect once and, when
 * Redis cannot be reached (standalone, Sentinel or Cluster), returns a store that is
 * {@link dev.lanyard.session.StoreState#CONNECTING CONNECTING}, whose calls fail at once with
 * {@link StoreUnavailableException}, and which connects in the background every
 * {@link ReconnectingConnection#RETRY_DELAY one second} until Redis answers: the first call after
 * that works. {@link #health()} tells which; each change is logged once. The start-up checks
 * ({@code maxmemory-policy}, {@code notify-keyspace-events}, attached replicas) run when the
 * connection is first established. Only configuration errors fail the build: a malformed location,
 * an unknown option, conflicting options, or credentials Redis refuses while it is up.
 *
 * <p>Thread-safe; expensive to create (it starts threads and connects), so share one per
 * application and close it on shutdown.
 *
 * @since 0.1.0
 */
public final class RedisSessionStore implements UserIndexedStore, AtomicValueStore, ExpiryNotifyingStore,
    HealthReportingStore {

  /** The default command timeout: 250 ms. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMillis(250);

  /**
   * The options a location URI accepts ({@link Builder#location(String)}): Lanyard's, spelled as
   * the builder methods and the configuration guide spell them, and Lettuce's. Any other option
   * fails the build with a message naming it. Matched case-insensitively.
   */
  public static final java.util.Set<String> LOCATION_OPTIONS;

  static {
    java.util.Set<String> all = new java.util.TreeSet<>(RedisLocation.LANYARD_OPTIONS);
    all.addAll(RedisLocation.LETTUCE_OPTIONS);
    LOCATION_OPTIONS = java.util.Collections.unmodifiableSet(all);
  }

  /** The default prefix of every key the store writes. */
  public static final String DEFAULT_KEY_PREFIX = "lanyard:";

  /**
   * How long a handle admitted by {@link #admit} counts against the user's limit before its
   * session is written, and how long revocation marks are kept: 30 seconds.
   */
  public static final Duration RESERVATION_GRACE = Duration.ofSeconds(30);

  /**
   * With {@link Builder#expiryNotifications()}: how long a session's hash outlives its timeout, so
   * that the node that claims the timeout can still read the attributes.
   */
  public static final Duration TIMEOUT_GRACE = Duration.ofMinutes(5);

  /** How long the store waits before it tries again to subscribe to expired-key events. */
  public static final Duration TIMEOUT_RESUBSCRIBE_DELAY = Duration.ofSeconds(1);

  private static final byte[] TIMEOUT_GRACE_BYTES = RecordCodec.bytes(Long.toString(TIMEOUT_GRACE.toMillis()));

  private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);
  private static final byte[] EMPTY = new byte[0];
  private static final byte[] ONE = {'1'};
  private static final byte[] ZERO = {'0'};
  private static final byte[] MARKED = {'x'};

  /** How Redis is deployed. */
  public enum Topology {
    /** One Redis server (or a proxy in front of several). */
    STANDALONE,
    /** A master found through Redis Sentinel; Lettuce asks the sentinels again on every reconnect. */
    SENTINEL,
    /** Redis Cluster: keys spread over hash slots on several masters. */
    CLUSTER
  }

  private final ReconnectingConnection connection;
  private final Topology topology;
  private final String prefix;
  private final byte[] prefixBytes;
  private final Clock clock;
  private final Duration timeout;
  private final long waitMillis;
  private final int ackReplicas;
  private final Duration ackTimeout;
  /** How long a timed-out session's hash outlives its marker; 0 when timeouts are not reported. */
  private final long graceMillis;
  private final byte[] graceBytes;
  private final byte[] expiredChannel;
  private final String timeoutKeyStart;
  private final String description;
  private final Object timeoutLock = new Object();
  private final ListenerGuard timeoutGuard = new ListenerGuard(LOG, "timeout subscriber");
  private final List<Consumer<SessionRecord>> timeoutSubscribers = new CopyOnWriteArrayList<>();
  /** The keyspace-event subscription and the thread that delivers reports; guarded by timeoutLock. */
  private StatefulRedisPubSubConnection<byte[], byte[]> timeoutChannel;
  private volatile ScheduledExecutorService timeoutDelivery;
  private boolean timeoutChannelFailing;
  private boolean timeoutConnecting;
  private boolean followingMasterForTimeouts;
  private volatile boolean closed;

  private RedisSessionStore(Builder b, RedisLocation location, ReconnectingConnection connection, String prefix,
      Duration timeout, int ackReplicas, Duration ackTimeout) {
    this.connection = connection;
    this.topology = location.topology;
    this.prefix = prefix;
    this.prefixBytes = RecordCodec.bytes(prefix);
    this.clock = b.clock;
    this.timeout = timeout;
    this.waitMillis = timeout.toMillis() + 250;
    this.ackReplicas = ackReplicas;
    this.ackTimeout = ackTimeout;
    this.graceMillis = b.expiryNotifications ? TIMEOUT_GRACE.toMillis() : 0;
    this.graceBytes = RecordCodec.bytes(Long.toString(graceMillis));
    this.expiredChannel = RecordCodec.bytes("__keyevent@" + location.uris.get(0).getDatabase() + "__:expired");
    this.timeoutKeyStart = prefix + "x:{";
    List<String> nodes = new ArrayList<>();
    for (RedisURI uri : location.uris) {
      if (uri.getSentinels() != null && !uri.getSentinels().isEmpty()) {
        List<String> sentinels = new ArrayList<>();
        for (RedisURI s : uri.getSentinels()) {
          sentinels.add(s.getHost() + ":" + s.getPort());
        }
        nodes.add(String.join(",", sentinels) + "#" + uri.getSentinelMasterId());
      } else {
        nodes.add(uri.getHost() + ":" + uri.getPort());
      }
    }
    this.description = "RedisSessionStore[" + topology + " " + String.join(",", nodes) + ", prefix=" + prefix + ", timeout="
        + timeout.toMillis() + "ms" + (ackReplicas > 0 ? ", acknowledged by " + ackReplicas + " replica(s) within "
        + ackTimeout.toMillis() + "ms" : "") + (graceMillis > 0 ? ", expiry notifications" : "") + "]";
  }

  /** @return a builder; call {@link Builder#location(String)} or a topology method, then {@link Builder#build()} */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens a store from a location URI with default options.
   *
   * @param location for example {@code redis://localhost:6379}; see {@link Builder#location(String)}
   * @return the store, connected or (when Redis cannot be reached yet) connecting in the background
   * @throws IllegalArgumentException if the location is malformed or names an unknown option (the
   *     message never repeats the location)
   * @throws StoreUnavailableException if Redis is up and refuses the credentials
   */
  public static RedisSessionStore open(String location) {
    return builder().location(location).build();
  }

  /** @return how Redis is deployed */
  public Topology topology() {
    return topology;
  }

  /** @return the prefix of every key this store writes */
  public String keyPrefix() {
    return prefix;
  }

  /** @return the command timeout */
  public Duration commandTimeout() {
    return timeout;
  }

  /**
   * @return how many replicas must acknowledge a write before the store reports it done; 0 when
   *     writes are not waited for (the default)
   */
  public int replicaAcks() {
    return ackReplicas;
  }

  /**
   * Tells whether Redis can be reached, without a round trip: {@code CONNECTING} from
   * {@link Builder#build()} until the first connection, {@code UP} while commands answer,
   * {@code DOWN} from a lost connection until it answers again (probed every second). Each change
   * is logged once, at INFO when the store comes up and at WARN when it is not reachable or lost.
   */
  @Override
  public StoreHealth health() {
    return connection.health().health();
  }

  @Override
  public HealthReportingStore.HealthSubscription onHealthChange(Consumer<StoreHealth> listener) {
    return connection.health().subscribe(Objects.requireNonNull(listener, "listener"));
  }

  /** @return the shared connection, for the near cache's own connection */
  ReconnectingConnection connection() {
    return connection;
  }

  /** @return the clock of the store's own time stamps */
  Clock clock() {
    return clock;
  }

  /** The commands of the current connection (Sentinel may swap it after a failover). */
  private RedisClusterAsyncCommands<byte[], byte[]> redis() {
    return connection.async();
  }

  // ------------------------------------------------------------------ keys

  byte[] sessionKey(SessionHandle handle) {
    return RecordCodec.bytes(prefix + "s:{" + handle.value() + "}");
  }

  byte[] indexKey(String userId) {
    return RecordCodec.bytes(prefix + "u:{" + Script.userTag(userId) + "}" + userId);
  }

  byte[] timeoutKey(SessionHandle handle) {
    return RecordCodec.bytes(prefix + "x:{" + handle.value() + "}");
  }

  private byte[][] sessionKeys(SessionHandle handle) {
    return new byte[][] {sessionKey(handle), timeoutKey(handle)};
  }

  byte[] userVersionKey(String userId) {
    return RecordCodec.bytes(prefix + "uv:{" + Script.userTag(userId) + "}" + userId);
  }

  byte[] valueKey(String key) {
    return RecordCodec.bytes(prefix + "v:" + key);
  }

  // ------------------------------------------------------------------ SessionStore

  @Override
  public Optional<SessionRecord> load(SessionHandle handle) {
    Objects.requireNonNull(handle, "handle");
    if (topology != Topology.CLUSTER) {
      // One round trip: the script reads the session and, for a user's session, the user's version.
      List<Object> fields = await(script(Script.LOAD, ScriptOutputType.MULTI, sessionKeys(handle), prefixBytes),
          "load", handle);
      if (fields == null || fields.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(RecordCodec.decode(handle, fields, 0));
    }
    // Cluster: the user's version lives in the user's slot, so a user's session costs a second read.
    Map<byte[], byte[]> fields = await(call(() -> redis().hgetall(sessionKey(handle))), "load", handle);
    if (fields == null || fields.isEmpty()) {
      return Optional.empty();
    }
    SessionRecord record = RecordCodec.decode(handle, fields);
    if (record.userId() != null && record.userVersion() < userVersion(record.userId())) {
      return Optional.empty();
    }
    return Optional.of(record);
  }

  @Override
  public boolean create(SessionRecord record, Duration ttl) {
    Objects.requireNonNull(record, "record");
    checkTtl(ttl);
    List<byte[]> args = new ArrayList<>();
    args.add(millis(ttl));
    args.add(graceBytes);
    args.addAll(RecordCodec.encode(record));
    Long written = await(script(Script.CREATE, ScriptOutputType.INTEGER, sessionKeys(record.handle()),
        args.toArray(new byte[0][])), "create", record.handle());
    if (written == null || written != 1L) {
      return false;
    }
    if (record.userId() != null) {
      long outcome = confirm(record.userId(), record.handle(), null, record.userVersion(), indexTtl(record, ttl));
      if (outcome != 0) {
        // A concurrent admit evicted this handle, or revokeAll ran, before the session was written:
        // the handle is dead (UserIndexedStore contract), so the write is undone and refused.
        await(call(() -> redis().del(sessionKeys(record.handle()))), "create", record.handle());
        return false;
      }
    }
    replicated("create", record.handle());
    return true;
  }

  @Override
  public UpdateResult update(SessionHandle handle, SessionDelta delta) {
    Objects.requireNonNull(handle, "handle");
    Objects.requireNonNull(delta, "delta");
    List<byte[]> args = new ArrayList<>(8 + 2 * delta.removals().size() + 3 * delta.puts().size());
    args.add(RecordCodec.bytes(Long.toString(delta.lastAccessedAt().toEpochMilli())));
    args.add(delta.idleTimeout() == null ? EMPTY : millis(delta.idleTimeout()));
    args.add(delta.lastNode() == null ? EMPTY : RecordCodec.bytes(delta.lastNode()));
    args.add(millis(delta.ttl()));
    args.add(RecordCodec.bytes(Long.toString(delta.payloadLimit())));
    args.add(RecordCodec.bytes(Integer.toString(delta.removals().size())));
    args.add(RecordCodec.bytes(Integer.toString(delta.puts().size())));
    args.add(TIMEOUT_GRACE_BYTES);
    args.add(graceMillis > 0 ? ONE : ZERO);
    for (String name : delta.removals()) {
      args.add(RecordCodec.attributeField(name));
      args.add(RecordCodec.bytes(Integer.toString(name.length())));
    }
    for (Map.Entry<String, byte[]> put : delta.puts().entrySet()) {
      args.add(RecordCodec.attributeField(put.getKey()));
      args.add(RecordCodec.bytes(Integer.toString(put.getKey().length())));
      args.add(put.getValue());
    }
    List<Object> result = await(script(Script.UPDATE, ScriptOutputType.MULTI, sessionKeys(handle),
        args.toArray(new byte[0][])), "update", handle);
    long status = number(result, 0);
    long size = number(result, 1);
    if (status == 1) {
      replicated("update", handle);
      return UpdateResult.applied(size);
    }
    return status == 2 ? UpdateResult.tooLarge(size) : UpdateResult.notFound();
  }

  @Override
  public Optional<SessionRecord> rotate(SessionHandle from, Rotation rotation) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(rotation, "rotation");
    SessionHandle to = rotation.newHandle();
    // Step 1: take the old session if it is anonymous (nothing else refers to it).
    List<Object> taken = take(from, true);
    if (taken.isEmpty()) {
      return Optional.empty();
    }
    SessionRecord old = RecordCodec.decode(from, taken, 1);
    String oldUser = old.userId();
    String newUser = rotation.userId() != null ? rotation.userId() : oldUser;
    Instant now = clock.instant();
    if (number(taken, 0) == 0) {
      // An authenticated session: first make sure it was not revoked, and reserve the new handle in
      // the index, so that a revokeAll running from now on sees the new handle too.
      long guard = guard(oldUser, from, newUser.equals(oldUser) ? to : null, rotation.ttl(), now);
      if (guard != 0) {
        await(call(() -> redis().del(sessionKeys(from))), "rotate", from);
        return Optional.empty();
      }
      if (!newUser.equals(oldUser)) {
        guard(newUser, null, to, rotation.ttl(), now);
      }
      taken = take(from, false);
      if (taken.isEmpty()) {
        return Optional.empty();
      }
      old = RecordCodec.decode(from, taken, 1);
    }
    // Step 2: write the new session. From here on, the old handle resolves nothing.
    SessionRecord next = rotation.applyTo(old);
    List<byte[]> args = new ArrayList<>();
    args.add(millis(rotation.ttl()));
    args.add(graceBytes);
    args.addAll(RecordCodec.encode(next));
    Long written = await(script(Script.CREATE, ScriptOutputType.INTEGER, sessionKeys(to),
        args.toArray(new byte[0][])), "rotate", to);
    if (written == null || written != 1L) {
      LOG.warn("rotation of session {} found its new handle {} taken; the session ended", from, to);
      return Optional.empty();
    }
    // Step 3: move the index entry. A revocation that happened meanwhile wins.
    if (next.userId() != null) {
      long outcome = confirm(next.userId(), to, next.userId().equals(oldUser) ? from : null, next.userVersion(),
          indexTtl(next, rotation.ttl()));
      if (outcome != 0) {
        await(call(() -> redis().del(sessionKeys(to))), "rotate", to);
        return Optional.empty();
      }
    }
    if (oldUser != null && !oldUser.equals(next.userId())) {
      Long revoked = await(script(Script.RELEASE, ScriptOutputType.INTEGER, indexKey(oldUser), bytes(from)),
          "rotate", from);
      if (revoked != null && revoked == 1L) {
        await(call(() -> redis().del(sessionKeys(to))), "rotate", to);
        return Optional.empty();
      }
    }
    replicated("rotate", to);
    return Optional.of(next);
  }

  @Override
  public boolean delete(SessionHandle handle) {
    Objects.requireNonNull(handle, "handle");
    List<Object> result = await(script(Script.DELETE, ScriptOutputType.MULTI, sessionKeys(handle)), "delete",
        handle);
    boolean deleted = number(result, 0) == 1;
    if (result.size() > 1 && result.get(1) instanceof byte[] user) {
      String userId = new String(user, StandardCharsets.UTF_8);
      await(call(() -> redis().zrem(indexKey(userId), bytes(handle))), "delete", handle);
    }
    replicated("delete", handle);
    return deleted;
  }

  // ------------------------------------------------------------------ UserIndexedStore

  @Override
  public Admission admit(String userId, SessionHandle handle, SessionLimit limit, Duration ttl) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(handle, "handle");
    Objects.requireNonNull(limit, "limit");
    checkTtl(ttl);
    byte[] index = indexKey(userId);
    List<ScoredValue<byte[]>> members = await(call(() -> redis().zrangeWithScores(index, 0, -1)), "admit", null);
    List<CompletableFuture<byte[]>> lastUse = new ArrayList<>(members.size());
    for (ScoredValue<byte[]> member : members) {
      SessionHandle h = handleOf(member.getValue());
      lastUse.add(h == null ? CompletableFuture.completedFuture(null) : lastUseOf(h));
    }
    awaitAll(lastUse, "admit");
    Instant now = clock.instant();
    List<byte[]> args = new ArrayList<>(7 + 4 * members.size());
    args.add(bytes(handle));
    args.add(RecordCodec.bytes(Integer.toString(limit.maxSessions())));
    args.add(limit.overflow() == OverflowRule.REFUSE_NEW ? ZERO : ONE);
    args.add(RecordCodec.bytes(Long.toString(now.toEpochMilli())));
    args.add(millis(RESERVATION_GRACE));
    args.add(millis(ttl));
    args.add(RecordCodec.bytes(Integer.toString(members.size())));
    List<SessionHandle> markedButPresent = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      byte[] last = lastUse.get(i).join();
      args.add(members.get(i).getValue());
      args.add(RecordCodec.bytes(Long.toString((long) members.get(i).getScore())));
      args.add(last == null ? ZERO : ONE);
      args.add(last == null ? ZERO : last);
      SessionHandle h = handleOf(members.get(i).getValue());
      if (last != null && members.get(i).getScore() < 0 && h != null) {
        markedButPresent.add(h);
      }
    }
    List<Object> result = await(script(Script.ADMIT, ScriptOutputType.MULTI,
        new byte[][] {index, userVersionKey(userId)}, args.toArray(new byte[0][])), "admit", null);
    boolean admitted = number(result, 0) == 1;
    int sessions = (int) number(result, 1);
    long userVersion = number(result, 2);
    List<SessionHandle> evicted = new ArrayList<>();
    for (int i = 3; i < result.size(); i++) {
      SessionHandle h = result.get(i) instanceof byte[] b ? handleOf(b) : null;
      if (h != null) {
        evicted.add(h);
      }
    }
    // Delete the sessions chosen now, and finish evictions or revocations a crash left half-done.
    List<SessionHandle> toDelete = new ArrayList<>(evicted);
    toDelete.addAll(markedButPresent);
    deleteSessions(toDelete, "admit");
    replicated("admit", handle);
    return new Admission(admitted ? Admission.Decision.ADMITTED : Admission.Decision.REFUSED, evicted, sessions,
        userVersion);
  }

  /**
   * A session's last access, or null when it is gone or timed out (it has a marker field and its
   * marker expired): the hash and the marker are read in parallel, in one round trip.
   */
  private CompletableFuture<byte[]> lastUseOf(SessionHandle h) {
    if (topology == Topology.CLUSTER) {
      return call(() -> redis().hget(sessionKey(h), RecordCodec.LAST_ACCESS)); // no markers on Cluster
    }
    CompletableFuture<List<KeyValue<byte[], byte[]>>> fields =
        call(() -> redis().hmget(sessionKey(h), RecordCodec.LAST_ACCESS, MARKED));
    CompletableFuture<Long> marker = call(() -> redis().exists(timeoutKey(h)));
    return fields.thenCombine(marker, (values, markers) -> {
      byte[] last = values.get(0).getValueOrElse(null);
      boolean marked = values.get(1).hasValue();
      return marked && (markers == null || markers == 0) ? null : last;
    });
  }

  @Override
  public List<SessionRecord> sessionsOf(String userId) {
    Objects.requireNonNull(userId, "userId");
    byte[] index = indexKey(userId);
    CompletableFuture<byte[]> versionRead = call(() -> redis().get(userVersionKey(userId)));
    List<ScoredValue<byte[]>> members = await(call(() -> redis().zrangeWithScores(index, 0, -1)), "sessionsOf", null);
    long userVersion = versionOf(await(versionRead, "sessionsOf", null));
    List<ScoredValue<byte[]>> candidates = new ArrayList<>();
    List<CompletableFuture<Map<byte[], byte[]>>> reads = new ArrayList<>();
    List<CompletableFuture<Long>> markers = new ArrayList<>();
    for (ScoredValue<byte[]> member : members) {
      SessionHandle h = handleOf(member.getValue());
      if (h != null && member.getScore() >= 0) {
        candidates.add(member);
        reads.add(call(() -> redis().hgetall(sessionKey(h))));
        markers.add(topology == Topology.CLUSTER ? CompletableFuture.completedFuture(1L)
            : call(() -> redis().exists(timeoutKey(h))));
      }
    }
    awaitAll(reads, "sessionsOf");
    awaitAll(markers, "sessionsOf");
    long now = clock.millis();
    List<SessionRecord> records = new ArrayList<>();
    List<byte[]> dead = new ArrayList<>();
    for (int i = 0; i < candidates.size(); i++) {
      ScoredValue<byte[]> member = candidates.get(i);
      SessionHandle h = handleOf(member.getValue());
      Map<byte[], byte[]> fields = reads.get(i).join();
      if (fields != null && !fields.isEmpty() && markers.get(i).join() == 0 && hasField(fields, MARKED)) {
        continue; // timed out: its claim reports it
      }
      if (fields == null || fields.isEmpty()) {
        long score = (long) member.getScore();
        if (score == 0 || now - score >= RESERVATION_GRACE.toMillis()) {
          dead.add(member.getValue());
          dead.add(RecordCodec.bytes(Long.toString(score)));
        }
        continue;
      }
      try {
        SessionRecord r = RecordCodec.decode(h, fields);
        if (userId.equals(r.userId()) && r.userVersion() >= userVersion) {
          records.add(r);
        }
      } catch (UnreadableSessionException e) {
        LOG.debug("session {} of a listed user cannot be read; not listed", h);
      }
    }
    if (!dead.isEmpty()) {
      await(script(Script.PRUNE, ScriptOutputType.INTEGER, index, dead.toArray(new byte[0][])), "sessionsOf", null);
    }
    return records;
  }

  @Override
  public List<SessionHandle> revokeAll(String userId, Duration sessionLifetime) {
    Objects.requireNonNull(userId, "userId");
    checkTtl(sessionLifetime);
    List<Object> members = await(script(Script.REVOKE_ALL, ScriptOutputType.MULTI,
        new byte[][] {indexKey(userId), userVersionKey(userId)}, RecordCodec.bytes(Long.toString(clock.millis())),
        millis(RESERVATION_GRACE), millis(sessionLifetime)), "revokeAll", null);
    List<SessionHandle> handles = new ArrayList<>();
    for (Object member : members) {
      SessionHandle h = member instanceof byte[] b ? handleOf(b) : null;
      if (h != null) {
        handles.add(h);
      }
    }
    List<SessionHandle> deleted = deleteSessions(handles, "revokeAll");
    replicated("revokeAll", null);
    return deleted;
  }

  @Override
  public List<SessionHandle> revokeOthers(String userId, SessionHandle keep, Duration sessionLifetime) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(keep, "keep");
    checkTtl(sessionLifetime);
    boolean cluster = topology == Topology.CLUSTER;
    byte[][] keys = cluster ? new byte[][] {indexKey(userId), userVersionKey(userId)}
        : new byte[][] {indexKey(userId), userVersionKey(userId), sessionKey(keep)};
    List<Object> reply = await(script(Script.REVOKE_OTHERS, ScriptOutputType.MULTI, keys,
        RecordCodec.bytes(Long.toString(clock.millis())), millis(RESERVATION_GRACE), millis(sessionLifetime),
        RecordCodec.bytes(keep.value()), RecordCodec.bytes(userId)), "revokeOthers", null);
    if (cluster) {
      // The kept session lives in another slot: re-stamp it in a second step (see the SPI's Javadoc).
      await(script(Script.RESTAMP, ScriptOutputType.INTEGER, sessionKey(keep), RecordCodec.bytes(userId),
          (byte[]) reply.get(0), (byte[]) reply.get(1)), "revokeOthers", keep);
    }
    List<SessionHandle> handles = new ArrayList<>();
    for (Object member : reply.subList(2, reply.size())) {
      SessionHandle h = member instanceof byte[] b ? handleOf(b) : null;
      if (h != null) {
        handles.add(h);
      }
    }
    List<SessionHandle> deleted = deleteSessions(handles, "revokeOthers");
    replicated("revokeOthers", null);
    return deleted;
  }

  @Override
  public long userVersion(String userId) {
    Objects.requireNonNull(userId, "userId");
    return versionOf(await(call(() -> redis().get(userVersionKey(userId))), "userVersion", null));
  }

  private static long versionOf(byte[] stored) {
    if (stored == null) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(new String(stored, StandardCharsets.US_ASCII)));
    } catch (NumberFormatException e) {
      throw new StoreUnavailableException("a user version in Redis is not a number", null);
    }
  }

  // ------------------------------------------------------------------ ExpiryNotifyingStore

  /** @return whether the store was built with {@link Builder#expiryNotifications()} */
  @Override
  public boolean reportsTimeouts() {
    return graceMillis > 0;
  }

  /**
   * Subscribes to sessions that time out. The first subscription opens one more connection, which
   * subscribes to Redis's {@code expired} keyspace events ({@code notify-keyspace-events} must
   * include {@code Ex}); each expired timeout marker of this store's prefix is claimed with one
   * script, and the node whose claim takes the session reports it, on a thread of this store.
   * Reports arrive when Redis removes the marker (its active expiry finds an expired key within
   * about a second on a lightly loaded server), at most {@link #TIMEOUT_GRACE} after the timeout;
   * after that the hash is gone too. Events published while the connection is down are lost, so
   * those sessions end without a report. If Redis cannot be reached when the first subscriber
   * comes, or after a Sentinel failover, the store keeps trying to subscribe every
   * {@link #TIMEOUT_RESUBSCRIBE_DELAY} (logging once) until it succeeds or the subscription is
   * closed; this method never fails for an unreachable Redis. After a failover the subscription
   * moves to the new master.
   *
   * @throws IllegalStateException without {@link Builder#expiryNotifications()}
   */
  @Override
  public Subscription onTimeout(Consumer<SessionRecord> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!reportsTimeouts()) {
      throw new IllegalStateException("this store does not report timeouts: build it with expiryNotifications()");
    }
    Consumer<SessionRecord> own = subscriber::accept;
    boolean connectNow;
    synchronized (timeoutLock) {
      if (closed) {
        throw new IllegalStateException("the store is closed");
      }
      timeoutSubscribers.add(own);
      connectNow = timeoutChannel == null && !timeoutConnecting;
      if (connectNow) {
        timeoutConnecting = true;
        ensureTimeoutDelivery();
      }
    }
    if (connectNow) {
      // On the caller's thread, so that the first subscription is in place when this returns; never
      // under the lock, so that closing a subscription never waits for a connect.
      connectTimeoutChannel();
    }
    return () -> {
      synchronized (timeoutLock) {
        if (timeoutSubscribers.remove(own) && timeoutSubscribers.isEmpty()) {
          closeTimeoutChannel();
        }
      }
    };
  }

  /** Guarded by timeoutLock. */
  private void ensureTimeoutDelivery() {
    if (timeoutDelivery == null) {
      timeoutDelivery = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lanyard-redis-timeouts");
        t.setDaemon(true);
        return t;
      });
    }
  }

  /**
   * Connects and subscribes without holding the lock, then installs the subscription if it is
   * still wanted, or schedules another try when Redis cannot be reached. Runs only while
   * {@code timeoutConnecting} is set, which it clears.
   */
  private void connectTimeoutChannel() {
    StatefulRedisPubSubConnection<byte[], byte[]> channel = null;
    RedisException failure = null;
    try {
      channel = connection.connectPubSub();
      channel.addListener(new RedisPubSubAdapter<>() {
        @Override
        public void message(byte[] source, byte[] key) {
          onExpiredKey(key);
        }
      });
      channel.sync().subscribe(expiredChannel);
    } catch (RedisException e) {
      failure = e;
      if (channel != null) {
        channel.closeAsync();
        channel = null;
      }
    }
    synchronized (timeoutLock) {
      timeoutConnecting = false;
      boolean wanted = !closed && timeoutChannel == null && !timeoutSubscribers.isEmpty();
      if (channel == null) {
        if (wanted) {
          if (!timeoutChannelFailing) {
            timeoutChannelFailing = true;
            LOG.warn("could not subscribe to Redis's expired-key events ({}); sessions that time out meanwhile "
                + "are not reported; trying again every {} ms", unwrap(failure).getClass().getSimpleName(),
                TIMEOUT_RESUBSCRIBE_DELAY.toMillis());
          }
          timeoutConnecting = true;
          ensureTimeoutDelivery();
          timeoutDelivery.schedule(this::connectTimeoutChannel, TIMEOUT_RESUBSCRIBE_DELAY.toMillis(),
              TimeUnit.MILLISECONDS);
        }
        return;
      }
      if (!wanted) {
        channel.closeAsync();
        return;
      }
      if (timeoutChannelFailing) {
        timeoutChannelFailing = false;
        LOG.info("subscribed to Redis's expired-key events again");
      }
      timeoutChannel = channel;
      if (!followingMasterForTimeouts) {
        followingMasterForTimeouts = true;
        connection.onMasterSwitch(this::resubscribeAfterFailover);
      }
    }
  }

  /** On a Lettuce thread after a Sentinel failover: drops the old subscription and connects anew. */
  private void resubscribeAfterFailover() {
    synchronized (timeoutLock) {
      if (timeoutChannel == null || closed) {
        return;
      }
      timeoutChannel.closeAsync();
      timeoutChannel = null;
      if (timeoutConnecting) {
        return;
      }
      timeoutConnecting = true;
      ensureTimeoutDelivery();
      try {
        timeoutDelivery.execute(this::connectTimeoutChannel);
      } catch (RejectedExecutionException closing) {
        timeoutConnecting = false;
      }
      LOG.debug("expiry notifications follow the new Sentinel master");
    }
  }

  /** Guarded by timeoutLock. */
  private void closeTimeoutChannel() {
    if (timeoutChannel != null) {
      timeoutChannel.closeAsync();
      timeoutChannel = null;
    }
    if (timeoutDelivery != null) {
      timeoutDelivery.shutdownNow(); // also cancels a scheduled retry
      timeoutDelivery = null;
    }
    // A connect under way finds nobody waiting and closes what it opened; a cancelled retry is
    // not waited for: the next subscriber connects anew.
    timeoutConnecting = false;
  }

  /** On a Lettuce thread: claims the session whose marker expired; never blocks. */
  private void onExpiredKey(byte[] key) {
    String name = new String(key, StandardCharsets.UTF_8);
    if (!name.startsWith(timeoutKeyStart) || !name.endsWith("}")) {
      return;
    }
    String value = name.substring(timeoutKeyStart.length(), name.length() - 1);
    if (!SessionHandle.isWellFormed(value)) {
      return;
    }
    SessionHandle handle = SessionHandle.of(value);
    ExecutorService delivery = timeoutDelivery;
    if (delivery == null) {
      return;
    }
    this.<List<Object>>script(Script.CLAIM, ScriptOutputType.MULTI, sessionKeys(handle), prefixBytes)
        .whenComplete((fields, error) -> {
          try {
            delivery.execute(() -> deliverTimeout(handle, fields, error));
          } catch (RejectedExecutionException closing) {
            LOG.debug("timed-out session {} claimed while the last subscription closed; not reported", handle);
          }
        });
  }

  private void deliverTimeout(SessionHandle handle, List<Object> fields, Throwable error) {
    if (error != null) {
      LOG.debug("could not claim timed-out session {} ({})", handle, unwrap(error).getClass().getSimpleName());
      return;
    }
    if (fields == null || fields.isEmpty()) {
      return; // another node claimed it, or it was ended otherwise
    }
    SessionRecord record;
    try {
      record = RecordCodec.decode(handle, fields, 0);
    } catch (UnreadableSessionException e) {
      LOG.debug("timed-out session {} cannot be read; not reported", handle);
      return;
    }
    timeoutGuard.callEach(timeoutSubscribers, "a timed-out session", s -> s.accept(record));
  }

  // ------------------------------------------------------------------ AtomicValueStore

  @Override
  public Optional<byte[]> get(String key) {
    AtomicValueStore.checkKeyAndValue(key, null);
    byte[] value = await(call(() -> redis().get(valueKey(key))), "get", null);
    return Optional.ofNullable(value);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
    AtomicValueStore.checkKeyAndValue(key, value);
    Objects.requireNonNull(value, "value");
    checkTtl(ttl);
    String ok = await(call(() -> redis().set(valueKey(key), value, SetArgs.Builder.nx().px(ttl.toMillis()))),
        "putIfAbsent", null);
    if (!"OK".equals(ok)) {
      return false;
    }
    replicated("putIfAbsent", null);
    return true;
  }

  @Override
  public boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl) {
    AtomicValueStore.checkKeyAndValue(key, replacement);
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(replacement, "replacement");
    checkTtl(ttl);
    Long replaced = await(script(Script.COMPARE_AND_SET, ScriptOutputType.INTEGER, valueKey(key), expected,
        replacement, millis(ttl)), "compareAndSet", null);
    if (replaced == null || replaced != 1L) {
      return false;
    }
    replicated("compareAndSet", null);
    return true;
  }

  @Override
  public boolean remove(String key) {
    AtomicValueStore.checkKeyAndValue(key, null);
    Long removed = await(call(() -> redis().del(valueKey(key))), "remove", null);
    replicated("remove", null);
    return removed != null && removed > 0;
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Closes the connection and, unless they were supplied, the client resources. Waits at most a
   * few seconds. Calls after close fail with {@link StoreUnavailableException}.
   */
  @Override
  public void close() {
    closed = true;
    synchronized (timeoutLock) {
      timeoutSubscribers.clear();
      closeTimeoutChannel();
    }
    connection.close();
  }

  /** Describes the store by topology, nodes, prefix and timeout; never credentials. */
  @Override
  public String toString() {
    return description;
  }

  // ------------------------------------------------------------------ steps

  private List<Object> take(SessionHandle from, boolean onlyIfAnonymous) {
    List<Object> taken = await(script(Script.TAKE, ScriptOutputType.MULTI, sessionKeys(from),
        onlyIfAnonymous ? ONE : ZERO), "rotate", from);
    return taken == null ? List.of() : taken;
  }

  private long guard(String userId, SessionHandle old, SessionHandle reserve, Duration ttl, Instant now) {
    Long result = await(script(Script.GUARD, ScriptOutputType.INTEGER, indexKey(userId),
        old == null ? EMPTY : bytes(old), reserve == null ? EMPTY : bytes(reserve),
        RecordCodec.bytes(Long.toString(now.toEpochMilli())), millis(ttl.plus(RESERVATION_GRACE))), "rotate", old);
    return result == null ? 0 : result;
  }

  private long confirm(String userId, SessionHandle handle, SessionHandle old, long userVersion, Duration indexTtl) {
    Long result = await(script(Script.CONFIRM, ScriptOutputType.INTEGER,
        new byte[][] {indexKey(userId), userVersionKey(userId)}, bytes(handle), old == null ? EMPTY : bytes(old),
        millis(indexTtl), RecordCodec.bytes(Long.toString(userVersion))), "index", handle);
    return result == null ? 0 : result;
  }

  /**
   * With {@link Builder#replicaAcks}, waits ({@code WAIT}) until enough replicas hold
   * every write this connection made so far, so that a write the caller is told about survives a
   * failover to one of them. {@code WAIT} covers all earlier writes of the connection, which every
   * thread of this store shares, so one wait after an operation's last write is enough.
   */
  private void replicated(String operation, SessionHandle handle) {
    if (ackReplicas == 0) {
      return;
    }
    Long acknowledged = await(call(() -> redis().waitForReplication(ackReplicas, ackTimeout.toMillis())), operation,
        handle);
    if (acknowledged == null || acknowledged < ackReplicas) {
      throw new StoreUnavailableException("Redis replicated " + operation + " to " + acknowledged + " of the "
          + ackReplicas + " replica(s) required within " + ackTimeout.toMillis()
          + " ms; the write may be lost in a failover", null);
    }
  }

  /** Deletes sessions in parallel (one command per slot) and returns those that existed. */
  private List<SessionHandle> deleteSessions(List<SessionHandle> handles, String operation) {
    if (handles.isEmpty()) {
      return List.of();
    }
    // The delete script leaves a session that timed out for its claim (it is reported, not revoked).
    List<CompletableFuture<List<Object>>> deletions = new ArrayList<>(handles.size());
    for (SessionHandle h : handles) {
      deletions.add(script(Script.DELETE, ScriptOutputType.MULTI, sessionKeys(h)));
    }
    awaitAll(deletions, operation);
    List<SessionHandle> deleted = new ArrayList<>();
    for (int i = 0; i < handles.size(); i++) {
      if (number(deletions.get(i).join(), 0) > 0) {
        deleted.add(handles.get(i));
      }
    }
    return deleted;
  }

  /** The index must live as long as any session it lists can: to the session's absolute expiry. */
  private Duration indexTtl(SessionRecord record, Duration ttl) {
    Duration untilAbsolute = Duration.between(clock.instant(), record.absoluteExpiry());
    Duration longest = untilAbsolute.compareTo(ttl) > 0 ? untilAbsolute : ttl;
    return longest.plus(RESERVATION_GRACE);
  }

  // ------------------------------------------------------------------ plumbing

  private <T> CompletableFuture<T> script(Script script, ScriptOutputType type, byte[] key, byte[]... args) {
    return script(script, type, new byte[][] {key}, args);
  }

  /** Runs a script on keys that share one hash slot. */
  private <T> CompletableFuture<T> script(Script script, ScriptOutputType type, byte[][] keys, byte[]... args) {
    return call(() -> redis().<T>evalsha(script.sha(), type, keys, args))
        .exceptionallyCompose(e -> {
          Throwable cause = unwrap(e);
          if (cause instanceof RedisNoScriptException) {
            return call(() -> redis().<T>eval(script.body(), type, keys, args));
          }
          return CompletableFuture.failedFuture(cause);
        });
  }

  /** Issues a command; a client that throws instead of failing the future is turned into a failed future. */
  private static <T> CompletableFuture<T> call(Supplier<? extends CompletionStage<T>> command) {
    try {
      return command.get().toCompletableFuture();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private <T> T await(CompletableFuture<T> future, String operation, SessionHandle handle) {
    try {
      T answer = future.get(waitMillis, TimeUnit.MILLISECONDS);
      connection.answered();
      return answer;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(false);
      throw new StoreUnavailableException("interrupted while waiting for Redis (" + operation + ")", e);
    } catch (TimeoutException e) {
      future.cancel(false);
      throw new StoreUnavailableException("Redis did not answer " + operation + " within " + timeout.toMillis()
          + " ms", null);
    } catch (ExecutionException | CancellationException e) {
      throw translate(e instanceof ExecutionException ? e.getCause() : e, operation, handle);
    }
  }

  private void awaitAll(List<? extends CompletableFuture<?>> futures, String operation) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    for (CompletableFuture<?> f : futures) {
      long left = Math.max(0, deadline - System.nanoTime());
      try {
        f.get(left, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreUnavailableException("interrupted while waiting for Redis (" + operation + ")", e);
      } catch (TimeoutException e) {
        throw new StoreUnavailableException("Redis did not answer " + operation + " within " + timeout.toMillis()
            + " ms", null);
      } catch (ExecutionException | CancellationException e) {
        throw translate(e instanceof ExecutionException ? e.getCause() : e, operation, null);
      }
    }
  }

  private RuntimeException translate(Throwable failure, String operation, SessionHandle handle) {
    Throwable cause = unwrap(failure);
    connection.failed(cause);
    if (cause instanceof UnreadableSessionException u) {
      return u;
    }
    if (cause instanceof RedisCommandExecutionException e) {
      // Redis error messages can echo arguments; only the error code is kept.
      String message = e.getMessage() == null ? "" : e.getMessage();
      String code = message.split("[ \\r\\n]", 2)[0];
      if (handle != null && (code.equals("LANYARD_UNREADABLE") || code.equals("WRONGTYPE"))) {
        return new UnreadableSessionException(handle, "the stored session cannot be read (" + code + ")", null);
      }
      return new StoreUnavailableException("Redis refused " + operation + " (" + code + ")", null);
    }
    if (cause instanceof RedisCommandTimeoutException || cause instanceof TimeoutException) {
      return new StoreUnavailableException("Redis did not answer " + operation + " within " + timeout.toMillis()
          + " ms", cause);
    }
    if (cause instanceof RedisException || cause instanceof IOException) {
      return new StoreUnavailableException("Redis is unavailable for " + operation + " ("
          + cause.getClass().getSimpleName() + ")", cause);
    }
    return new StoreUnavailableException("the Redis call failed (" + operation + ")", cause);
  }

  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static boolean hasField(Map<byte[], byte[]> fields, byte[] name) {
    for (byte[] key : fields.keySet()) {
      if (Arrays.equals(key, name)) {
        return true;
      }
    }
    return false;
  }

  private static long number(List<Object> result, int index) {
    if (result == null || result.size() <= index || !(result.get(index) instanceof Long n)) {
      return 0;
    }
    return n;
  }

  private static SessionHandle handleOf(byte[] member) {
    String text = new String(member, StandardCharsets.US_ASCII);
    return SessionHandle.isWellFormed(text) ? SessionHandle.of(text) : null;
  }

  private static byte[] bytes(SessionHandle handle) {
    return handle.value().getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] millis(Duration d) {
    return RecordCodec.bytes(Long.toString(Math.max(1, d.toMillis())));
  }

  private static void checkTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl (" + ttl + ") must be positive");
    }
  }

  /**
   * The start-up checks, run once when the connection is first established (at build when Redis
   * is up, later on the connecting thread otherwise): they only log.
   */
  private void checkOnConnect(boolean evictionPolicy) {
    if (evictionPolicy) {
      checkEvictionPolicy();
    }
    if (ackReplicas > 0) {
      checkReplicas();
    }
    if (reportsTimeouts()) {
      checkKeyspaceEvents();
    }
  }

  /**
   * With acknowledged writes, compares the master's attached replicas with the acknowledgements
   * asked for, and warns where a failover could still lose writes or where writes will fail.
   */
  private void checkReplicas() {
    String info;
    try {
      info = await(call(() -> redis().info("replication")), "INFO replication", null);
    } catch (RuntimeException e) {
      LOG.info("could not read Redis's replication state ({}); make sure replicaAcks equals the number of "
          + "replicas", e.getClass().getSimpleName());
      return;
    }
    int replicas = -1;
    for (String line : String.valueOf(info).split("\r?\n")) {
      if (line.startsWith("connected_slaves:")) {
        replicas = Integer.parseInt(line.substring("connected_slaves:".length()).trim());
      }
    }
    if (replicas > ackReplicas) {
      LOG.warn("replicaAcks is {} but the Redis master has {} replicas: a write acknowledged by fewer than all of "
          + "them can still be lost when Sentinel promotes one that did not acknowledge it, because the others "
          + "keep acknowledging for the old master until they are moved; set replicaAcks to {} (see "
          + "docs/redis.md)", ackReplicas, replicas, replicas);
    } else if (replicas >= 0 && replicas < ackReplicas) {
      LOG.warn("replicaAcks is {} but the Redis master has {} attached replica(s): every write fails until {} are "
          + "attached", ackReplicas, replicas, ackReplicas);
    }
  }

  /** Warns when Redis does not publish the expired-key events that timeout reports need. */
  private void checkKeyspaceEvents() {
    Map<String, String> values;
    try {
      values = connection.configGet("notify-keyspace-events");
    } catch (RedisException e) {
      LOG.info("could not read notify-keyspace-events ({}); sessions that time out are reported only if it "
          + "includes \"Ex\"", unwrap(e).getClass().getSimpleName());
      return;
    }
    for (Map.Entry<String, String> node : values.entrySet()) {
      String flags = node.getValue() == null ? "" : node.getValue();
      boolean expired = flags.indexOf('x') >= 0 || flags.indexOf('A') >= 0;
      if (flags.indexOf('E') < 0 || !expired) {
        LOG.warn("Redis {} has notify-keyspace-events \"{}\": sessions that time out will not be reported; "
            + "set it to include \"Ex\" (CONFIG SET notify-keyspace-events Ex, or the server's configuration)",
            node.getKey(), flags);
      }
    }
  }

  private void checkEvictionPolicy() {
    Map<String, String> policies;
    try {
      policies = connection.configGet("maxmemory-policy");
    } catch (RedisCommandExecutionException e) {
      String message = e.getMessage() == null ? "" : e.getMessage();
      LOG.info("could not read Redis's maxmemory-policy ({}); make sure it is noeviction so that Redis never "
          + "evicts live sessions", message.split(" ", 2)[0]);
      return;
    } catch (RuntimeException e) {
      LOG.info("could not read Redis's maxmemory-policy ({}); make sure it is noeviction",
          e.getClass().getSimpleName());
      return;
    }
    for (Map.Entry<String, String> e : policies.entrySet()) {
      String policy = e.getValue() == null ? "" : e.getValue().toLowerCase(Locale.ROOT);
      if (!policy.equals("noeviction")) {
        LOG.warn("Redis node {} has maxmemory-policy {}: when memory runs out it evicts keys, and every session key "
            + "has a TTL, so live sessions (users are logged out) and per-user indexes can be evicted; set "
            + "maxmemory-policy noeviction so that writes fail instead (see docs/redis.md)", e.getKey(), policy);
      }
    }
  }

  // ------------------------------------------------------------------ builder

  /**
   * Configures a {@link RedisSessionStore}. Not thread-safe. {@link #build()} validates and
   * connects. Options given here win over the same options in the location URI.
   */
  public static final class Builder {
    private RedisLocation location;
    private String username;
    private char[] password;
    private String clientName;
    private String keyPrefix;
    private Duration commandTimeout;
    private boolean tls;
    private Path trustedCertificates;
    private Integer database;
    private Clock clock = Clock.systemUTC();
    private ClientResources clientResources;
    private boolean checkEvictionPolicy = true;
    private int ackReplicas;
    private Duration ackTimeout;
    private boolean expiryNotifications;

    private Builder() {}

    /**
     * Sets where Redis is, as a URI:
     * <ul>
     *   <li>{@code redis://[[user]:password@]host[:port][/database][?options]} — standalone;
     *   <li>{@code rediss://...} — standalone over TLS;
     *   <li>{@code redis-sentinel://[[user]:password@]host:port[,host:port...][?sentinelMasterId=name]}
     *       (or {@code #name}) — the master named {@code name}, found through these sentinels
     *       ({@code rediss-sentinel://} for TLS);
     *   <li>{@code redis-cluster://[[user]:password@]host:port[,host:port...][?options]} — a Redis
     *       Cluster, reached through these seed nodes ({@code rediss-cluster://} for TLS).
     * </ul>
     * Options: Lettuce's ({@code timeout=250ms}, {@code clientName=...}, {@code database=n},
     * {@code verifyPeer=FULL|CA|NONE}) and Lanyard's {@code keyPrefix=...},
     * {@code replicaAcks=n} and {@code replicaAckTimeout=ms} (see {@link #replicaAcks};
     * the timeout defaults to half the command timeout). Lanyard's
     * {@code nearCache=true} is honoured only where the location opens a store through
     * {@code SessionStores.open} (the provider wraps the store in a {@link NearCachedRedisStore});
     * this builder ignores it: use {@link NearCachedRedisStore#wrap}.
     *
     * @param location the URI
     * @return this builder
     * @throws IllegalArgumentException if the URI is malformed; the message never repeats it
     */
    public Builder location(String location) {
      this.location = RedisLocation.parse(location);
      return this;
    }

    /**
     * Uses one standalone Redis server.
     *
     * @param host the host
     * @param port the port
     * @return this builder
     */
    public Builder standalone(String host, int port) {
      this.location = RedisLocation.of(Topology.STANDALONE, List.of(RedisURI.create(host, port)));
      return this;
    }

    /**
     * Uses the master that Redis Sentinel names {@code masterId}.
     *
     * @param masterId the monitored master's name
     * @param sentinels {@code host:port} of one or more sentinels
     * @return this builder
     */
    public Builder sentinel(String masterId, String... sentinels) {
      Objects.requireNonNull(masterId, "masterId");
      if (sentinels.length == 0) {
        throw new IllegalArgumentException("sentinels: name at least one sentinel host:port");
      }
      HostPort first = HostPort.parse(sentinels[0]);
      RedisURI.Builder b = RedisURI.Builder.sentinel(first.host, first.port, masterId);
      for (int i = 1; i < sentinels.length; i++) {
        HostPort s = HostPort.parse(sentinels[i]);
        b.withSentinel(s.host, s.port);
      }
      this.location = RedisLocation.of(Topology.SENTINEL, List.of(b.build()));
      return this;
    }

    /**
     * Uses a Redis Cluster reached through these seed nodes.
     *
     * @param seeds {@code host:port} of one or more cluster nodes
     * @return this builder
     */
    public Builder cluster(String... seeds) {
      if (seeds.length == 0) {
        throw new IllegalArgumentException("seeds: name at least one cluster node host:port");
      }
      List<RedisURI> uris = new ArrayList<>();
      for (String seed : seeds) {
        HostPort s = HostPort.parse(seed);
        uris.add(RedisURI.create(s.host, s.port));
      }
      this.location = RedisLocation.of(Topology.CLUSTER, uris);
      return this;
    }

    /**
     * Authenticates as an ACL user.
     *
     * @param username the ACL user
     * @param password its password; copied
     * @return this builder
     */
    public Builder credentials(String username, char[] password) {
      this.username = Objects.requireNonNull(username, "username");
      this.password = Objects.requireNonNull(password, "password").clone();
      return this;
    }

    /**
     * Authenticates as the {@code default} user ({@code requirepass}).
     *
     * @param password the password; copied
     * @return this builder
     */
    public Builder password(char[] password) {
      this.username = null;
      this.password = Objects.requireNonNull(password, "password").clone();
      return this;
    }

    /**
     * Names the connection ({@code CLIENT SETNAME}), to find it in {@code CLIENT LIST}.
     *
     * @param clientName a name without spaces
     * @return this builder
     */
    public Builder clientName(String clientName) {
      Objects.requireNonNull(clientName, "clientName");
      if (clientName.isEmpty() || clientName.chars().anyMatch(c -> c <= ' ' || c > '~')) {
        throw new IllegalArgumentException("clientName must be printable ASCII without spaces");
      }
      this.clientName = clientName;
      return this;
    }

    /**
     * Sets the prefix of every key (default {@value RedisSessionStore#DEFAULT_KEY_PREFIX}), so
     * that several applications can share one Redis.
     *
     * @param keyPrefix printable ASCII without braces, at most 64 characters; may be empty
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = checkPrefix(keyPrefix);
      return this;
    }

    /**
     * Sets how long a command may take before it fails with {@link StoreUnavailableException}
     * (default {@link RedisSessionStore#DEFAULT_COMMAND_TIMEOUT}).
     *
     * @param commandTimeout between 1 ms and 60 s
     * @return this builder
     */
    public Builder commandTimeout(Duration commandTimeout) {
      this.commandTimeout = checkTimeout(commandTimeout);
      return this;
    }

    /**
     * Connects with TLS (as {@code rediss://} does), verifying the server's certificate and host name.
     *
     * @return this builder
     */
    public Builder tls() {
      this.tls = true;
      return this;
    }

    /**
     * Trusts the CA certificates in a PEM file for TLS (default: the JVM's trust store). Implies {@link #tls()}.
     *
     * @param pemFile the CA certificates
     * @return this builder
     */
    public Builder trustedCertificates(Path pemFile) {
      this.trustedCertificates = Objects.requireNonNull(pemFile, "pemFile");
      this.tls = true;
      return this;
    }

    /**
     * Selects a database number (standalone and Sentinel only; Cluster has only database 0).
     *
     * @param database the database, 0 or more
     * @return this builder
     */
    public Builder database(int database) {
      if (database < 0) {
        throw new IllegalArgumentException("database (" + database + ") must not be negative");
      }
      this.database = database;
      return this;
    }

    /**
     * Sets the clock for the store's own time stamps (admission reservations and revocation
     * marks). TTLs are kept by Redis itself. Default {@link Clock#systemUTC()}.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Shares Lettuce client resources (event loops, timers) with other clients. The caller keeps
     * ownership and shuts them down. Default: the store creates its own (two I/O threads, a
     * reconnect delay growing from 10 ms to 1 s) and shuts them down on close.
     *
     * @param resources the shared resources
     * @return this builder
     */
    public Builder clientResources(ClientResources resources) {
      this.clientResources = Objects.requireNonNull(resources, "resources");
      return this;
    }

    /**
     * Makes every write wait until at least {@code replicas} replicas hold it ({@code WAIT}), and
     * fail with {@link StoreUnavailableException} when they do not within {@code timeout}. Without
     * it, Redis replicates asynchronously: a write the master acknowledged just before a failover
     * may be missing on the promoted replica, and with it a login, a cart item or a revocation.
     * With it, a write the application is told about is on the replicas, and a write to a master
     * that was already replaced fails (the caller retries, by then on the new master). The cost is
     * one more round trip per write plus the replication delay. Ask for as many acknowledgements
     * as the master has replicas: a write that only some replicas hold is lost if Sentinel promotes
     * one of the others ({@link #build()} warns when the numbers differ). Standalone and Sentinel only:
     * Cluster routes keys to different masters, each with its own replicas, which one {@code WAIT}
     * cannot cover.
     *
     * @param replicas how many replicas must hold a write, 1 to 16
     * @param timeout how long to wait for them; positive and shorter than the command timeout
     *     (checked by {@link #build()})
     * @return this builder
     */
    public Builder replicaAcks(int replicas, Duration timeout) {
      if (replicas < 1 || replicas > 16) {
        throw new IllegalArgumentException("replicas (" + replicas + ") must be between 1 and 16");
      }
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("the replica acknowledgement timeout (" + timeout + ") must be positive");
      }
      this.ackReplicas = replicas;
      this.ackTimeout = timeout;
      return this;
    }

    /**
     * Makes the store report sessions that time out ({@link ExpiryNotifyingStore}), so that the
     * servlet filter can call {@code HttpSessionListener.sessionDestroyed} for them as a container
     * would, with the attributes readable. Each session gets a timeout marker key in its slot
     * whose TTL is the session's, while the session hash lives {@link #TIMEOUT_GRACE} longer;
     * when the marker expires, Redis publishes an {@code expired} keyspace event and one
     * subscribed node claims the session. Redis must publish those events
     * ({@code notify-keyspace-events} including {@code Ex}; {@link #build()} checks and warns).
     * Every node that writes sessions under the same prefix must use the same setting. Costs: one
     * more key per session, expired sessions kept up to the grace, and one pub/sub connection per
     * subscribed node. Standalone and Sentinel only: Cluster publishes keyspace events per node.
     * Also {@code expiryNotifications=true} in the location URI.
     *
     * @return this builder
     */
    public Builder expiryNotifications() {
      this.expiryNotifications = true;
      return this;
    }

    /**
     * Skips the start-up check of {@code maxmemory-policy}, for example where {@code CONFIG} is
     * slow to be refused.
     *
     * @return this builder
     */
    public Builder skipEvictionPolicyCheck() {
      this.checkEvictionPolicy = false;
      return this;
    }

    /**
     * Validates the options and connects, or, when Redis cannot be reached, returns a store that
     * connects in the background (see "Start-up" on {@link RedisSessionStore}). On the first
     * connection the store checks the eviction policy (logging a warning when Redis may evict live
     * sessions) and, where they apply, keyspace notifications and attached replicas.
     *
     * @return the store; {@link RedisSessionStore#health()} says whether it is connected yet
     * @throws IllegalArgumentException if no location was given or options conflict
     * @throws StoreUnavailableException if Redis is up and refuses the credentials or the TLS
     *     handshake (an untrusted certificate); the message never contains the password
     */
    public RedisSessionStore build() {
      if (location == null) {
        throw new IllegalArgumentException("location: call location(uri), standalone(..), sentinel(..) or cluster(..)");
      }
      if (database != null && location.topology == Topology.CLUSTER && database != 0) {
        throw new IllegalArgumentException("database (" + database + ") must be 0 with Redis Cluster");
      }
      String prefix = keyPrefix != null ? keyPrefix
          : location.keyPrefix != null ? checkPrefix(location.keyPrefix) : DEFAULT_KEY_PREFIX;
      Duration timeout = commandTimeout != null ? commandTimeout
          : location.timeoutGiven ? checkTimeout(location.uris.get(0).getTimeout()) : DEFAULT_COMMAND_TIMEOUT;
      int acks = ackReplicas;
      Duration ackWait = ackTimeout;
      if (acks == 0 && location.replicaAcks > 0) {
        acks = location.replicaAcks;
        ackWait = location.replicaAckTimeout != null ? location.replicaAckTimeout : timeout.dividedBy(2);
      }
      if (acks > 0) {
        if (location.topology == Topology.CLUSTER) {
          throw new IllegalArgumentException("replicaAcks is for standalone and Sentinel; a Cluster "
              + "spreads keys over masters that one WAIT cannot cover");
        }
        if (ackWait.isZero() || ackWait.compareTo(timeout) >= 0) {
          throw new IllegalArgumentException("the replica acknowledgement timeout (" + ackWait.toMillis()
              + " ms) must be shorter than the command timeout (" + timeout.toMillis() + " ms)");
        }
      }
      if (location.expiryNotifications) {
        expiryNotifications = true;
      }
      if (expiryNotifications && location.topology == Topology.CLUSTER) {
        throw new IllegalArgumentException("expiryNotifications is for standalone and Sentinel; Redis Cluster "
            + "publishes keyspace events on each node separately");
      }
      for (RedisURI uri : location.uris) {
        uri.setTimeout(timeout);
        if (password != null) {
          if (username != null) {
            uri.setAuthentication(username, password);
          } else {
            uri.setAuthentication(password);
          }
        }
        if (clientName != null) {
          uri.setClientName(clientName);
        }
        if (tls) {
          uri.setSsl(true);
        }
        if (database != null) {
          uri.setDatabase(database);
        }
      }
      SslOptions ssl = null;
      if (trustedCertificates != null) {
        if (!Files.isReadable(trustedCertificates)) {
          throw new IllegalArgumentException("trustedCertificates (" + trustedCertificates + ") is not a readable file");
        }
        ssl = SslOptions.builder().jdkSslProvider().trustManager(trustedCertificates.toFile()).build();
      }
      SslOptions tlsOptions = ssl;
      Duration commandTimeout = timeout;
      HealthTracker health = new HealthTracker(clock, "Redis (" + location.topology + " " + describe(location) + ")");
      ReconnectingConnection connection = new ReconnectingConnection(clientResources, resources ->
          location.topology == Topology.CLUSTER
              ? Connection.cluster(location.uris, commandTimeout, tlsOptions, resources)
              : Connection.standalone(location.uris.get(0), commandTimeout, tlsOptions, resources), health);
      RedisSessionStore store = new RedisSessionStore(this, location, connection, prefix, timeout, acks, ackWait);
      boolean checkPolicy = checkEvictionPolicy;
      connection.whenConnected(() -> store.checkOnConnect(checkPolicy));
      try {
        connection.start();
      } catch (RedisException e) {
        connection.close();
        throw new StoreUnavailableException("Redis (" + location.topology + ") refused the connection: "
            + ReconnectingConnection.causeOf(e) + " (check the credentials and the TLS trust)", null);
      }
      LOG.debug("opened {}", store);
      return store;
    }

    /** Hosts and ports (sentinels and master name for Sentinel), never credentials. */
    private static String describe(RedisLocation location) {
      List<String> nodes = new ArrayList<>();
      for (RedisURI uri : location.uris) {
        if (uri.getSentinels() != null && !uri.getSentinels().isEmpty()) {
          List<String> sentinels = new ArrayList<>();
          for (RedisURI s : uri.getSentinels()) {
            sentinels.add(s.getHost() + ":" + s.getPort());
          }
          nodes.add(String.join(",", sentinels) + "#" + uri.getSentinelMasterId());
        } else {
          nodes.add(uri.getHost() + ":" + uri.getPort());
        }
      }
      return String.join(",", nodes);
    }

    private static String checkPrefix(String prefix) {
      Objects.requireNonNull(prefix, "keyPrefix");
      if (prefix.length() > 64 || prefix.chars().anyMatch(c -> c <= ' ' || c > '~' || c == '{' || c == '}')) {
        throw new IllegalArgumentException("keyPrefix must be at most 64 printable ASCII characters without braces");
      }
      return prefix;
    }

    private static Duration checkTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "commandTimeout");
      if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException("commandTimeout (" + timeout + ") must be between 1 ms and 60 s");
      }
      return timeout;
    }
  }

  private record HostPort(String host, int port) {
    static HostPort parse(String text) {
      Objects.requireNonNull(text, "host:port");
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || colon == text.length() - 1) {
        throw new IllegalArgumentException("expected host:port, got " + text.length() + " characters without a port");
      }
      String host = text.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      try {
        int port = Integer.parseInt(text.substring(colon + 1));
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException("port " + port + " is out of range");
        }
        return new HostPort(host, port);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("expected host:port with a numeric port");
      }
    }
  }
}
