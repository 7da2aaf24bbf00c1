package dev.lanyard.session.redis;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.StoreHealth;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.spi.Admission;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.HealthReportingStore;
import dev.lanyard.session.spi.NearCachingStore;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import dev.lanyard.session.spi.UserIndexedStore;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisException;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RedisSessionStore} with a near cache: a bounded local copy of hot session records on
 * this node, so that resolving a hot session costs no round trip, kept correct by Redis itself.
 *
 * <h2>Invalidation</h2>
 * The store opens one more connection (RESP3) and turns on client-side caching in broadcast mode
 * for the prefixes of session keys and user version keys
 * ({@code CLIENT TRACKING ON BCAST PREFIX <prefix>s: PREFIX <prefix>uv:}). Redis then pushes the
 * name of every session key that any client changes, deletes, expires or evicts, and a flush
 * notice on {@code FLUSHDB}/{@code FLUSHALL}; each push drops the local copy of that session. A
 * push for a user's version key (a {@link #revokeAll} on any node) drops every copy of that
 * user's sessions, so the revocation reaches the cache even when the deletions that follow it
 * were lost. This node's own writes also drop its copy as soon as Redis accepted them, before the
 * push arrives. A read that races with an invalidation never stores what it read: each read
 * takes a ticket (a per-stripe invalidation counter and the channel's epoch) before it asks Redis
 * and keeps the answer only if neither moved meanwhile.
 *
 * <h2>When the channel is unhealthy</h2>
 * Every loss of the invalidation connection, every reconnect (Lettuce does not restore tracking
 * after a reconnect), an unanswered heartbeat, and a Sentinel failover moves the epoch: the whole
 * copy is dropped and reads go to Redis until tracking is on again and confirmed. Entries are
 * tagged with the epoch they were read in, so nothing read before a gap is served after it. The
 * channel is pinged every {@link NearCacheOptions#heartbeatInterval()}; the cache answers only
 * while a ping sent within {@link NearCacheOptions#LEASE_HEARTBEATS} intervals was answered.
 *
 * <h2>Expiry</h2>
 * A cached record is served only while this store's clock is before its idle and absolute
 * expiry, and for at most {@link NearCacheOptions#maximumEntryAge()} after it was read; the
 * oldest-unused records are dropped beyond {@link NearCacheOptions#maximumSize()}.
 *
 * <p>Every method other than {@link #loadCached} behaves exactly as the wrapped store's: writes
 * go to Redis first, and the local copy changes only after Redis answered (it is dropped, never
 * updated in place). {@link #load} always reads Redis. Redis Cluster is not supported yet.
 *
 * <p>Thread-safe. Expensive to create (it opens a connection): share one per application and
 * close it on shutdown, which also closes the wrapped store.
 *
 * @since 0.1.0
 */
public final class NearCachedRedisStore implements NearCachingStore, UserIndexedStore, AtomicValueStore,
    ExpiryNotifyingStore, HealthReportingStore {

  private static final Logger LOG = LoggerFactory.getLogger(NearCachedRedisStore.class);

  /**
   * After how many unanswered heartbeats or tracking requests in a row the invalidation
   * connection is replaced by a new one: a half-open connection (its peer vanished without a
   * reset) would otherwise keep the cache off until the kernel gives up on it.
   */
  static final int UNANSWERED_BEFORE_REOPEN = 2;
  private static final int STRIPES = 1024;

  private final RedisSessionStore store;
  private final NearCacheOptions options;
  private final Clock clock;
  private final String sessionKeyStart;
  private final String trackedPrefix;
  /** The length of the digest in a user key's hash tag ({@link Script#userTag}). */
  private static final int USER_TAG_LENGTH = 40;
  private final String userKeyStart;
  private final String trackedUserPrefix;
  /** Moves whenever a user's version changes: a read in flight then keeps nothing. */
  private final AtomicLong userRevocations = new AtomicLong();
  private final Cache<SessionHandle, Entry> cache;
  private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
  /** Moves on every event after which invalidations may have been missed. */
  private final AtomicLong epoch = new AtomicLong();
  /** The epoch in which tracking was confirmed on the current connection, or -1. */
  private volatile long trustedEpoch = -1;
  /** System.nanoTime() after which the cache stops answering unless a heartbeat is answered. */
  private volatile long leaseEnd;
  private final long leaseNanos;
  private final Object lock = new Object();
  private final AtomicBoolean enabling = new AtomicBoolean();
  private final AtomicBoolean pinging = new AtomicBoolean();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder invalidations = new LongAdder();
  private final AtomicLong resets = new AtomicLong();
  private final PushListener pushListener = this::onPush;
  private final RedisConnectionStateListener stateListener = new StateListener();
  /** Unanswered heartbeats and tracking requests in a row; enough of them and the channel is reopened. */
  private final ConnectionLiveness.TimeoutCounter unanswered =
      new ConnectionLiveness.TimeoutCounter(UNANSWERED_BEFORE_REOPEN);
  private volatile StatefulRedisConnection<byte[], byte[]> tracking;
  private volatile boolean closed;
  private final ScheduledFuture<?> heartbeat;

  private record Entry(SessionRecord record, long epoch) {}

  private NearCachedRedisStore(RedisSessionStore store, NearCacheOptions options) {
    this.store = store;
    this.options = options;
    this.clock = store.clock();
    this.sessionKeyStart = store.keyPrefix() + "s:{";
    this.trackedPrefix = store.keyPrefix() + "s:";
    this.userKeyStart = store.keyPrefix() + "uv:{";
    this.trackedUserPrefix = store.keyPrefix() + "uv:";
    this.leaseNanos = options.heartbeatInterval().toNanos() * NearCacheOptions.LEASE_HEARTBEATS;
    this.cache = Caffeine.newBuilder()
        .maximumSize(options.maximumSize())
        .expireAfterWrite(options.maximumEntryAge())
        .executor(Runnable::run)
        .build();
    ReconnectingConnection connection = store.connection();
    // Now when Redis is connected (a failure reaches the caller), else when it first is.
    connection.whenConnected(() -> {
      StatefulRedisConnection<byte[], byte[]> opened;
      try {
        opened = connection.connectAnother();
      } catch (RedisException e) {
        throw new StoreUnavailableException("could not open the near cache's invalidation connection ("
            + e.getClass().getSimpleName() + ")", null);
      }
      attach(opened);
    });
    connection.onMasterSwitch(this::followNewMaster);
    long interval = options.heartbeatInterval().toNanos();
    this.heartbeat = connection.resources.eventExecutorGroup()
        .scheduleWithFixedDelay(this::beat, interval, interval, TimeUnit.NANOSECONDS);
  }

  /**
   * Adds a near cache to a store. The new store owns {@code store}: closing it closes both.
   * Tracking is turned on asynchronously; until Redis confirmed it, reads go to Redis.
   *
   * @param store a standalone or Sentinel store
   * @param options the cache's options
   * @return the store with a near cache
   * @throws IllegalArgumentException if {@code store} uses Redis Cluster
   * @throws StoreUnavailableException if Redis is connected but the invalidation connection cannot
   *     be opened (the store is closed then); when Redis is not reachable yet the channel is opened
   *     on the first connection, and the cache stays off until then
   */
  public static NearCachedRedisStore wrap(RedisSessionStore store, NearCacheOptions options) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(options, "options");
    if (store.topology() == RedisSessionStore.Topology.CLUSTER) {
      throw new IllegalArgumentException("nearCache: Redis Cluster is not supported yet (standalone and Sentinel are)");
    }
    try {
      return new NearCachedRedisStore(store, options);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** The wrapped store's health: the near cache's channel does not change it. */
  @Override
  public StoreHealth health() {
    return store.health();
  }

  @Override
  public HealthReportingStore.HealthSubscription onHealthChange(java.util.function.Consumer<StoreHealth> listener) {
    return store.onHealthChange(listener);
  }

  /** @return the wrapped store */
  public RedisSessionStore delegate() {
    return store;
  }

  /** @return the cache's options */
  public NearCacheOptions options() {
    return options;
  }

  /**
   * Tells whether the cache may answer now: tracking is confirmed on the current invalidation
   * connection and its heartbeat lease has not lapsed. Cheap.
   *
   * @return {@code true} while the invalidation channel is healthy
   */
  public boolean isActive() {
    long e = epoch.get();
    return trustedEpoch == e && System.nanoTime() - leaseEnd < 0;
  }

  /** @return the counters since this store was opened; cheap */
  public NearCacheStats stats() {
    return new NearCacheStats(hits.sum(), misses.sum(), invalidations.sum(), resets.get(), isActive(),
        cache.estimatedSize());
  }

  // ------------------------------------------------------------------ reads

  /**
   * Reads a session from the local copy when the invalidation channel is healthy and the copy
   * is within its expiry; otherwise reads Redis (one {@code HGETALL}) and, if the channel was
   * healthy throughout and no invalidation of this session arrived meanwhile, keeps the answer.
   *
   * @param handle the session's handle
   * @return the record and whether the local copy supplied it, or empty
   * @throws StoreUnavailableException if Redis had to be read and could not be
   * @throws dev.lanyard.session.UnreadableSessionException if the stored record cannot be decoded
   */
  @Override
  public Optional<CachedRecord> loadCached(SessionHandle handle) {
    Objects.requireNonNull(handle, "handle");
    long e = epoch.get();
    boolean usable = trustedEpoch == e && System.nanoTime() - leaseEnd < 0;
    Instant now = clock.instant();
    if (usable) {
      Entry entry = cache.getIfPresent(handle);
      if (entry != null) {
        if (entry.epoch() == e && live(entry.record(), now)) {
          hits.increment();
          return Optional.of(new CachedRecord(entry.record(), true));
        }
        cache.asMap().remove(handle, entry);
      }
    }
    misses.increment();
    int stripe = stripe(handle);
    long ticket = stripes.get(stripe);
    long revocationTicket = userRevocations.get();
    Optional<SessionRecord> loaded = store.load(handle);
    if (usable && loaded.isPresent() && live(loaded.get(), now)) {
      SessionRecord record = loaded.get();
      // Kept only if no invalidation of this stripe and no channel event happened since the ticket;
      // an invalidation either moved the counter before this runs, or removes the entry after it.
      cache.asMap().compute(handle, (k, old) -> stripes.get(stripe) == ticket && epoch.get() == e
          && trustedEpoch == e && userRevocations.get() == revocationTicket ? new Entry(record, e) : old);
    }
    return loaded.map(r -> new CachedRecord(r, false));
  }

  /** Always reads Redis, as {@link RedisSessionStore#load} does. */
  @Override
  public Optional<SessionRecord> load(SessionHandle handle) {
    return store.load(handle);
  }

  private static boolean live(SessionRecord record, Instant now) {
    return now.isBefore(record.absoluteExpiry()) && now.isBefore(record.lastAccessedAt().plus(record.idleTimeout()));
  }

  // ------------------------------------------------------------------ writes: Redis first, then drop the copy

  @Override
  public boolean create(SessionRecord record, Duration ttl) {
    try {
      return store.create(record, ttl);
    } finally {
      invalidate(record.handle());
    }
  }

  @Override
  public UpdateResult update(SessionHandle handle, SessionDelta delta) {
    try {
      return store.update(handle, delta);
    } finally {
      invalidate(handle);
    }
  }

  @Override
  public Optional<SessionRecord> rotate(SessionHandle from, Rotation rotation) {
    try {
      return store.rotate(from, rotation);
    } finally {
      invalidate(from);
      invalidate(rotation.newHandle());
    }
  }

  @Override
  public boolean delete(SessionHandle handle) {
    try {
      return store.delete(handle);
    } finally {
      invalidate(handle);
    }
  }

  @Override
  public Admission admit(String userId, SessionHandle handle, SessionLimit limit, Duration ttl) {
    Admission admission = store.admit(userId, handle, limit, ttl);
    admission.evicted().forEach(this::invalidate);
    return admission;
  }

  @Override
  public List<SessionRecord> sessionsOf(String userId) {
    return store.sessionsOf(userId);
  }

  @Override
  public List<SessionHandle> revokeAll(String userId, Duration sessionLifetime) {
    List<SessionHandle> revoked = store.revokeAll(userId, sessionLifetime);
    revoked.forEach(this::invalidate);
    invalidateUser(userId);
    return revoked;
  }

  @Override
  public List<SessionHandle> revokeOthers(String userId, SessionHandle keep, Duration sessionLifetime) {
    List<SessionHandle> revoked = store.revokeOthers(userId, keep, sessionLifetime);
    revoked.forEach(this::invalidate);
    invalidateUser(userId);
    invalidate(keep);
    return revoked;
  }

  @Override
  public long userVersion(String userId) {
    return store.userVersion(userId);
  }

  /** @return whether the wrapped store reports timeouts */
  @Override
  public boolean reportsTimeouts() {
    return store.reportsTimeouts();
  }

  /** Subscribes through the wrapped store; a reported session's local copy is dropped first. */
  @Override
  public Subscription onTimeout(Consumer<SessionRecord> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    return store.onTimeout(record -> {
      invalidate(record.handle());
      subscriber.accept(record);
    });
  }

  @Override
  public Optional<byte[]> get(String key) {
    return store.get(key);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
    return store.putIfAbsent(key, value, ttl);
  }

  @Override
  public boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl) {
    return store.compareAndSet(key, expected, replacement, ttl);
  }

  @Override
  public boolean remove(String key) {
    return store.remove(key);
  }

  /** Closes the invalidation connection, drops the copy, and closes the wrapped store. */
  @Override
  public void close() {
    closed = true;
    try {
      heartbeat.cancel(false);
      reset();
      StatefulRedisConnection<byte[], byte[]> c = tracking;
      if (c != null) {
        c.close();
      }
    } finally {
      store.close();
    }
  }

  @Override
  public String toString() {
    return "NearCachedRedisStore[" + store + ", maximumSize=" + options.maximumSize() + ", maximumEntryAge="
        + options.maximumEntryAge() + "]";
  }

  // ------------------------------------------------------------------ invalidation

  private static int stripe(SessionHandle handle) {
    int h = handle.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  /** Drops one session's copy; moving the stripe first stops a read in flight from storing it. */
  private void invalidate(SessionHandle handle) {
    stripes.incrementAndGet(stripe(handle));
    cache.invalidate(handle);
    invalidations.increment();
  }

  /** Drops everything and distrusts the channel until tracking is confirmed again. */
  private long reset() {
    synchronized (lock) {
      long e = epoch.incrementAndGet();
      trustedEpoch = -1;
      cache.invalidateAll();
      resets.incrementAndGet();
      return e;
    }
  }

  private void onPush(PushMessage message) {
    if (!"invalidate".equals(message.getType())) {
      return;
    }
    List<Object> content = message.getContent();
    Object keys = content.size() > 1 ? content.get(1) : null;
    if (!(keys instanceof List<?> list)) {
      // FLUSHDB / FLUSHALL: everything goes; the channel itself stays healthy.
      synchronized (lock) {
        boolean wasTrusted = trustedEpoch == epoch.get();
        long e = epoch.incrementAndGet();
        cache.invalidateAll();
        resets.incrementAndGet();
        trustedEpoch = wasTrusted ? e : -1;
      }
      return;
    }
    for (Object key : list) {
      if (!(key instanceof ByteBuffer b)) {
        continue;
      }
      SessionHandle handle = handleOf(b);
      if (handle != null) {
        invalidate(handle);
        continue;
      }
      String user = revokedUserOf(b);
      if (user != null) {
        invalidateUser(user);
      }
    }
  }

  /** Drops every copy of the user's sessions; moving the counter first stops reads in flight from storing one. */
  private void invalidateUser(String userId) {
    userRevocations.incrementAndGet();
    cache.asMap().values().removeIf(entry -> userId.equals(entry.record().userId()));
    invalidations.increment();
  }

  /** The user whose version key this is, or null for any other key. */
  private String revokedUserOf(ByteBuffer key) {
    String name = StandardCharsets.UTF_8.decode(key.duplicate()).toString();
    int tagEnd = userKeyStart.length() + USER_TAG_LENGTH;
    if (!name.startsWith(userKeyStart) || name.length() < tagEnd + 2 || name.charAt(tagEnd) != '}') {
      return null;
    }
    return name.substring(tagEnd + 1);
  }

  private SessionHandle handleOf(ByteBuffer key) {
    String name = StandardCharsets.UTF_8.decode(key.duplicate()).toString();
    if (!name.startsWith(sessionKeyStart) || !name.endsWith("}")) {
      return null;
    }
    String value = name.substring(sessionKeyStart.length(), name.length() - 1);
    return SessionHandle.isWellFormed(value) ? SessionHandle.of(value) : null;
  }

  // ------------------------------------------------------------------ the invalidation connection

  private void attach(StatefulRedisConnection<byte[], byte[]> connection) {
    connection.addListener(pushListener);
    connection.addListener(stateListener);
    StatefulRedisConnection<byte[], byte[]> old = tracking;
    tracking = connection;
    if (old != null) {
      old.removeListener(stateListener);
      old.removeListener(pushListener);
      old.closeAsync();
    }
    enableTracking(connection);
  }

  /**
   * Turns tracking on (off first, as Redis refuses to add an overlapping prefix) and trusts the
   * channel once Redis confirmed it, if nothing happened meanwhile.
   */
  private void enableTracking(StatefulRedisConnection<byte[], byte[]> connection) {
    if (closed || !enabling.compareAndSet(false, true)) {
      return;
    }
    long e = reset();
    long sent = System.nanoTime();
    try {
      connection.async().clientTracking(TrackingArgs.Builder.enabled(false));
      connection.async().clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(trackedPrefix, trackedUserPrefix))
          .whenComplete((ok, error) -> {
            enabling.set(false);
            if (error != null) {
              LOG.debug("could not turn on client tracking yet ({}); the near cache stays off",
                  error.getClass().getSimpleName());
              reopenIfUnanswered(connection);
              return;
            }
            unanswered.answered();
            synchronized (lock) {
              if (epoch.get() == e && connection == tracking && !closed) {
                leaseEnd = sent + leaseNanos;
                trustedEpoch = e;
                LOG.debug("near cache active (epoch {})", e);
              }
            }
          });
    } catch (RuntimeException ex) {
      enabling.set(false);
      LOG.debug("could not turn on client tracking yet ({})", ex.getClass().getSimpleName());
    }
  }

  /** The heartbeat: renews the lease while healthy, re-enables tracking while not. Never blocks. */
  private void beat() {
    StatefulRedisConnection<byte[], byte[]> connection = tracking;
    if (closed || connection == null || !connection.isOpen()) {
      return;
    }
    long e = epoch.get();
    if (trustedEpoch != e) {
      enableTracking(connection);
      return;
    }
    if (!pinging.compareAndSet(false, true)) {
      return;
    }
    long sent = System.nanoTime();
    try {
      connection.async().ping().whenComplete((pong, error) -> {
        pinging.set(false);
        if (error != null) {
          LOG.debug("the near cache's heartbeat failed ({}); the cache is off until tracking is confirmed again",
              error.getClass().getSimpleName());
          synchronized (lock) {
            if (epoch.get() == e) {
              reset();
            }
          }
          reopenIfUnanswered(connection);
          return;
        }
        unanswered.answered();
        // Replies arrive in order on this connection: every invalidation Redis produced before it
        // answered this ping has been applied.
        if (epoch.get() == e) {
          leaseEnd = sent + leaseNanos;
        }
      });
    } catch (RuntimeException ex) {
      pinging.set(false);
      reset();
    }
  }

  /** Replaces the channel after enough unanswered requests in a row (see {@link #UNANSWERED_BEFORE_REOPEN}). */
  private void reopenIfUnanswered(StatefulRedisConnection<byte[], byte[]> connection) {
    if (connection == tracking && unanswered.timedOut()) {
      reopen("the near cache's invalidation connection stopped answering: dropped the local copy, reopening it");
    }
  }

  private void followNewMaster() {
    reopen("the near cache follows the new Sentinel master: dropped the local copy, reconnecting its channel");
  }

  private void reopen(String why) {
    if (closed) {
      return;
    }
    reset();
    LOG.info(why);
    // Connecting blocks: not on the Lettuce thread that reported the switch.
    store.connection().resources.eventExecutorGroup().execute(() -> {
      try {
        if (!closed) {
          attach(store.connection().connectAnother());
        }
      } catch (RuntimeException e) {
        LOG.warn("could not reopen the near cache's channel ({}); the cache stays off until a later try",
            e.getClass().getSimpleName());
      }
    });
  }

  private final class StateListener implements RedisConnectionStateListener {
    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
      if (connection == tracking && !closed) {
        reset();
        enabling.set(false);
        enableTracking(tracking);
      }
    }

    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
      if (connection == tracking) {
        reset();
        LOG.debug("the near cache's invalidation connection dropped; the cache is off until it is back");
      }
    }
  }
}
