package dev.lanyard.session.spi;

import dev.lanyard.session.SessionHandle;
import java.util.Optional;

/**
 * An optional power of a store: a bounded local copy of hot session records on this node, kept
 * correct by invalidations from the shared store. The copy is only an accelerator: with it off,
 * or bypassed, behaviour is the same.
 *
 * <p>Contract: {@link #loadCached} answers from the local copy only while the store is sure it
 * has missed no invalidation (its invalidation channel has been connected since the copy was
 * made); otherwise it reads the shared store, as {@link SessionStore#load} does. Writes go to the
 * shared store first; the local copy changes only after the store accepted them.
 *
 * @since 0.1.0
 */
public interface NearCachingStore extends SessionStore {

    /**
     * Reads a session, from the local copy when it is valid.
     *
     * @param handle the session's handle
     * @return the record and where it came from, or empty when no live session has this handle
     * @throws dev.lanyard.session.UnreadableSessionException when a stored record cannot be decoded
     */
    Optional<CachedRecord> loadCached(SessionHandle handle);

    /**
     * A record and whether the local copy supplied it.
     *
     * @param record the record
     * @param fromCache {@code true} when no round trip to the shared store was made
     */
    record CachedRecord(SessionRecord record, boolean fromCache) {
        /**
         * Checks the record.
         *
         * @param record the record
         * @param fromCache {@code true} when no round trip to the shared store was made
         */
        public CachedRecord {
            java.util.Objects.requireNonNull(record, "record");
        }
    }
}
