package dev.lanyard.session.jdbc;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.OverflowRule;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.spi.Admission;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import dev.lanyard.session.spi.UserIndexedStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session store on a relational database: PostgreSQL first-class, MariaDB through its
 * {@link Dialect}. It implements the whole SPI with the Redis store's semantics: deltas, versions,
 * rotation, revocation by session and by user (the user's version), the atomic per-user limit,
 * the {@link AtomicValueStore} that refresh tokens and the token deny-list use, and reports of
 * sessions that time out ({@link ExpiryNotifyingStore}), delivered by the sweep that deletes them.
 *
 * <h2>Costs</h2>
 * A resolve is one primary-key {@code SELECT} (one round trip) that also checks expiry and the
 * user's version, so a row the sweep has not removed yet never resolves. A delta is one
 * single-row {@code UPDATE} that merges the attributes in SQL (never read-modify-write here), so
 * concurrent first writes and concurrent deltas to different attributes all survive, with no
 * duplicate-key error. Logins, rotations and revoke-all are short transactions that lock the
 * user's row, which makes the per-user limit atomic however many logins race. Expired rows are
 * deleted by a background sweep in bounded batches ({@code SKIP LOCKED}, so many nodes sweep at
 * once without queueing and requests never wait on it). {@code docs/jdbc.md} has the schema and
 * the reasoning.
 *
 * <h2>Time</h2>
 * Expiry is decided by the store's {@link Clock}, passed to every statement: nodes must keep
 * their clocks in sync (NTP), as the policy's {@code clockSkew} assumes anyway.
 *
 * <h2>Failure</h2>
 * Every statement carries the {@linkplain Builder#timeout(Duration) timeout}; a database that is
 * down, slow or holding a lock beyond it makes the operation throw
 * {@link StoreUnavailableException} (the message names the operation and the SQL state, never a
 * session ID or value). The store keeps no connection of its own: the {@link DataSource}'s pool
 * reconnects, so the store recovers by itself when the database is back.
 *
 * <p>Thread-safe; expensive to create (it starts the sweep thread): create one per application and
 * {@link #close()} it at shutdown. Closing does not close the {@link DataSource}.
 *
 * @since 0.1.0
 */
public final class JdbcSessionStore implements UserIndexedStore, AtomicValueStore, ExpiryNotifyingStore {

  /** The default prefix of the table names: {@value}. */
  public static final String DEFAULT_TABLE_PREFIX = "lanyard_";

  /** The default time a statement may take before it fails: two seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

  /** The default time between sweeps of expired rows on each node: one minute. */
  public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);

  /** The default number of rows one sweep statement deletes: {@value}. */
  public static final int DEFAULT_SWEEP_BATCH_SIZE = 500;

  /**
   * How long an admitted handle whose session is not written yet counts against the user's limit,
   * and how long a handle evicted before it was written stays unwritable.
   */
  static final Duration ADMISSION_GRACE = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(JdbcSessionStore.class);
  private static final Pattern TABLE_PREFIX = Pattern.compile("[a-z_][a-z0-9_]{0,30}");
  private static final int DEADLOCK_RETRIES = 8;

  private final Connections connections;
  private final Dialect dialect;
  private final Statements sql;
  private final Clock clock;
  private final int timeoutSeconds;
  private final Duration timeout;
  private final SchemaSetup schema;
  private final int sweepBatchSize;
  private final Duration sweepInterval;
  private final ScheduledExecutorService sweeper;
  private volatile boolean schemaReady;
  private final CopyOnWriteArrayList<Consumer<SessionRecord>> timeoutSubscribers = new CopyOnWriteArrayList<>();
  /** Handles of swept rows that were not timeouts (revoked, unreadable); used by the sweep thread only. */
  private final List<String> revokedSwept = new ArrayList<>();

  private JdbcSessionStore(Builder b) {
    this.connections = b.connections;
    this.dialect = b.dialect;
    this.sql = Statements.load(b.dialect, b.tablePrefix);
    this.clock = b.clock;
    this.timeout = b.timeout;
    this.timeoutSeconds = (int) Math.max(1, (b.timeout.toMillis() + 999) / 1000);
    this.schema = b.schema;
    this.sweepBatchSize = b.sweepBatchSize;
    this.sweepInterval = b.sweepInterval;
    this.schemaReady = b.schema == SchemaSetup.NONE;
    if (!schemaReady) {
      try {
        ensureSchema();
      } catch (StoreUnavailableException e) {
        LOG.warn("could not create the session tables at start ({}); trying again before the first operation",
            e.getMessage());
      }
    }
    if (sweepInterval.isZero()) {
      this.sweeper = null;
    } else {
      this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lanyard-jdbc-sweep");
        t.setDaemon(true);
        return t;
      });
      long period = sweepInterval.toMillis();
      long first = ThreadLocalRandom.current().nextLong(period) + 1;
      sweeper.scheduleWithFixedDelay(this::sweepQuietly, first, period, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Starts a builder.
   *
   * @return a builder; {@link Builder#dataSource} and {@link Builder#dialect} are required
   */
  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------ sessions

  @Override
  public Optional<SessionRecord> load(SessionHandle handle) {
    Objects.requireNonNull(handle, "handle");
    long now = clock.millis();
    return inConnection("load", c -> {
      try (PreparedStatement s = prepare(c, "load")) {
        s.setString(1, handle.value());
        s.setLong(2, now);
        s.setLong(3, now);
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? Optional.of(record(rs)) : Optional.empty();
        }
      }
    }, true);
  }

  @Override
  public boolean create(SessionRecord record, Duration ttl) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(ttl, "ttl");
    long now = clock.millis();
    if (record.userId() == null) {
      return inConnection("create", c -> insert(c, record, now, now + ttl.toMillis()));
    }
    return inTransaction("create", c -> {
      lockUser(c, record.userId(), now, now + ttl.toMillis());
      if (!insert(c, record, now, now + ttl.toMillis())) {
        return false;
      }
      dropAdmission(c, record.handle());
      return true;
    });
  }

  @Override
  public UpdateResult update(SessionHandle handle, SessionDelta delta) {
    Objects.requireNonNull(handle, "handle");
    Objects.requireNonNull(delta, "delta");
    String patch = AttributesJson.patch(delta.removals(), delta.puts());
    String touched = AttributesJson.touched(delta.removals(), delta.puts().keySet());
    long putBytes = SessionRecord.sizeOf(delta.puts());
    boolean returning = dialect == Dialect.POSTGRESQL;
    Work<UpdateResult> work = c -> {
      for (int attempt = 0; ; attempt++) {
        long now = clock.millis();
        try (PreparedStatement s = prepare(c, "update")) {
          int i = 0;
          s.setString(++i, touched);
          s.setLong(++i, putBytes);
          s.setString(++i, patch);
          if (returning) {
            s.setString(++i, patch);
          }
          s.setLong(++i, delta.lastAccessedAt().toEpochMilli());
          setLongOrNull(s, ++i, delta.idleTimeout() == null ? null : delta.idleTimeout().toMillis());
          setStringOrNull(s, ++i, delta.lastNode());
          s.setLong(++i, now + delta.ttl().toMillis());
          s.setString(++i, handle.value());
          s.setLong(++i, now);
          s.setLong(++i, now);
          s.setString(++i, touched);
          s.setLong(++i, putBytes);
          s.setLong(++i, delta.payloadLimit());
          if (returning) {
            try (ResultSet rs = s.executeQuery()) {
              if (rs.next()) {
                return UpdateResult.applied(rs.getLong(1));
              }
            }
          } else if (s.executeUpdate() > 0) {
            try (PreparedStatement size = prepare(c, "updatedSize")) {
              size.setString(1, handle.value());
              try (ResultSet rs = size.executeQuery()) {
                rs.next();
                return UpdateResult.applied(rs.getLong(1));
              }
            }
          }
        }
        UpdateResult refused = refused(c, handle, touched, putBytes, now, delta.payloadLimit());
        if (refused != null || attempt >= 2) {
          return refused != null ? refused : UpdateResult.notFound();
        }
      }
    };
    // PostgreSQL: one statement, no transaction needed. MariaDB: the update and the read of its size
    // in one transaction, so the size read is the one this update wrote.
    return returning ? inConnection("update", work) : inTransaction("update", work);
  }

  /**
   * After an update that changed nothing: {@code TOO_LARGE} or {@code NOT_FOUND}, or {@code null}
   * when the session is live and the delta now fits (a racing delta changed it): try again.
   */
  private UpdateResult refused(Connection c, SessionHandle handle, String touched, long putBytes, long now,
      long limit) throws SQLException {
    try (PreparedStatement s = prepare(c, "updateRefused")) {
      s.setString(1, touched);
      s.setLong(2, putBytes);
      s.setString(3, handle.value());
      s.setLong(4, now);
      s.setLong(5, now);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          return UpdateResult.notFound();
        }
        long size = rs.getLong(1);
        return size > limit ? UpdateResult.tooLarge(size) : null;
      }
    }
  }

  @Override
  public Optional<SessionRecord> rotate(SessionHandle from, Rotation rotation) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(rotation, "rotation");
    return inTransaction("rotate", c -> {
      long now = clock.millis();
      long expiresAt = now + rotation.ttl().toMillis();
      if (rotation.userId() != null) {
        lockUser(c, rotation.userId(), now, expiresAt);
      }
      SessionRecord old;
      try (PreparedStatement s = prepare(c, "loadForUpdate")) {
        s.setString(1, from.value());
        s.setLong(2, now);
        s.setLong(3, now);
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) {
            return Optional.<SessionRecord>empty();
          }
          old = record(rs);
        }
      }
      SessionRecord rotated = rotation.applyTo(old);
      try (PreparedStatement s = prepare(c, "deleteForRotation")) {
        s.setString(1, from.value());
        s.executeUpdate();
      }
      if (!insert(c, rotated, now, expiresAt)) {
        c.rollback();
        return Optional.<SessionRecord>empty();
      }
      if (rotated.userId() != null) {
        dropAdmission(c, rotated.handle());
      }
      return Optional.of(rotated);
    });
  }

  @Override
  public boolean delete(SessionHandle handle) {
    Objects.requireNonNull(handle, "handle");
    long now = clock.millis();
    return inConnection("delete", c -> {
      try (PreparedStatement s = prepare(c, "delete")) {
        s.setString(1, handle.value());
        s.setLong(2, now);
        return s.executeUpdate() > 0;
      }
    });
  }

  // ------------------------------------------------------------------ users

  @Override
  public Admission admit(String userId, SessionHandle handle, SessionLimit limit, Duration ttl) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(handle, "handle");
    Objects.requireNonNull(limit, "limit");
    Objects.requireNonNull(ttl, "ttl");
    return inTransaction("admit", c -> {
      long now = clock.millis();
      long version = lockUser(c, userId, now, now + ttl.toMillis());
      List<Candidate> held = new ArrayList<>();
      try (PreparedStatement s = prepare(c, "admissionCandidates")) {
        s.setString(1, userId);
        s.setLong(2, now);
        s.setLong(3, version);
        s.setString(4, userId);
        s.setLong(5, now);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            held.add(new Candidate(SessionHandle.of(rs.getString(1)), rs.getLong(2), rs.getInt(3) == 1));
          }
        }
      }
      if (held.stream().anyMatch(h -> h.handle.equals(handle))) {
        return new Admission(Admission.Decision.ADMITTED, List.of(), held.size(), version);
      }
      int overflow = held.size() + 1 - limit.maxSessions();
      if (overflow > 0 && limit.overflow() == OverflowRule.REFUSE_NEW) {
        return new Admission(Admission.Decision.REFUSED, List.of(), held.size(), version);
      }
      List<SessionHandle> evicted = new ArrayList<>();
      if (overflow > 0) {
        held.sort(Comparator.comparing((Candidate h) -> !h.written)
            .thenComparingLong(h -> h.lastUse).thenComparing(h -> h.handle));
        for (Candidate victim : held.subList(0, overflow)) {
          try (PreparedStatement s = prepare(c, victim.written ? "evictSession" : "evictAdmission")) {
            s.setString(1, victim.handle.value());
            s.executeUpdate();
          }
          evicted.add(victim.handle);
        }
      }
      try (PreparedStatement s = prepare(c, "admit")) {
        s.setString(1, handle.value());
        s.setString(2, userId);
        s.setLong(3, now);
        s.setLong(4, now + ADMISSION_GRACE.toMillis());
        s.executeUpdate();
      }
      return new Admission(Admission.Decision.ADMITTED, evicted, held.size() - evicted.size() + 1, version);
    });
  }

  private record Candidate(SessionHandle handle, long lastUse, boolean written) {}

  @Override
  public List<SessionRecord> sessionsOf(String userId) {
    Objects.requireNonNull(userId, "userId");
    long now = clock.millis();
    return inConnection("sessionsOf", c -> {
      try (PreparedStatement s = prepare(c, "sessionsOf")) {
        s.setString(1, userId);
        s.setLong(2, now);
        s.setLong(3, now);
        List<SessionRecord> records = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            records.add(record(rs));
          }
        }
        return records;
      }
    }, true);
  }

  /**
   * Ends every session of the user in one transaction: the version grows, the user's sessions and
   * pending admissions are deleted, together or not at all.
   */
  @Override
  public List<SessionHandle> revokeAll(String userId, Duration sessionLifetime) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(sessionLifetime, "sessionLifetime");
    return inTransaction("revokeAll", c -> {
      long now = clock.millis();
      long keep = now + Math.max(sessionLifetime.toMillis(), ADMISSION_GRACE.toMillis());
      long version = lockUser(c, userId, now, keep);
      List<SessionHandle> revoked = new ArrayList<>();
      try (PreparedStatement s = prepare(c, "userSessionsForRevocation")) {
        s.setLong(1, version);
        s.setLong(2, now);
        s.setString(3, userId);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            if (rs.getBoolean(2)) {
              revoked.add(SessionHandle.of(rs.getString(1)));
            }
          }
        }
      }
      try (PreparedStatement s = prepare(c, "bumpUser")) {
        s.setLong(1, keep);
        s.setString(2, userId);
        s.executeUpdate();
      }
      for (String name : List.of("deleteUserSessions", "deleteUserAdmissions")) {
        try (PreparedStatement s = prepare(c, name)) {
          s.setString(1, userId);
          s.executeUpdate();
        }
      }
      return revoked;
    });
  }

  /**
   * Ends every session of the user but {@code keep} in one transaction: the version grows, the
   * other sessions and pending admissions are deleted and {@code keep}, when it is a live session
   * of the user, takes the new version; a {@code keep} that is not is ended with the others.
   */
  @Override
  public List<SessionHandle> revokeOthers(String userId, SessionHandle keep, Duration sessionLifetime) {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(keep, "keep");
    Objects.requireNonNull(sessionLifetime, "sessionLifetime");
    return inTransaction("revokeOthers", c -> {
      long now = clock.millis();
      long keepUntil = now + Math.max(sessionLifetime.toMillis(), ADMISSION_GRACE.toMillis());
      long version = lockUser(c, userId, now, keepUntil);
      List<SessionHandle> revoked = new ArrayList<>();
      boolean keeps = false;
      try (PreparedStatement s = prepare(c, "userSessionsForRevocation")) {
        s.setLong(1, version);
        s.setLong(2, now);
        s.setString(3, userId);
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            SessionHandle handle = SessionHandle.of(rs.getString(1));
            boolean live = rs.getBoolean(2);
            if (handle.equals(keep)) {
              keeps = live;
            } else if (live) {
              revoked.add(handle);
            }
          }
        }
      }
      try (PreparedStatement s = prepare(c, "bumpUser")) {
        s.setLong(1, keepUntil);
        s.setString(2, userId);
        s.executeUpdate();
      }
      if (keeps) {
        try (PreparedStatement s = prepare(c, "restampSession")) {
          s.setLong(1, version + 1);
          s.setString(2, keep.value());
          s.executeUpdate();
        }
      }
      String except = keeps ? keep.value() : "";
      for (String name : List.of("deleteUserSessionsExcept", "deleteUserAdmissionsExcept")) {
        try (PreparedStatement s = prepare(c, name)) {
          s.setString(1, userId);
          s.setString(2, except);
          s.executeUpdate();
        }
      }
      return revoked;
    });
  }

  @Override
  public long userVersion(String userId) {
    Objects.requireNonNull(userId, "userId");
    long now = clock.millis();
    return inConnection("userVersion", c -> {
      try (PreparedStatement s = prepare(c, "userVersion")) {
        s.setString(1, userId);
        s.setLong(2, now);
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      }
    }, true);
  }

  // ------------------------------------------------------------------ values

  @Override
  public Optional<byte[]> get(String key) {
    AtomicValueStore.checkKeyAndValue(key, null);
    long now = clock.millis();
    return inConnection("get", c -> {
      try (PreparedStatement s = prepare(c, "valueGet")) {
        s.setString(1, key);
        s.setLong(2, now);
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.<byte[]>empty();
        }
      }
    }, true);
  }

  @Override
  public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
    AtomicValueStore.checkKeyAndValue(key, value);
    Objects.requireNonNull(value, "value");
    checkTtl(ttl);
    long now = clock.millis();
    return inConnection("putIfAbsent", c -> {
      if (dialect == Dialect.POSTGRESQL) {
        try (PreparedStatement s = prepare(c, "valuePut")) {
          s.setString(1, key);
          s.setBytes(2, value);
          s.setLong(3, now + ttl.toMillis());
          s.setLong(4, now);
          return s.executeUpdate() > 0;
        }
      }
      try (PreparedStatement s = prepare(c, "valueDeleteExpired")) {
        s.setString(1, key);
        s.setLong(2, now);
        s.executeUpdate();
      }
      try (PreparedStatement s = prepare(c, "valuePut")) {
        s.setString(1, key);
        s.setBytes(2, value);
        s.setLong(3, now + ttl.toMillis());
        return s.executeUpdate() > 0;
      } catch (SQLException e) {
        if (isDuplicateKey(e)) {
          return false;
        }
        throw e;
      }
    });
  }

  @Override
  public boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl) {
    AtomicValueStore.checkKeyAndValue(key, replacement);
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(replacement, "replacement");
    checkTtl(ttl);
    long now = clock.millis();
    return inConnection("compareAndSet", c -> {
      try (PreparedStatement s = prepare(c, "valueCompareAndSet")) {
        s.setBytes(1, replacement);
        s.setLong(2, now + ttl.toMillis());
        s.setString(3, key);
        s.setBytes(4, expected);
        s.setLong(5, now);
        return s.executeUpdate() > 0;
      }
    });
  }

  @Override
  public boolean remove(String key) {
    AtomicValueStore.checkKeyAndValue(key, null);
    long now = clock.millis();
    return inConnection("remove", c -> {
      try (PreparedStatement s = prepare(c, "valueRemove")) {
        s.setString(1, key);
        s.setLong(2, now);
        return s.executeUpdate() > 0;
      }
    });
  }

  // ------------------------------------------------------------------ sweep and lifecycle

  /**
   * Deletes expired rows now, in batches of the sweep batch size, until a batch finds fewer rows
   * than that or a time budget of half the sweep interval (at least the timeout) is spent. The
   * background sweep calls this every sweep interval; several nodes may run it at once, and each
   * batch skips rows another node is deleting.
   *
   * @return how many expired sessions were deleted
   * @throws StoreUnavailableException if the database fails
   */
  public synchronized int sweep() {
    long budget = Math.max(timeout.toMillis(), sweepInterval.toMillis() / 2);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(budget);
    int sessions = 0;
    for (String table : List.of("Sessions", "Admissions", "Values", "Users")) {
      while (true) {
        int removed = sweepBatch(table);
        if (table.equals("Sessions")) {
          sessions += removed;
        }
        if (removed < sweepBatchSize || System.nanoTime() > deadline) {
          break;
        }
      }
    }
    return sessions;
  }

  private int sweepBatch(String table) {
    long now = clock.millis();
    boolean sessions = table.equals("Sessions");
    List<SessionRecord> timedOut = new ArrayList<>();
    int removed;
    if (dialect == Dialect.POSTGRESQL) {
      removed = inConnection("sweep", c -> {
        try (PreparedStatement s = prepare(c, "sweep" + table)) {
          s.setLong(1, now);
          s.setInt(2, sweepBatchSize);
          if (!sessions) {
            return s.executeUpdate();
          }
          return collectSwept(s, timedOut);
        }
      });
    } else {
      removed = inTransaction("sweep", c -> {
        List<String> keys = new ArrayList<>();
        try (PreparedStatement s = prepare(c, "sweep" + table + "Select")) {
          s.setLong(1, now);
          s.setInt(2, sweepBatchSize);
          if (sessions) {
            collectSwept(s, timedOut);
            timedOut.forEach(r -> keys.add(r.handle().value()));
            keys.addAll(revokedSwept);
          } else {
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                keys.add(rs.getString(1));
              }
            }
          }
        }
        if (keys.isEmpty()) {
          return 0;
        }
        try (PreparedStatement s = prepare(c, "sweep" + table + "Delete")) {
          for (String key : keys) {
            s.setString(1, key);
            s.setLong(2, now);
            s.addBatch();
          }
          s.executeBatch();
        }
        return keys.size();
      });
    }
    deliver(timedOut);
    return removed;
  }

  /** Reads swept sessions: those that timed out go to {@code timedOut}; returns how many rows came. */
  private int collectSwept(PreparedStatement s, List<SessionRecord> timedOut) throws SQLException {
    int rows = 0;
    revokedSwept.clear();
    try (ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        rows++;
        if (rs.getBoolean(14)) {
          revokedSwept.add(rs.getString(1));
          continue;
        }
        try {
          timedOut.add(record(rs));
        } catch (RuntimeException unreadable) {
          revokedSwept.add(rs.getString(1));
        }
      }
    }
    return rows;
  }

  private void deliver(List<SessionRecord> timedOut) {
    if (timedOut.isEmpty() || timeoutSubscribers.isEmpty()) {
      return;
    }
    for (SessionRecord record : timedOut) {
      for (Consumer<SessionRecord> subscriber : timeoutSubscribers) {
        try {
          subscriber.accept(record);
        } catch (RuntimeException e) {
          LOG.warn("a timeout subscriber threw {}; ignored", e.getClass().getName(), e);
        }
      }
    }
  }

  /**
   * Always {@code true}: the sweep reports the sessions it deletes by timeout. A node whose
   * {@linkplain Builder#sweepInterval sweep is off} reports only what its own {@link #sweep()}
   * calls delete; the reports come within one sweep interval of the expiry.
   */
  @Override
  public boolean reportsTimeouts() {
    return true;
  }

  @Override
  public Subscription onTimeout(Consumer<SessionRecord> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    Consumer<SessionRecord> own = subscriber::accept;
    timeoutSubscribers.add(own);
    return () -> timeoutSubscribers.remove(own);
  }

  private void sweepQuietly() {
    try {
      int removed = sweep();
      if (removed > 0) {
        LOG.debug("the sweep deleted {} expired sessions", removed);
      }
    } catch (RuntimeException e) {
      LOG.warn("the sweep of expired sessions failed: {}", e.getMessage());
    }
  }

  /**
   * Stops the sweep. The {@link DataSource} given to the builder stays open; one the store opened
   * itself (from a URI) is closed.
   */
  @Override
  public void close() {
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    connections.close();
  }

  @Override
  public String toString() {
    return "JdbcSessionStore[dialect=" + dialect + "]";
  }

  // ------------------------------------------------------------------ helpers

  /**
   * Locks the user's row until the transaction ends (creating it if needed), keeps it at least until
   * {@code keepUntil}, and returns the user's version. Must be the transaction's first statement: on
   * MariaDB it commits the row's creation before taking the lock.
   */
  private long lockUser(Connection c, String userId, long now, long keepUntil) throws SQLException {
    if (dialect == Dialect.POSTGRESQL) {
      try (PreparedStatement s = prepare(c, "lockUser")) {
        s.setString(1, userId);
        s.setLong(2, keepUntil);
        s.setLong(3, now);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    }
    for (int attempt = 0; ; attempt++) {
      try (PreparedStatement s = prepare(c, "ensureUser")) {
        s.setString(1, userId);
        s.setLong(2, keepUntil);
        s.executeUpdate();
      }
      c.commit();
      long version;
      try (PreparedStatement s = prepare(c, "lockUser")) {
        s.setString(1, userId);
        try (ResultSet rs = s.executeQuery()) {
          if (!rs.next()) {
            if (attempt < 3) {
              continue; // the sweep removed it in between: create it again
            }
            throw new SQLException("the user's row keeps disappearing", "40001");
          }
          version = rs.getLong(2) <= now ? 0 : rs.getLong(1);
        }
      }
      try (PreparedStatement s = prepare(c, "keepUser")) {
        s.setLong(1, version);
        s.setLong(2, keepUntil);
        s.setString(3, userId);
        s.executeUpdate();
      }
      return version;
    }
  }

  private void dropAdmission(Connection c, SessionHandle handle) throws SQLException {
    try (PreparedStatement s = prepare(c, "dropAdmission")) {
      s.setString(1, handle.value());
      s.executeUpdate();
    }
  }

  private boolean insert(Connection c, SessionRecord r, long now, long expiresAt) throws SQLException {
    if (dialect == Dialect.MARIADB) {
      try (PreparedStatement s = prepare(c, "deleteExpired")) {
        s.setString(1, r.handle().value());
        s.setLong(2, now);
        s.executeUpdate();
      }
    }
    try (PreparedStatement s = prepare(c, "insert")) {
      int i = 0;
      s.setString(++i, r.handle().value());
      setStringOrNull(s, ++i, r.userId());
      s.setLong(++i, r.version());
      s.setLong(++i, r.userVersion());
      s.setLong(++i, r.createdAt().toEpochMilli());
      s.setLong(++i, r.lastAccessedAt().toEpochMilli());
      s.setLong(++i, r.idleTimeout().toMillis());
      s.setLong(++i, r.absoluteExpiry().toEpochMilli());
      setLongOrNull(s, ++i, r.authenticatedAt() == null ? null : r.authenticatedAt().toEpochMilli());
      setStringOrNull(s, ++i, r.lastNode());
      s.setString(++i, r.client().userAgent());
      s.setString(++i, r.client().addressPrefix());
      s.setLong(++i, expiresAt);
      s.setLong(++i, r.attributeBytes());
      s.setString(++i, AttributesJson.encode(r.attributes()));
      setStringOrNull(s, ++i, r.userId());
      s.setLong(++i, r.userVersion());
      s.setLong(++i, now);
      s.setString(++i, r.handle().value());
      s.setLong(++i, now);
      if (dialect == Dialect.POSTGRESQL) {
        s.setLong(++i, now);
      }
      return s.executeUpdate() > 0;
    } catch (SQLException e) {
      if (dialect == Dialect.MARIADB && isDuplicateKey(e)) {
        return false;
      }
      throw e;
    }
  }

  private static SessionRecord record(ResultSet rs) throws SQLException {
    SessionHandle handle = SessionHandle.of(rs.getString(1));
    long authenticatedAt = rs.getLong(9);
    Instant authenticated = rs.wasNull() ? null : Instant.ofEpochMilli(authenticatedAt);
    return SessionRecord.builder()
        .handle(handle)
        .userId(rs.getString(2))
        .version(rs.getLong(3))
        .userVersion(rs.getLong(4))
        .createdAt(Instant.ofEpochMilli(rs.getLong(5)))
        .lastAccessedAt(Instant.ofEpochMilli(rs.getLong(6)))
        .idleTimeout(Duration.ofMillis(rs.getLong(7)))
        .absoluteExpiry(Instant.ofEpochMilli(rs.getLong(8)))
        .authenticatedAt(authenticated)
        .lastNode(rs.getString(10))
        .client(new ClientInfo(rs.getString(11), rs.getString(12)))
        .attributes(AttributesJson.decode(handle, rs.getString(13)))
        .build();
  }

  private PreparedStatement prepare(Connection c, String name) throws SQLException {
    PreparedStatement s = c.prepareStatement(sql.get(name));
    s.setQueryTimeout(timeoutSeconds);
    return s;
  }

  private static void setStringOrNull(PreparedStatement s, int index, String value) throws SQLException {
    if (value == null) {
      s.setNull(index, Types.VARCHAR);
    } else {
      s.setString(index, value);
    }
  }

  private static void setLongOrNull(PreparedStatement s, int index, Long value) throws SQLException {
    if (value == null) {
      s.setNull(index, Types.BIGINT);
    } else {
      s.setLong(index, value);
    }
  }

  private static void checkTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl (" + ttl + ") must be positive");
    }
  }

  private static boolean isDuplicateKey(SQLException e) {
    return e.getErrorCode() == 1062 || "23505".equals(e.getSQLState());
  }

  private static boolean isRetryable(SQLException e) {
    String state = e.getSQLState();
    return "40001".equals(state) || "40P01".equals(state) || e.getErrorCode() == 1213;
  }

  /** Work on a connection. */
  @FunctionalInterface
  private interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T inConnection(String operation, Work<T> work) {
    return inConnection(operation, work, false);
  }

  /**
   * @param readOnly whether the work only reads: then a failure of the connection itself (the
   *     database restarted since the pool last used it) is retried once on another connection
   */
  private <T> T inConnection(String operation, Work<T> work, boolean readOnly) {
    if (dialect == Dialect.MARIADB && !readOnly) {
      // InnoDB's default REPEATABLE READ makes a write's subqueries and point lookups of absent keys
      // take gap locks, which deadlock with concurrent inserts; under READ COMMITTED they do not.
      return inTransaction(operation, work);
    }
    ensureSchema();
    for (int attempt = 1; ; attempt++) {
      Connection c = null;
      boolean broken = true;
      try {
        c = connections.acquire();
        if (!c.getAutoCommit()) {
          c.setAutoCommit(true);
        }
        T result = work.run(c);
        broken = false;
        return result;
      } catch (SQLException e) {
        if (readOnly && attempt == 1 && isConnectionLost(e)) {
          continue;
        }
        throw unavailable(operation, e);
      } finally {
        if (c != null) {
          connections.release(c, broken);
        }
      }
    }
  }

  /** Whether the connection died (network, or the server ended the session), not the statement. */
  private static boolean isConnectionLost(SQLException e) {
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
        || state.equals("57P03")) || e instanceof java.sql.SQLRecoverableException;
  }

  private <T> T inTransaction(String operation, Work<T> work) {
    ensureSchema();
    for (int attempt = 1; ; attempt++) {
      Connection c = null;
      boolean broken = true;
      try {
        c = connections.acquire();
        // PostgreSQL's default is READ COMMITTED already (asking costs a round trip); InnoDB's is
        // REPEATABLE READ, under which a statement after a lock could read an older snapshot.
        int isolation = dialect == Dialect.MARIADB ? c.getTransactionIsolation() : Connection.TRANSACTION_READ_COMMITTED;
        if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
          c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        }
        c.setAutoCommit(false);
        try {
          T result = work.run(c);
          c.commit();
          broken = false;
          return result;
        } catch (SQLException | RuntimeException e) {
          try {
            c.rollback();
          } catch (SQLException rollbackFailed) {
            e.addSuppressed(rollbackFailed);
          }
          throw e;
        } finally {
          c.setAutoCommit(true);
          if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
            c.setTransactionIsolation(isolation);
          }
        }
      } catch (SQLException e) {
        if (isRetryable(e) && attempt < DEADLOCK_RETRIES) {
          // back off a little, at random, so that the transactions that collided do not collide again
          java.util.concurrent.locks.LockSupport.parkNanos(
              TimeUnit.MILLISECONDS.toNanos(ThreadLocalRandom.current().nextLong(1, 5L * attempt + 2)));
          continue;
        }
        throw unavailable(operation, e);
      } finally {
        if (c != null) {
          connections.release(c, broken);
        }
      }
    }
  }

  private void ensureSchema() {
    if (schemaReady) {
      return;
    }
    synchronized (this) {
      if (schemaReady) {
        return;
      }
      Connection c = null;
      boolean broken = true;
      try {
        c = connections.acquire();
        c.setAutoCommit(true);
        for (String ddl : sql.schema()) {
          try (var s = c.createStatement()) {
            s.setQueryTimeout(Math.max(timeoutSeconds, 30));
            s.execute(ddl);
          }
        }
        broken = false;
      } catch (SQLException e) {
        throw unavailable("create the schema", e);
      } finally {
        if (c != null) {
          connections.release(c, broken);
        }
      }
      schemaReady = true;
    }
  }

  private static StoreUnavailableException unavailable(String operation, SQLException e) {
    return new StoreUnavailableException("the session database failed to " + operation + " (SQLState "
        + e.getSQLState() + ", " + e.getClass().getSimpleName() + ")", e);
  }

  /**
   * Options of a {@link JdbcSessionStore}. Not thread-safe; {@link #build()} checks every option
   * and names the one that is wrong.
   */
  public static final class Builder {
    private DataSource dataSource;
    private Dialect dialect;
    private String tablePrefix = DEFAULT_TABLE_PREFIX;
    private SchemaSetup schema = SchemaSetup.NONE;
    private Duration timeout = DEFAULT_TIMEOUT;
    private Duration sweepInterval = DEFAULT_SWEEP_INTERVAL;
    private int sweepBatchSize = DEFAULT_SWEEP_BATCH_SIZE;
    private Clock clock = Clock.systemUTC();
    private Connections connections;

    private Builder() {}

    /**
     * Sets where connections come from: the application's pool (HikariCP, say). Required. Its
     * connection timeout should not exceed {@link #timeout}, or a request may wait for a
     * connection longer than the store promises. The store never closes it.
     *
     * @param dataSource the pool
     * @return this builder
     */
    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      return this;
    }

    /**
     * Sets the SQL dialect. Required (the store does not ask the database at start, which may be
     * down).
     *
     * @param dialect the dialect
     * @return this builder
     */
    public Builder dialect(Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * Sets the prefix of the four table names (default {@value JdbcSessionStore#DEFAULT_TABLE_PREFIX}):
     * {@code <prefix>session}, {@code <prefix>user}, {@code <prefix>admission},
     * {@code <prefix>value}. Lower-case letters, digits and underscores, at most 31 characters.
     *
     * @param tablePrefix the prefix
     * @return this builder
     */
    public Builder tablePrefix(String tablePrefix) {
      this.tablePrefix = Objects.requireNonNull(tablePrefix, "tablePrefix");
      return this;
    }

    /**
     * Sets what the store does about its tables at start (default {@link SchemaSetup#NONE}).
     *
     * @param schema the choice
     * @return this builder
     */
    public Builder schema(SchemaSetup schema) {
      this.schema = Objects.requireNonNull(schema, "schema");
      return this;
    }

    /**
     * Sets the longest a statement may run (default {@link JdbcSessionStore#DEFAULT_TIMEOUT}),
     * applied with {@link java.sql.Statement#setQueryTimeout} and so rounded up to whole seconds;
     * beyond it an operation throws {@link StoreUnavailableException}. A transaction of several
     * statements (login, rotation) may take this long per statement.
     *
     * @param timeout the timeout, positive, at most one minute
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets how often this node sweeps expired rows (default
     * {@link JdbcSessionStore#DEFAULT_SWEEP_INTERVAL}); the first sweep comes at a random moment
     * within one interval, so nodes started together do not sweep together. {@link Duration#ZERO}
     * turns the sweep off on this node (another node, or a job calling {@link #sweep()}, does it).
     *
     * @param sweepInterval the interval, zero or at least one second
     * @return this builder
     */
    public Builder sweepInterval(Duration sweepInterval) {
      this.sweepInterval = Objects.requireNonNull(sweepInterval, "sweepInterval");
      return this;
    }

    /**
     * Sets how many expired rows one sweep statement deletes (default
     * {@value JdbcSessionStore#DEFAULT_SWEEP_BATCH_SIZE}): small batches keep each statement's locks
     * short.
     *
     * @param sweepBatchSize rows per batch, 1 to 100000
     * @return this builder
     */
    public Builder sweepBatchSize(int sweepBatchSize) {
      this.sweepBatchSize = sweepBatchSize;
      return this;
    }

    /**
     * Sets the clock that decides expiry (default the system UTC clock); tests pass a mutable one.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** A pool the store opened itself and closes with it, instead of a data source. */
    Builder connections(Connections connections) {
      this.connections = connections;
      return this;
    }

    /**
     * Checks the options and creates the store. With {@link SchemaSetup#CREATE} it creates the
     * missing tables now if the database answers (and otherwise before the first operation).
     *
     * @return the store
     * @throws IllegalArgumentException naming the option that is missing or out of range
     */
    public JdbcSessionStore build() {
      if (dataSource == null && connections == null) {
        throw new IllegalArgumentException("dataSource is required");
      }
      if (connections == null) {
        connections = Connections.of(dataSource);
      }
      if (dialect == null) {
        throw new IllegalArgumentException("dialect is required (postgresql or mariadb)");
      }
      if (!TABLE_PREFIX.matcher(tablePrefix).matches()) {
        throw new IllegalArgumentException("tablePrefix (" + tablePrefix
            + ") must be lower-case letters, digits and underscores, at most 31, not starting with a digit");
      }
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("timeout (" + timeout + ") must be positive and at most PT1M");
      }
      if (sweepInterval.isNegative() || (!sweepInterval.isZero() && sweepInterval.compareTo(Duration.ofSeconds(1)) < 0)) {
        throw new IllegalArgumentException("sweepInterval (" + sweepInterval + ") must be PT0S (off) or at least PT1S");
      }
      if (sweepBatchSize < 1 || sweepBatchSize > 100_000) {
        throw new IllegalArgumentException("sweepBatchSize (" + sweepBatchSize + ") must be 1 to 100000");
      }
      return new JdbcSessionStore(this);
    }
  }
}
