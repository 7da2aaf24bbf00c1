package dev.lanyard.session.memory;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.spi.Admission;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import dev.lanyard.session.spi.UserIndexedStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store that keeps sessions in this JVM: the default for development and tests, and for a
 * single node that may lose its sessions on restart.
 *
 * <p>It behaves like a remote store on purpose: records are copied on the way in and on the way
 * out, so code that forgets to save, or that mutates what it read, fails here as it would on
 * Redis. Every entry has a time to live kept by the store's {@link Clock}; expired entries are
 * invisible at once and removed by a sweep that runs, at most once per sweep interval, as part of
 * a write — no thread per session, no timer thread, and memory for expired entries is bounded by
 * what one interval can accumulate.
 *
 * <p>Timeouts are reported ({@link ExpiryNotifyingStore}) by the sweep that removes them: while
 * anyone subscribes, one daemon thread sweeps every {@link #DEFAULT_TIMEOUT_CHECK} (or the sweep
 * interval, if shorter) and delivers; {@link #purgeExpired()} sweeps and delivers at once.
 *
 * <p>Thread-safe: reads take no lock; writes are serialised by one lock, which makes every
 * operation atomic, including those that touch a session and its user's index together.
 *
 * @since 0.1.0
 */
public final class InMemorySessionStore implements UserIndexedStore, AtomicValueStore, ExpiryNotifyingStore {

    /** How often, at most, timeouts are looked for while someone subscribes to them. */
    public static final Duration DEFAULT_TIMEOUT_CHECK = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(InMemorySessionStore.class);

    /** Default interval between sweeps of expired entries: one minute. */
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofMinutes(1);

    /**
     * How long an admitted handle whose session has not been written yet still counts against the
     * user's limit (the gap between {@code admit} and {@code create}/{@code rotate} of one login).
     */
    static final Duration RESERVATION_GRACE = Duration.ofSeconds(30);

    private final ConcurrentHashMap<SessionHandle, Entry> sessions = new ConcurrentHashMap<>();
    private final Map<String, UserEntry> users = new HashMap<>();
    private final ConcurrentHashMap<String, Value> values = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, UserVersion> userVersions = new ConcurrentHashMap<>();
    private final MemoryTimeouts timeouts;
    /** Admitted handles evicted before their session was written: they may never be written. */
    private final Map<SessionHandle, Instant> deadReservations = new HashMap<>();

    private final ReentrantLock writeLock = new ReentrantLock();
    private final Clock clock;
    private final Duration sweepInterval;
    private Instant nextSweep;

    private InMemorySessionStore(Clock clock, Duration sweepInterval) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sweepInterval = Objects.requireNonNull(sweepInterval, "sweepInterval");
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("sweepInterval (" + sweepInterval + ") must be positive");
        }
        this.nextSweep = clock.instant().plus(sweepInterval);
        Duration tick = sweepInterval.compareTo(DEFAULT_TIMEOUT_CHECK) < 0 ? sweepInterval : DEFAULT_TIMEOUT_CHECK;
        this.timeouts = new MemoryTimeouts(this::purgeQuietly, tick);
    }

    /** @return a store on the system clock */
    public static InMemorySessionStore create() {
        return create(Clock.systemUTC());
    }

    /**
     * @param clock the clock that decides expiry; tests pass a mutable one
     * @return a store on {@code clock}
     */
    public static InMemorySessionStore create(Clock clock) {
        return new InMemorySessionStore(clock, DEFAULT_SWEEP_INTERVAL);
    }

    /**
     * @param clock the clock that decides expiry
     * @param sweepInterval how often writes sweep expired entries
     * @return a store on {@code clock}
     */
    public static InMemorySessionStore create(Clock clock, Duration sweepInterval) {
        return new InMemorySessionStore(clock, sweepInterval);
    }

    @Override
    public Optional<SessionRecord> load(SessionHandle handle) {
        Entry entry = sessions.get(handle);
        Instant now = clock.instant();
        if (entry == null || !entry.liveAt(now) || stale(entry.record, now)) {
            return Optional.empty();
        }
        return Optional.of(copy(entry.record));
    }

    @Override
    public boolean create(SessionRecord record, Duration ttl) {
        Objects.requireNonNull(record, "record");
        return write(now -> {
            Entry existing = sessions.get(record.handle());
            if ((existing != null && existing.liveAt(now))
                    || deadReservations.containsKey(record.handle())
                    || stale(record, now)) {
                return false;
            }
            sessions.put(record.handle(), new Entry(copy(record), now.plus(ttl)));
            index(record, now, ttl);
            return true;
        });
    }

    @Override
    public UpdateResult update(SessionHandle handle, SessionDelta delta) {
        Objects.requireNonNull(delta, "delta");
        return write(now -> {
            Entry entry = sessions.get(handle);
            if (entry == null || !entry.liveAt(now)) {
                return UpdateResult.notFound();
            }
            SessionRecord old = entry.record;
            Map<String, byte[]> attributes = new HashMap<>(old.attributes());
            delta.removals().forEach(attributes::remove);
            delta.puts().forEach((name, value) -> attributes.put(name, value.clone()));
            long size = SessionRecord.sizeOf(attributes);
            if (size > delta.payloadLimit()) {
                return UpdateResult.tooLarge(size);
            }
            Instant lastAccess = delta.lastAccessedAt().isAfter(old.lastAccessedAt())
                    ? delta.lastAccessedAt()
                    : old.lastAccessedAt();
            SessionRecord updated = old.mutate()
                    .handle(handle)
                    .lastAccessedAt(lastAccess)
                    .idleTimeout(delta.idleTimeout() != null ? delta.idleTimeout() : old.idleTimeout())
                    .lastNode(delta.lastNode() != null ? delta.lastNode() : old.lastNode())
                    .attributes(attributes)
                    .build();
            sessions.put(handle, new Entry(updated, now.plus(delta.ttl())));
            return UpdateResult.applied(size);
        });
    }

    @Override
    public Optional<SessionRecord> rotate(SessionHandle from, Rotation rotation) {
        Objects.requireNonNull(rotation, "rotation");
        return write(now -> {
            Entry entry = sessions.get(from);
            if (entry == null || !entry.liveAt(now) || deadReservations.containsKey(rotation.newHandle())) {
                return Optional.empty();
            }
            SessionRecord rotated = rotation.applyTo(copy(entry.record));
            if (stale(rotated, now)) {
                return Optional.empty();
            }
            sessions.remove(from);
            unindex(entry.record);
            sessions.put(rotated.handle(), new Entry(rotated, now.plus(rotation.ttl())));
            index(rotated, now, rotation.ttl());
            return Optional.of(copy(rotated));
        });
    }

    @Override
    public boolean delete(SessionHandle handle) {
        return write(now -> {
            Entry entry = sessions.get(handle);
            if (entry == null) {
                return false;
            }
            if (!entry.liveAt(now)) {
                // It timed out before anyone deleted it: the sweep reports it.
                return false;
            }
            sessions.remove(handle);
            unindex(entry.record);
            return true;
        });
    }

    @Override
    public Admission admit(String userId, SessionHandle handle, SessionLimit limit, Duration ttl) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(limit, "limit");
        return write(now -> {
            UserEntry user = users.computeIfAbsent(userId, u -> new UserEntry());
            prune(user, now);
            user.expiresAt = later(user.expiresAt, now.plus(ttl));
            long version = userVersionAt(userId, now);
            if (version > 0) {
                // Sessions stamped with this version may live as long as ttl: the version must outlive them.
                userVersions.put(
                        userId, new UserVersion(version, later(userVersions.get(userId).expiresAt, now.plus(ttl))));
            }
            if (user.handles.containsKey(handle)) {
                return new Admission(Admission.Decision.ADMITTED, List.of(), user.handles.size(), version);
            }
            int overflow = user.handles.size() + 1 - limit.maxSessions();
            if (overflow > 0 && limit.overflow() == dev.lanyard.session.OverflowRule.REFUSE_NEW) {
                return new Admission(Admission.Decision.REFUSED, List.of(), user.handles.size(), version);
            }
            List<SessionHandle> evicted = new ArrayList<>();
            if (overflow > 0) {
                List<SessionHandle> byAge = new ArrayList<>(user.handles.keySet());
                // Written sessions first, least recently used first; reservations not yet written last.
                byAge.sort(Comparator.comparing((SessionHandle h) -> !sessions.containsKey(h))
                        .thenComparing(h -> lastUse(h, user))
                        .thenComparing(Comparator.naturalOrder()));
                for (SessionHandle victim : byAge.subList(0, overflow)) {
                    Instant admittedAt = user.handles.remove(victim);
                    if (sessions.remove(victim) == null) {
                        deadReservations.put(victim, admittedAt.plus(RESERVATION_GRACE));
                    }
                    evicted.add(victim);
                }
            }
            user.handles.put(handle, now);
            return new Admission(Admission.Decision.ADMITTED, evicted, user.handles.size(), version);
        });
    }

    @Override
    public List<SessionRecord> sessionsOf(String userId) {
        Objects.requireNonNull(userId, "userId");
        return write(now -> {
            UserEntry user = users.get(userId);
            if (user == null) {
                return List.of();
            }
            prune(user, now);
            List<SessionRecord> records = new ArrayList<>();
            for (SessionHandle handle : user.handles.keySet()) {
                Entry entry = sessions.get(handle);
                if (entry != null && entry.liveAt(now) && !stale(entry.record, now)) {
                    records.add(copy(entry.record));
                }
            }
            return records;
        });
    }

    @Override
    public List<SessionHandle> revokeAll(String userId, Duration sessionLifetime) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(sessionLifetime, "sessionLifetime");
        return write(now -> {
            UserEntry user = users.remove(userId);
            UserVersion current = userVersions.get(userId);
            long next = (current == null || !current.liveAt(now) ? 0 : current.value) + 1;
            Instant keep = later(current == null ? null : current.expiresAt, now.plus(RESERVATION_GRACE));
            keep = later(keep, now.plus(sessionLifetime));
            if (user != null) {
                keep = later(keep, user.expiresAt);
            }
            userVersions.put(userId, new UserVersion(next, keep));
            if (user == null) {
                return List.of();
            }
            List<SessionHandle> revoked = new ArrayList<>();
            for (SessionHandle handle : user.handles.keySet()) {
                Entry entry = sessions.remove(handle);
                if (entry != null && entry.liveAt(now)) {
                    revoked.add(handle);
                } else if (entry != null) {
                    timeouts.timedOut(entry.record);
                }
            }
            return revoked;
        });
    }

    @Override
    public List<SessionHandle> revokeOthers(String userId, SessionHandle keep, Duration sessionLifetime) {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(keep, "keep");
        Objects.requireNonNull(sessionLifetime, "sessionLifetime");
        return write(now -> {
            Entry kept = sessions.get(keep);
            boolean keeps =
                    kept != null && kept.liveAt(now) && userId.equals(kept.record.userId()) && !stale(kept.record, now);
            UserEntry user = users.remove(userId);
            UserVersion current = userVersions.get(userId);
            long next = (current == null || !current.liveAt(now) ? 0 : current.value) + 1;
            Instant versionUntil = later(current == null ? null : current.expiresAt, now.plus(RESERVATION_GRACE));
            versionUntil = later(versionUntil, now.plus(sessionLifetime));
            if (user != null) {
                versionUntil = later(versionUntil, user.expiresAt);
            }
            userVersions.put(userId, new UserVersion(next, versionUntil));
            List<SessionHandle> revoked = new ArrayList<>();
            if (user != null) {
                for (SessionHandle handle : user.handles.keySet()) {
                    if (keeps && handle.equals(keep)) {
                        continue;
                    }
                    Entry entry = sessions.remove(handle);
                    if (entry != null && entry.liveAt(now)) {
                        revoked.add(handle);
                    } else if (entry != null) {
                        timeouts.timedOut(entry.record);
                    }
                }
            }
            if (keeps) {
                SessionRecord r = kept.record;
                sessions.put(keep, new Entry(r.withUserVersion(next), kept.expiresAt));
                UserEntry fresh = new UserEntry();
                fresh.handles.put(keep, user != null && user.handles.containsKey(keep) ? user.handles.get(keep) : now);
                fresh.expiresAt = later(user == null ? null : user.expiresAt, kept.expiresAt);
                users.put(userId, fresh);
            }
            return revoked;
        });
    }

    @Override
    public long userVersion(String userId) {
        Objects.requireNonNull(userId, "userId");
        return userVersionAt(userId, clock.instant());
    }

    @Override
    public Optional<byte[]> get(String key) {
        AtomicValueStore.checkKeyAndValue(key, null);
        Value value = values.get(key);
        return value == null || !value.liveAt(clock.instant()) ? Optional.empty() : Optional.of(value.bytes.clone());
    }

    @Override
    public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
        AtomicValueStore.checkKeyAndValue(key, value);
        return write(now -> {
            Value existing = values.get(key);
            if (existing != null && existing.liveAt(now)) {
                return false;
            }
            values.put(key, new Value(value.clone(), now.plus(ttl)));
            return true;
        });
    }

    @Override
    public boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl) {
        AtomicValueStore.checkKeyAndValue(key, replacement);
        Objects.requireNonNull(expected, "expected");
        return write(now -> {
            Value existing = values.get(key);
            if (existing == null || !existing.liveAt(now) || !Arrays.equals(existing.bytes, expected)) {
                return false;
            }
            values.put(key, new Value(replacement.clone(), now.plus(ttl)));
            return true;
        });
    }

    @Override
    public boolean remove(String key) {
        AtomicValueStore.checkKeyAndValue(key, null);
        return write(now -> {
            Value removed = values.remove(key);
            return removed != null && removed.liveAt(now);
        });
    }

    /**
     * Removes every expired entry now, instead of waiting for the next sweep, and reports the
     * sessions that timed out to the {@link #onTimeout} subscribers, on the calling thread. When it
     * returns, every subscriber has heard of every session removed by timeout so far: a report the
     * background sweep is still delivering on its own thread is waited for.
     *
     * @return how many sessions were removed
     */
    public int purgeExpired() {
        int removed = write(now -> sweep(now));
        timeouts.deliver(InMemorySessionStore::copy);
        return removed;
    }

    /** Always {@code true}: this store reports every session its sweep removes by timeout. */
    @Override
    public boolean reportsTimeouts() {
        return true;
    }

    @Override
    public Subscription onTimeout(Consumer<SessionRecord> subscriber) {
        return timeouts.subscribe(subscriber);
    }

    /** Stops the timeout thread, if one runs. Sessions stay; subscriptions end. */
    @Override
    public void close() {
        timeouts.close();
    }

    private void purgeQuietly() {
        try {
            purgeExpired();
        } catch (RuntimeException e) {
            LOG.warn("the timeout sweep failed: {}", e.getClass().getName(), e);
        }
    }

    /**
     * Tells when a live session's entry expires: for tests and diagnostics.
     *
     * @param handle a session's handle
     * @return the expiry instant, or empty when no live entry has this handle
     */
    public Optional<Instant> expiryOf(SessionHandle handle) {
        Entry entry = sessions.get(handle);
        return entry == null || !entry.liveAt(clock.instant()) ? Optional.empty() : Optional.of(entry.expiresAt);
    }

    /**
     * Counts the entries held, live or expired but not yet swept: a measure of memory, for tests.
     *
     * @return the number of session entries in memory
     */
    public int entryCount() {
        return sessions.size();
    }

    private <T> T write(java.util.function.Function<Instant, T> operation) {
        writeLock.lock();
        try {
            Instant now = clock.instant();
            if (!now.isBefore(nextSweep)) {
                sweep(now);
            }
            return operation.apply(now);
        } finally {
            writeLock.unlock();
        }
    }

    private int sweep(Instant now) {
        int removed = 0;
        for (var it = sessions.entrySet().iterator(); it.hasNext(); ) {
            Entry entry = it.next().getValue();
            if (!entry.liveAt(now)) {
                it.remove();
                timeouts.timedOut(entry.record);
                removed++;
            }
        }
        users.values().removeIf(user -> !now.isBefore(user.expiresAt));
        userVersions.values().removeIf(version -> !version.liveAt(now));
        values.values().removeIf(value -> !value.liveAt(now));
        deadReservations.values().removeIf(until -> !now.isBefore(until));
        nextSweep = now.plus(sweepInterval);
        return removed;
    }

    private void index(SessionRecord record, Instant now, Duration ttl) {
        if (record.userId() == null) {
            return;
        }
        UserEntry user = users.computeIfAbsent(record.userId(), u -> new UserEntry());
        user.handles.putIfAbsent(record.handle(), now);
        user.expiresAt = later(user.expiresAt, now.plus(ttl));
    }

    private void unindex(SessionRecord record) {
        if (record.userId() == null) {
            return;
        }
        UserEntry user = users.get(record.userId());
        if (user != null) {
            user.handles.remove(record.handle());
        }
    }

    /** Drops index entries whose session is gone, except reservations still within their grace. */
    private void prune(UserEntry user, Instant now) {
        user.handles.entrySet().removeIf(e -> {
            Entry entry = sessions.get(e.getKey());
            if (entry != null) {
                return !entry.liveAt(now);
            }
            return !now.isBefore(e.getValue().plus(RESERVATION_GRACE));
        });
    }

    private long userVersionAt(String userId, Instant now) {
        UserVersion version = userVersions.get(userId);
        return version == null || !version.liveAt(now) ? 0 : version.value;
    }

    /** Whether the record was bound to its user before the user's latest revocation. */
    private boolean stale(SessionRecord record, Instant now) {
        return record.userId() != null && record.userVersion() < userVersionAt(record.userId(), now);
    }

    private Instant lastUse(SessionHandle handle, UserEntry user) {
        Entry entry = sessions.get(handle);
        return entry != null ? entry.record.lastAccessedAt() : user.handles.get(handle);
    }

    private static Instant later(Instant a, Instant b) {
        return a == null || b.isAfter(a) ? b : a;
    }

    private static SessionRecord copy(SessionRecord record) {
        Map<String, byte[]> attributes = new LinkedHashMap<>();
        record.attributes().forEach((name, value) -> attributes.put(name, value.clone()));
        return record.withAttributes(attributes);
    }

    @Override
    public String toString() {
        return "InMemorySessionStore[entries=" + sessions.size() + "]";
    }

    private record Entry(SessionRecord record, Instant expiresAt) {
        boolean liveAt(Instant now) {
            return now.isBefore(expiresAt);
        }
    }

    private record UserVersion(long value, Instant expiresAt) {
        boolean liveAt(Instant now) {
            return now.isBefore(expiresAt);
        }
    }

    private record Value(byte[] bytes, Instant expiresAt) {
        boolean liveAt(Instant now) {
            return now.isBefore(expiresAt);
        }
    }

    /** A user's index: handles with the time each was admitted. Guarded by the write lock. */
    private static final class UserEntry {
        final Map<SessionHandle, Instant> handles = new LinkedHashMap<>();
        Instant expiresAt;
    }
}
