package dev.lanyard.session.redis;

import dev.lanyard.session.SessionHandle;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Whose session a handle was when this node last read or wrote it, so the next read can ask for the
 * session's hash and its user's version together, without a script ({@link SessionOperations}).
 * Only a hint: a read checks the hash's own user against it and falls back to the script when they
 * differ, so a wrong or stale entry costs a round trip, never correctness. (A handle's user does not
 * change in practice: a login rotates the ID.)
 *
 * <p>Bounded: a fixed table of {@value #SLOTS} slots indexed by the handle's hash, where a newer
 * handle replaces whatever its slot held; no eviction thread, no growth. Thread-safe.
 */
final class KnownUsers {

    static final int SLOTS = 1 << 14;

    /**
     * A handle, its user ({@code userId} null for an anonymous session) and that user's version key
     * (null with it), kept to spare a read the key's digest.
     */
    record Known(SessionHandle handle, String userId, byte[] versionKey) {}

    private final AtomicReferenceArray<Known> table = new AtomicReferenceArray<>(SLOTS);

    /** The handle's user as last seen here, or null when this node does not know the handle. */
    Known of(SessionHandle handle) {
        Known known = table.get(slot(handle));
        return known != null && known.handle().equals(handle) ? known : null;
    }

    /**
     * Remembers the handle's user ({@code userId} null: anonymous), unless its slot already holds
     * the same.
     */
    void remember(SessionHandle handle, String userId, RedisSchema schema) {
        int slot = slot(handle);
        Known known = table.get(slot);
        if (known == null || !known.handle().equals(handle) || !Objects.equals(known.userId(), userId)) {
            table.set(slot, new Known(handle, userId, userId == null ? null : schema.userVersionKey(userId)));
        }
    }

    private static int slot(SessionHandle handle) {
        int h = handle.hashCode();
        return (h ^ (h >>> 16)) & (SLOTS - 1);
    }
}
