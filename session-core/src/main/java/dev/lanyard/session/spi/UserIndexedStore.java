package dev.lanyard.session.spi;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionLimit;
import java.time.Duration;
import java.util.List;

/**
 * A store that also keeps, for each user, the set of that user's sessions. It makes per-user
 * session limits, device lists and "revoke everything this user holds" possible. The index is
 * maintained by {@link SessionStore#create}, {@link SessionStore#rotate} and
 * {@link SessionStore#delete}; this interface adds the operations that read or decide on it.
 *
 * <p>Index entries whose session no longer exists (expired, or a write lost in a crash) are
 * never reported and never count against a limit; stores remove them lazily when they meet them.
 *
 * <h2>The user's version</h2>
 * Each user has a version: {@code 0} until the first {@link #revokeAll}, one more with each. A
 * session bound to a user carries the version the user had when it was bound
 * ({@link SessionRecord#userVersion()}, from {@link Admission#userVersion()}). A session whose
 * stamp is older than its user's current version is dead: {@link SessionStore#load} and
 * {@link #sessionsOf} do not return it, and no {@code create} or {@code rotate} writes one. So the
 * one atomic write that advances the version ends every session the user held, including a
 * session whose index entry a crash lost, even if the deletions that follow it never happen.
 * The store keeps the version at least as long as any session stamped with it can live.
 *
 * @since 0.1.0
 */
public interface UserIndexedStore extends SessionStore {

    /**
     * Decides, atomically for the user, whether a new session may join the user's sessions, and
     * reserves its place. Under {@link dev.lanyard.session.OverflowRule#EVICT_LEAST_RECENTLY_USED}
     * the store deletes the least recently used sessions beyond the limit before it returns; if it
     * fails half-way, the sessions chosen for eviction stay in the index so that a later
     * {@code admit} or {@link #revokeAll} finishes the job. However many logins race, a user never
     * ends up holding more than {@code limit.maxSessions()} live sessions.
     *
     * <p>An admitted handle counts against the limit from admission until its session is written or
     * a short grace period (seconds) passes. Eviction prefers sessions that exist, least recently
     * used first. If a racing login evicts a handle that was admitted but not yet written, that
     * handle is dead: a later {@code create} of it returns {@code false} and a later {@code rotate}
     * to it returns empty, so the evicted login cannot slip in unindexed.
     *
     * @param userId the user
     * @param handle the new session's handle (which {@code create} or {@code rotate} will write next)
     * @param limit the limit and its overflow rule
     * @param ttl how long the index must be kept at least, counted from now
     * @return the decision, the evicted sessions, the resulting count and the user's version, which
     *     the admitted session must carry
     */
    Admission admit(String userId, SessionHandle handle, SessionLimit limit, Duration ttl);

    /**
     * Lists the user's live sessions.
     *
     * @param userId the user
     * @return the records, in no particular order; empty for an unknown user
     */
    List<SessionRecord> sessionsOf(String userId);

    /**
     * Ends every session of the user. First, in one atomic write, the user's version grows by one
     * and every handle in the index is marked revoked: from that write on no session the user held
     * loads on any node, and no rotation or late write brings one back. Then the store deletes the
     * sessions it found (which lets near caches and listeners see them go) and lets the index
     * expire. If that second step is cut short, the version has already decided; the leftovers
     * expire with their TTL and are removed by the next {@code admit} or {@code revokeAll}.
     * Sessions the user starts after this returns are not affected. Calling it again is harmless.
     *
     * @param userId the user
     * @param sessionLifetime the longest any session of the user can live (the policy's absolute
     *     timeout): the store keeps the new version at least this long, so that no session it ended
     *     can outlive it
     * @return the handles of the sessions that were deleted
     */
    List<SessionHandle> revokeAll(String userId, Duration sessionLifetime);

    /**
     * Ends every session of the user except {@code keep} ("sign out everywhere else"), with the
     * same first write as {@link #revokeAll}: the user's version grows by one and every other
     * handle in the index is marked revoked, so a session that rotates to a new handle meanwhile is
     * ended too (its stamp is older than the new version). {@code keep} is re-stamped with the new
     * version and stays in the index, if it is a live session of this user that the old version had
     * not already ended; otherwise it is ended with the others. Then the store deletes the other
     * sessions it found.
     *
     * <p>On a store whose session and user keys cannot change in one atomic step (Redis Cluster),
     * {@code keep} is re-stamped right after the version moves; between the two a read of
     * {@code keep} finds it revoked, and if the second step is lost {@code keep} stays ended (the
     * safe direction: the user logs in again).
     *
     * @param userId the user
     * @param keep the session to keep
     * @param sessionLifetime as for {@link #revokeAll}
     * @return the handles of the sessions that were deleted (never {@code keep})
     */
    List<SessionHandle> revokeOthers(String userId, SessionHandle keep, Duration sessionLifetime);

    /**
     * Returns the user's current version: {@code 0} for a user never revoked with
     * {@link #revokeAll} (or whose version has outlived every session stamped with it), one more
     * after each revocation.
     *
     * @param userId the user
     * @return the version, never negative
     */
    long userVersion(String userId);
}
