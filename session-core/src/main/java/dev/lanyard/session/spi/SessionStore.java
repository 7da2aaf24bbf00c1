package dev.lanyard.session.spi;

import dev.lanyard.session.SessionHandle;
import java.util.Optional;

/**
 * Where session truth lives. This is the SPI a store adapter implements; applications use
 * {@link dev.lanyard.session.SessionManager}, which owns every policy decision and calls the
 * store only through these operations.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li><b>Atomic.</b> Each operation is one logical change to one session (and, for stores that
 *       index users, that user's index), applied whole or not at all as seen by every other
 *       caller. Where a store cannot change two keys in one step (Redis Cluster), it orders the
 *       steps so that a lost second step can be repaired later and can never resurrect a
 *       revoked session.
 *   <li><b>Keyed by handle.</b> A store never sees a secret session ID, only
 *       {@link SessionHandle}s.
 *   <li><b>Time to live.</b> Every write sets the written session's TTL in the same atomic step.
 *       Nothing a store writes lives forever; a store that indexes users gives the index a TTL
 *       too. A session whose TTL has passed is treated as absent by every operation.
 *   <li><b>Deltas.</b> Updates change only the attributes they name.
 *   <li><b>Failure.</b> When the backend cannot be reached or does not answer within the
 *       configured timeout, an operation throws
 *       {@link dev.lanyard.session.StoreUnavailableException} and never blocks longer. A record
 *       that cannot be decoded is reported as
 *       {@link dev.lanyard.session.UnreadableSessionException}.
 *   <li><b>Thread-safe.</b> One store instance serves every request of a node concurrently.
 * </ul>
 *
 * <p>Optional powers are separate interfaces a store may also implement:
 * {@link UserIndexedStore} (per-user index, limits, listing, revoke-all by the user's version),
 * {@link ExpiryNotifyingStore} (reports of sessions that time out). The contract tests in
 * {@code session-tck} check all of this against a real backend.
 *
 * @since 0.1.0
 */
public interface SessionStore extends AutoCloseable {

    /**
     * Reads a session. A store answers this with one round trip to its backend.
     *
     * @param handle the session's handle
     * @return the record, or empty when no live session has this handle
     * @throws dev.lanyard.session.UnreadableSessionException when a record exists but cannot be decoded
     */
    Optional<SessionRecord> load(SessionHandle handle);

    /**
     * Writes a new session, unless one already has its handle.
     *
     * @param record the session; if it has a user and the store indexes users, the index lists it
     * @param ttl the time to live, counted from when the store applies the write
     * @return {@code true} when written, {@code false} when the handle was taken (nothing changed)
     */
    boolean create(SessionRecord record, java.time.Duration ttl);

    /**
     * Applies a delta to a live session.
     *
     * @param handle the session's handle
     * @param delta the change
     * @return whether the change was applied, and the attribute size after it
     */
    UpdateResult update(SessionHandle handle, SessionDelta delta);

    /**
     * Moves a session to a new handle, keeping its attributes (see {@link Rotation}). If the
     * session belongs to a user afterwards and the store indexes users, the user's index lists the
     * new handle and no longer the old one.
     *
     * @param from the current handle
     * @param rotation the new handle and the fields that change
     * @return the record as stored under the new handle, or empty when no live session had
     *     {@code from} (nothing was written)
     */
    Optional<SessionRecord> rotate(SessionHandle from, Rotation rotation);

    /**
     * Removes a session, and its entry in its user's index where the store keeps one. Deleting a
     * session that does not exist is not an error.
     *
     * @param handle the session's handle
     * @return {@code true} if a live session was removed
     */
    boolean delete(SessionHandle handle);

    /** Releases the store's connections. The default does nothing. */
    @Override
    default void close() {}
}
