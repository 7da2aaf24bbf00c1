package dev.lanyard.session.redis;

import static dev.lanyard.session.redis.CommandRunner.number;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.spi.Rotation;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionRecord;
import dev.lanyard.session.spi.UpdateResult;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session operations of {@link RedisSessionStore}: load, create, update, rotate and delete,
 * each a short series of atomic steps (scripts named in {@link Script}). Why the steps come in this
 * order, and what a crash between two of them leaves: {@code docs/redis.md} ("Atomicity, and
 * ordering across Cluster slots" and "How rotation works"). Arguments are checked by the public
 * class. Thread-safe.
 */
final class SessionOperations {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);

    private final CommandRunner redis;
    private final RedisSchema schema;
    private final Clock clock;
    private final boolean cluster;

    /** How long a timed-out session's hash outlives its marker; 0 when timeouts are not reported. */
    private final Duration grace;

    /** The users of the handles this node has read or written lately: lets a read skip the script. */
    private final KnownUsers knownUsers = new KnownUsers();

    SessionOperations(CommandRunner redis, RedisSchema schema, Clock clock, boolean cluster, Duration grace) {
        this.redis = redis;
        this.schema = schema;
        this.clock = clock;
        this.cluster = cluster;
        this.grace = grace;
    }

    Optional<SessionRecord> load(SessionHandle handle) {
        if (!cluster) {
            return loadCounted(handle).map(Loaded::record);
        }
        KnownUsers.Known known = knownUsers.of(handle);
        if (known != null) {
            Loaded loaded = loadKnown(handle, known);
            if (loaded != FALL_BACK) {
                return Optional.ofNullable(loaded).map(Loaded::record);
            }
        }
        // Cluster: the user's version lives in the user's slot, so a session whose user this node
        // does not know yet costs a 2nd read.
        Map<byte[], byte[]> fields = redis.await(redis.call(r -> r.hgetall(schema.sessionKey(handle))), "load", handle);
        if (fields == null || fields.isEmpty()) {
            return Optional.empty();
        }
        SessionRecord record = RecordCodec.decode(handle, fields);
        knownUsers.remember(handle, record.userId(), schema);
        if (record.userId() != null && record.userVersion() < userVersion(record.userId())) {
            return Optional.empty();
        }
        return Optional.of(record);
    }

    /** A session as read, with its write counter ({@link RecordCodec#writes}). */
    record Loaded(SessionRecord record, long writes) {}

    /** {@link #loadKnown}'s answer when only the script (or a second read) can decide. */
    private static final Loaded FALL_BACK = new Loaded(null, -1);

    /**
     * Reads a session and its write counter in one round trip; single server only. A session whose
     * user this node knows ({@link KnownUsers}) is read with plain commands sent together; any other
     * with the load script, which finds the user itself.
     */
    Optional<Loaded> loadCounted(SessionHandle handle) {
        KnownUsers.Known known = knownUsers.of(handle);
        if (known != null) {
            Loaded loaded = loadKnown(handle, known);
            if (loaded != FALL_BACK) {
                return Optional.ofNullable(loaded);
            }
        }
        List<Object> fields = redis.await(
                redis.script(
                        Script.LOAD,
                        ScriptOutputType.MULTI,
                        schema.sessionKeys(handle),
                        Script.LOAD.args().put("prefix", schema.prefixBytes())),
                "load",
                handle);
        if (fields == null || fields.isEmpty()) {
            return Optional.empty();
        }
        SessionRecord record = RecordCodec.decode(handle, fields, 0);
        knownUsers.remember(handle, record.userId(), schema);
        return Optional.of(new Loaded(record, RecordCodec.writes(fields, 0)));
    }

    /**
     * Reads a session believed to be {@code known}'s user's (null: anonymous) without a script: the hash,
     * then, sent with it before any answer, the timeout marker's existence (when this store reports
     * timeouts) and the user's version. Redis runs them in that order, so a revocation that lands
     * before the hash is read is seen by the version read that follows it, as in the script. The
     * answer decides as {@code load.lua} does: absent when the hash is, when a marked hash's marker
     * is gone, or when the user's version has moved past the session's stamp. Returns null for
     * absent, or {@link #FALL_BACK} when the hash's user is not the expected one, the hash is marked
     * and the marker was not asked for, or the user's version cannot be read as a number.
     */
    private Loaded loadKnown(SessionHandle handle, KnownUsers.Known known) {
        String userId = known.userId();
        // Sent one after the other without waiting: one round trip, run by Redis in this order (on
        // Cluster the hash and the version live on two nodes, both asked at once).
        CompletableFuture<Map<byte[], byte[]>> hash = redis.call(r -> r.hgetall(schema.sessionKey(handle)));
        CompletableFuture<Long> marker = grace.isZero() ? null : redis.call(r -> r.exists(schema.timeoutKey(handle)));
        CompletableFuture<byte[]> version = userId == null ? null : redis.call(r -> r.get(known.versionKey()));
        // One connection answers in order: once the last answer is in, so are the others (single server).
        byte[] usersVersion = version == null ? null : redis.await(version, "load", handle);
        Long markers = marker == null ? null : redis.await(marker, "load", handle);
        Map<byte[], byte[]> fields = redis.await(hash, "load", handle);
        if (fields == null || fields.isEmpty()) {
            return null;
        }
        SessionRecord record = RecordCodec.decode(handle, fields);
        boolean marked = RecordCodec.has(fields, RedisSchema.Field.MARKED);
        if (!Objects.equals(record.userId(), userId) || (marked && markers == null)) {
            return FALL_BACK;
        }
        if (marked && markers == 0) {
            return null;
        }
        if (usersVersion != null) {
            long latest;
            try {
                latest = Long.parseLong(new String(usersVersion, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                return FALL_BACK;
            }
            if (latest > record.userVersion()) {
                return null; // revoked: the user's version moved past the session's stamp
            }
        }
        return new Loaded(record, RecordCodec.writes(fields));
    }

    boolean create(SessionRecord record, Duration ttl) {
        if (!write(record, ttl, "create")) {
            return false;
        }
        if (record.userId() != null) {
            long outcome = confirm(record, null, ttl);
            if (outcome != 0) {
                // A concurrent admit evicted this handle, or revokeAll ran, before the session was
                // written: the handle is dead (UserIndexedStore contract), so the write is undone.
                discard(record.handle(), "create");
                return false;
            }
        }
        redis.replicated("create", record.handle());
        knownUsers.remember(record.handle(), record.userId(), schema);
        return true;
    }

    UpdateResult update(SessionHandle handle, SessionDelta delta) {
        return update(handle, delta, false).result();
    }

    /**
     * An update's outcome and, when asked for and applied, the session as the update left it with its
     * write counter.
     */
    record Updated(UpdateResult result, SessionRecord record, long writes) {}

    /**
     * Applies a delta in one script call. With {@code returnRecord} (single server only: the near
     * cache), the same call also returns the session as it is after the update, unless its user's
     * version revoked it.
     */
    Updated update(SessionHandle handle, SessionDelta delta, boolean returnRecord) {
        List<byte[]> changes =
                new ArrayList<>(2 * delta.removals().size() + 3 * delta.puts().size());
        for (String name : delta.removals()) {
            changes.add(RecordCodec.attributeField(name));
            changes.add(RedisSchema.bytes(Integer.toString(name.length())));
        }
        for (Map.Entry<String, byte[]> put : delta.puts().entrySet()) {
            changes.add(RecordCodec.attributeField(put.getKey()));
            changes.add(RedisSchema.bytes(Integer.toString(put.getKey().length())));
            changes.add(put.getValue());
        }
        Script script = returnRecord && !cluster ? Script.UPDATE_LOAD : Script.UPDATE;
        ScriptArgs args = script.args();
        if (script == Script.UPDATE_LOAD) {
            args.put("prefix", schema.prefixBytes());
        }
        args.put("lastAccess", delta.lastAccessedAt().toEpochMilli())
                .put("idleTimeout", delta.idleTimeout() == null ? ScriptArgs.EMPTY : millis(delta.idleTimeout()))
                .put("node", delta.lastNode() == null ? ScriptArgs.EMPTY : RedisSchema.bytes(delta.lastNode()))
                .put("ttl", delta.ttl())
                .put("payloadLimit", delta.payloadLimit())
                .put("removalCount", delta.removals().size())
                .put("putCount", delta.puts().size())
                .put("grace", RedisSessionStore.TIMEOUT_GRACE)
                .put("writesMarkers", !grace.isZero())
                .rest("changes", changes);
        List<Object> result = redis.await(
                redis.script(script, ScriptOutputType.MULTI, schema.sessionKeys(handle), args), "update", handle);
        long status = number(result, 0);
        long size = number(result, 1);
        if (status == 1) {
            redis.replicated("update", handle);
            SessionRecord record = result.size() > 2 ? RecordCodec.decode(handle, result, 2) : null;
            return new Updated(UpdateResult.applied(size), record, record == null ? 0 : RecordCodec.writes(result, 2));
        }
        return new Updated(status == 2 ? UpdateResult.tooLarge(size) : UpdateResult.notFound(), null, 0);
    }

    /**
     * Moves a session to a new handle in three steps: take the old session (guarding a user's session
     * against revocation first), write the new one, move the user's index entry. A failure between
     * steps leaves no session, never two; a revocation that races with it wins.
     */
    Optional<SessionRecord> rotate(SessionHandle from, Rotation rotation) {
        Optional<SessionRecord> old = takeForRotation(from, rotation);
        if (old.isEmpty()) {
            return Optional.empty();
        }
        SessionRecord next = rotation.applyTo(old.get());
        if (!write(next, rotation.ttl(), "rotate")) {
            LOG.warn("rotation of session {} found its new handle {} taken; the session ended", from, next.handle());
            return Optional.empty();
        }
        if (!moveIndexEntry(from, old.get().userId(), next, rotation.ttl())) {
            discard(next.handle(), "rotate");
            return Optional.empty();
        }
        redis.replicated("rotate", next.handle());
        knownUsers.remember(next.handle(), next.userId(), schema);
        return Optional.of(next);
    }

    /**
     * Rotation step 1: takes (reads and deletes) the old session. An anonymous one is taken at once;
     * a user's session is first checked against revocation in the index, where the new handle is
     * reserved so that a {@code revokeAll} from then on sees it too, and only then taken.
     */
    private Optional<SessionRecord> takeForRotation(SessionHandle from, Rotation rotation) {
        List<Object> taken = take(from, true);
        if (taken.isEmpty()) {
            return Optional.empty();
        }
        SessionRecord old = RecordCodec.decode(from, taken, 1);
        if (number(taken, 0) == 1) {
            return Optional.of(old); // anonymous: taken already
        }
        String oldUser = old.userId();
        String newUser = rotation.userId() != null ? rotation.userId() : oldUser;
        SessionHandle to = rotation.newHandle();
        Instant now = clock.instant();
        if (guard(oldUser, from, newUser.equals(oldUser) ? to : null, rotation.ttl(), now) != 0) {
            discard(from, "rotate"); // revoked meanwhile
            return Optional.empty();
        }
        if (!newUser.equals(oldUser)) {
            guard(newUser, null, to, rotation.ttl(), now);
        }
        taken = take(from, false);
        return taken.isEmpty() ? Optional.empty() : Optional.of(RecordCodec.decode(from, taken, 1));
    }

    /**
     * Rotation step 3: records the new handle in its user's index (replacing the old one when the
     * user stays), and releases the old handle from a previous user's index. False when a revocation
     * marked either handle meanwhile: the caller then deletes what it wrote.
     */
    private boolean moveIndexEntry(SessionHandle from, String oldUser, SessionRecord next, Duration ttl) {
        if (next.userId() != null) {
            SessionHandle replaced = next.userId().equals(oldUser) ? from : null;
            if (confirm(next, replaced, ttl) != 0) {
                return false;
            }
        }
        if (oldUser != null && !oldUser.equals(next.userId())) {
            Long revoked = redis.await(
                    redis.script(
                            Script.RELEASE,
                            ScriptOutputType.INTEGER,
                            schema.indexKey(oldUser),
                            Script.RELEASE.args().put("handle", bytes(from))),
                    "rotate",
                    from);
            return revoked == null || revoked != 1L;
        }
        return true;
    }

    boolean delete(SessionHandle handle) {
        List<Object> result = redis.await(
                redis.script(Script.DELETE, ScriptOutputType.MULTI, schema.sessionKeys(handle), Script.DELETE.args()),
                "delete",
                handle);
        boolean deleted = number(result, 0) == 1;
        if (result.size() > 1 && result.get(1) instanceof byte[] user) {
            String userId = new String(user, StandardCharsets.UTF_8);
            redis.await(redis.call(r -> r.zrem(schema.indexKey(userId), bytes(handle))), "delete", handle);
        }
        redis.replicated("delete", handle);
        return deleted;
    }

    long userVersion(String userId) {
        return versionOf(redis.await(redis.call(r -> r.get(schema.userVersionKey(userId))), "userVersion", null));
    }

    // ------------------------------------------------------------------ steps

    /** Writes a session if its handle is free, with its TTL (and marker); false when taken. */
    private boolean write(SessionRecord record, Duration ttl, String operation) {
        ScriptArgs args = Script.CREATE
                .args()
                .put("ttl", ttl)
                .put("grace", grace.toMillis())
                .rest("fields", RecordCodec.encode(record));
        Long written = redis.await(
                redis.script(Script.CREATE, ScriptOutputType.INTEGER, schema.sessionKeys(record.handle()), args),
                operation,
                record.handle());
        return written != null && written == 1L;
    }

    private void discard(SessionHandle handle, String operation) {
        redis.await(redis.call(r -> r.del(schema.sessionKeys(handle))), operation, handle);
    }

    private List<Object> take(SessionHandle from, boolean onlyIfAnonymous) {
        List<Object> taken = redis.await(
                redis.script(
                        Script.TAKE,
                        ScriptOutputType.MULTI,
                        schema.sessionKeys(from),
                        Script.TAKE.args().put("onlyIfAnonymous", onlyIfAnonymous)),
                "rotate",
                from);
        return taken == null ? List.of() : taken;
    }

    private long guard(String userId, SessionHandle old, SessionHandle reserve, Duration ttl, Instant now) {
        ScriptArgs args = Script.GUARD
                .args()
                .put("oldHandle", old == null ? ScriptArgs.EMPTY : bytes(old))
                .put("reserve", reserve == null ? ScriptArgs.EMPTY : bytes(reserve))
                .put("now", now.toEpochMilli())
                .put("indexTtl", ttl.plus(RedisSessionStore.RESERVATION_GRACE));
        Long result = redis.await(
                redis.script(Script.GUARD, ScriptOutputType.INTEGER, schema.indexKey(userId), args), "rotate", old);
        return result == null ? 0 : result;
    }

    /** Records a written session in its user's index; see confirm.lua for the outcomes. */
    private long confirm(SessionRecord record, SessionHandle old, Duration ttl) {
        ScriptArgs args = Script.CONFIRM
                .args()
                .put("handle", bytes(record.handle()))
                .put("oldHandle", old == null ? ScriptArgs.EMPTY : bytes(old))
                .put("indexTtl", indexTtl(record, ttl))
                .put("stamp", record.userVersion());
        Long result = redis.await(
                redis.script(Script.CONFIRM, ScriptOutputType.INTEGER, schema.userKeys(record.userId()), args),
                "index",
                record.handle());
        return result == null ? 0 : result;
    }

    /** The index must live as long as any session it lists can: to the session's absolute expiry. */
    private Duration indexTtl(SessionRecord record, Duration ttl) {
        Duration untilAbsolute = Duration.between(clock.instant(), record.absoluteExpiry());
        Duration longest = untilAbsolute.compareTo(ttl) > 0 ? untilAbsolute : ttl;
        return longest.plus(RedisSessionStore.RESERVATION_GRACE);
    }

    static long versionOf(byte[] stored) {
        if (stored == null) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(new String(stored, StandardCharsets.US_ASCII)));
        } catch (NumberFormatException e) {
            throw new dev.lanyard.session.StoreUnavailableException("a user version in Redis is not a number", null);
        }
    }

    static byte[] bytes(SessionHandle handle) {
        return handle.value().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] millis(Duration d) {
        return RedisSchema.bytes(Long.toString(Math.max(1, d.toMillis())));
    }
}
