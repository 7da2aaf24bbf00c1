package dev.lanyard.session.redis;

import static dev.lanyard.session.redis.CommandRunner.number;
import static dev.lanyard.session.redis.SessionOperations.bytes;

import dev.lanyard.session.OverflowRule;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.UnreadableSessionException;
import dev.lanyard.session.spi.Admission;
import dev.lanyard.session.spi.SessionRecord;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-user operations of {@link RedisSessionStore} ({@code UserIndexedStore}): admission
 * against a limit, listing, and revocation, on the user's index (a sorted set of handles) and
 * version. Index scores and the user's version are described in {@code docs/redis.md}. Arguments
 * are checked by the public class. Thread-safe.
 */
final class UserIndexOperations {

    private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);
    private static final long RESERVATION_GRACE_MILLIS = RedisSessionStore.RESERVATION_GRACE.toMillis();

    private final CommandRunner redis;
    private final RedisSchema schema;
    private final Clock clock;
    private final boolean cluster;

    UserIndexOperations(CommandRunner redis, RedisSchema schema, Clock clock, boolean cluster) {
        this.redis = redis;
        this.schema = schema;
        this.clock = clock;
        this.cluster = cluster;
    }

    Admission admit(String userId, SessionHandle handle, SessionLimit limit, Duration ttl) {
        byte[] index = schema.indexKey(userId);
        List<ScoredValue<byte[]>> members =
                redis.await(redis.call(r -> r.zrangeWithScores(index, 0, -1)), "admit", null);
        List<CompletableFuture<byte[]>> lastUse = new ArrayList<>(members.size());
        for (ScoredValue<byte[]> member : members) {
            SessionHandle h = handleOf(member.getValue());
            lastUse.add(h == null ? CompletableFuture.completedFuture(null) : lastUseOf(h));
        }
        redis.awaitAll(lastUse, "admit");
        List<byte[]> seen = new ArrayList<>(4 * members.size());
        List<SessionHandle> markedButPresent = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            byte[] last = lastUse.get(i).join();
            seen.add(members.get(i).getValue());
            seen.add(RedisSchema.bytes(Long.toString((long) members.get(i).getScore())));
            seen.add(last == null ? ScriptArgs.ZERO : ScriptArgs.ONE);
            seen.add(last == null ? ScriptArgs.ZERO : last);
            SessionHandle h = handleOf(members.get(i).getValue());
            if (last != null && members.get(i).getScore() < 0 && h != null) {
                markedButPresent.add(h);
            }
        }
        ScriptArgs args = Script.ADMIT
                .args()
                .put("handle", bytes(handle))
                .put("limit", limit.maxSessions())
                .put("evict", limit.overflow() != OverflowRule.REFUSE_NEW)
                .put("now", clock.instant().toEpochMilli())
                .put("grace", RedisSessionStore.RESERVATION_GRACE)
                .put("indexTtl", ttl)
                .put("seenCount", members.size())
                .rest("seen", seen);
        List<Object> result = redis.await(
                redis.script(Script.ADMIT, ScriptOutputType.MULTI, schema.userKeys(userId), args), "admit", null);
        boolean admitted = number(result, 0) == 1;
        int sessions = (int) number(result, 1);
        long userVersion = number(result, 2);
        List<SessionHandle> evicted = handlesIn(result.subList(Math.min(3, result.size()), result.size()));
        // Delete the sessions chosen now, and finish evictions or revocations a crash left half-done.
        List<SessionHandle> toDelete = new ArrayList<>(evicted);
        toDelete.addAll(markedButPresent);
        deleteSessions(toDelete, "admit");
        redis.replicated("admit", handle);
        return new Admission(
                admitted ? Admission.Decision.ADMITTED : Admission.Decision.REFUSED, evicted, sessions, userVersion);
    }

    /**
     * A session's last access, or null when it is gone or timed out (it has a marker field and its
     * marker expired): the hash and the marker are read in parallel, in one round trip.
     */
    private CompletableFuture<byte[]> lastUseOf(SessionHandle h) {
        byte[] lastAccess = RedisSchema.Field.LAST_ACCESS.bytes;
        if (cluster) {
            return redis.call(r -> r.hget(schema.sessionKey(h), lastAccess)); // no markers on Cluster
        }
        CompletableFuture<List<KeyValue<byte[], byte[]>>> fields =
                redis.call(r -> r.hmget(schema.sessionKey(h), lastAccess, RedisSchema.Field.MARKED.bytes));
        CompletableFuture<Long> marker = redis.call(r -> r.exists(schema.timeoutKey(h)));
        return fields.thenCombine(marker, (values, markers) -> {
            byte[] last = values.get(0).getValueOrElse(null);
            boolean marked = values.get(1).hasValue();
            return marked && (markers == null || markers == 0) ? null : last;
        });
    }

    List<SessionRecord> sessionsOf(String userId) {
        byte[] index = schema.indexKey(userId);
        CompletableFuture<byte[]> versionRead = redis.call(r -> r.get(schema.userVersionKey(userId)));
        List<ScoredValue<byte[]>> members =
                redis.await(redis.call(r -> r.zrangeWithScores(index, 0, -1)), "sessionsOf", null);
        long userVersion = SessionOperations.versionOf(redis.await(versionRead, "sessionsOf", null));
        List<ScoredValue<byte[]>> candidates = new ArrayList<>();
        List<CompletableFuture<Map<byte[], byte[]>>> reads = new ArrayList<>();
        List<CompletableFuture<Long>> markers = new ArrayList<>();
        for (ScoredValue<byte[]> member : members) {
            SessionHandle h = handleOf(member.getValue());
            if (h != null && member.getScore() >= 0) {
                candidates.add(member);
                reads.add(redis.call(r -> r.hgetall(schema.sessionKey(h))));
                markers.add(
                        cluster
                                ? CompletableFuture.completedFuture(1L)
                                : redis.call(r -> r.exists(schema.timeoutKey(h))));
            }
        }
        redis.awaitAll(reads, "sessionsOf");
        redis.awaitAll(markers, "sessionsOf");
        long now = clock.millis();
        List<SessionRecord> records = new ArrayList<>();
        List<byte[]> dead = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            ScoredValue<byte[]> member = candidates.get(i);
            SessionHandle h = handleOf(member.getValue());
            Map<byte[], byte[]> fields = reads.get(i).join();
            if (fields != null
                    && !fields.isEmpty()
                    && markers.get(i).join() == 0
                    && hasField(fields, RedisSchema.Field.MARKED.bytes)) {
                continue; // timed out: its claim reports it
            }
            if (fields == null || fields.isEmpty()) {
                long score = (long) member.getScore();
                if (score == 0 || now - score >= RESERVATION_GRACE_MILLIS) {
                    dead.add(member.getValue());
                    dead.add(RedisSchema.bytes(Long.toString(score)));
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
            redis.await(
                    redis.script(
                            Script.PRUNE,
                            ScriptOutputType.INTEGER,
                            index,
                            Script.PRUNE.args().rest("seen", dead)),
                    "sessionsOf",
                    null);
        }
        return records;
    }

    List<SessionHandle> revokeAll(String userId, Duration sessionLifetime) {
        ScriptArgs args = Script.REVOKE_ALL
                .args()
                .put("now", clock.millis())
                .put("grace", RedisSessionStore.RESERVATION_GRACE)
                .put("lifetime", sessionLifetime);
        List<Object> members = redis.await(
                redis.script(Script.REVOKE_ALL, ScriptOutputType.MULTI, schema.userKeys(userId), args),
                "revokeAll",
                null);
        List<SessionHandle> deleted = deleteSessions(handlesIn(members), "revokeAll");
        redis.replicated("revokeAll", null);
        return deleted;
    }

    List<SessionHandle> revokeOthers(String userId, SessionHandle keep, Duration sessionLifetime) {
        // On a single server the script also re-stamps the kept session; on Cluster it lives in
        // another slot, so a second step does (see the SPI's Javadoc).
        byte[][] keys = cluster
                ? schema.userKeys(userId)
                : new byte[][] {schema.indexKey(userId), schema.userVersionKey(userId), schema.sessionKey(keep)};
        ScriptArgs args = Script.REVOKE_OTHERS
                .args()
                .put("now", clock.millis())
                .put("grace", RedisSessionStore.RESERVATION_GRACE)
                .put("lifetime", sessionLifetime)
                .put("keptHandle", keep.value())
                .put("user", userId);
        List<Object> reply = redis.await(
                redis.script(Script.REVOKE_OTHERS, ScriptOutputType.MULTI, keys, args), "revokeOthers", null);
        if (cluster) {
            ScriptArgs restamp = Script.RESTAMP
                    .args()
                    .put("user", userId)
                    .put("oldVersion", (byte[]) reply.get(0))
                    .put("newVersion", (byte[]) reply.get(1));
            redis.await(
                    redis.script(Script.RESTAMP, ScriptOutputType.INTEGER, schema.sessionKey(keep), restamp),
                    "revokeOthers",
                    keep);
        }
        List<SessionHandle> deleted = deleteSessions(handlesIn(reply.subList(2, reply.size())), "revokeOthers");
        redis.replicated("revokeOthers", null);
        return deleted;
    }

    /** Deletes sessions in parallel (one command per slot) and returns those that existed. */
    private List<SessionHandle> deleteSessions(List<SessionHandle> handles, String operation) {
        if (handles.isEmpty()) {
            return List.of();
        }
        // The delete script leaves a session that timed out for its claim (reported, not revoked).
        List<CompletableFuture<List<Object>>> deletions = new ArrayList<>(handles.size());
        for (SessionHandle h : handles) {
            deletions.add(
                    redis.script(Script.DELETE, ScriptOutputType.MULTI, schema.sessionKeys(h), Script.DELETE.args()));
        }
        redis.awaitAll(deletions, operation);
        List<SessionHandle> deleted = new ArrayList<>();
        for (int i = 0; i < handles.size(); i++) {
            if (number(deletions.get(i).join(), 0) > 0) {
                deleted.add(handles.get(i));
            }
        }
        return deleted;
    }

    private static List<SessionHandle> handlesIn(List<Object> members) {
        List<SessionHandle> handles = new ArrayList<>();
        for (Object member : members) {
            SessionHandle h = member instanceof byte[] b ? handleOf(b) : null;
            if (h != null) {
                handles.add(h);
            }
        }
        return handles;
    }

    private static boolean hasField(Map<byte[], byte[]> fields, byte[] name) {
        for (byte[] key : fields.keySet()) {
            if (Arrays.equals(key, name)) {
                return true;
            }
        }
        return false;
    }

    private static SessionHandle handleOf(byte[] member) {
        String text = new String(member, StandardCharsets.US_ASCII);
        return SessionHandle.isWellFormed(text) ? SessionHandle.of(text) : null;
    }
}
