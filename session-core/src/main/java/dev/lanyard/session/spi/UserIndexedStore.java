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
   * @return the decision, the evicted sessions and the resulting count
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
   * Deletes every session of the user and the user's index. Calling it again is harmless.
   *
   * @param userId the user
   * @return the handles of the sessions that were deleted
   */
  List<SessionHandle> revokeAll(String userId);
}
