package dev.lanyard.session.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A change to one stored session: the attributes put and removed, plus a touch. The store
 * applies it atomically and only to a session that still exists: a delta never re-creates a
 * session that was revoked or expired meanwhile. Attributes the delta does not name are left as
 * they are, so two concurrent deltas that change different attributes both survive.
 *
 * <p>Removals apply before puts. The byte arrays must not be modified after construction.
 *
 * @param puts attributes to set, by name
 * @param removals names of attributes to remove
 * @param lastAccessedAt the new last-access time; a store keeps the later of this and the stored one
 * @param idleTimeout a new idle timeout, or {@code null} to keep the stored one
 * @param lastNode the node writing, or {@code null} to keep the stored one
 * @param ttl the time to live to set on the stored session, counted from when the store applies it
 * @param payloadLimit the most bytes of attributes ({@link SessionRecord#attributeBytes()}) the
 *     session may hold after the change; beyond it nothing is applied
 *
 * @since 0.1.0
 */
public record SessionDelta(
        Map<String, byte[]> puts,
        Set<String> removals,
        Instant lastAccessedAt,
        Duration idleTimeout,
        String lastNode,
        Duration ttl,
        long payloadLimit) {

    /**
     * Checks the values and copies the collections.
     *
     * @param puts attributes to set, by name
     * @param removals names of attributes to remove
     * @param lastAccessedAt the new last-access time; a store keeps the later of this and the stored one
     * @param idleTimeout a new idle timeout, or {@code null} to keep the stored one
     * @param lastNode the node writing, or {@code null} to keep the stored one
     * @param ttl the time to live to set on the stored session, counted from when the store applies it
     * @param payloadLimit the most bytes of attributes ({@link SessionRecord#attributeBytes()}) the session may hold after the change; beyond it nothing is applied
     */
    public SessionDelta {
        puts = Map.copyOf(Objects.requireNonNull(puts, "puts"));
        removals = Set.copyOf(Objects.requireNonNull(removals, "removals"));
        Objects.requireNonNull(lastAccessedAt, "lastAccessedAt");
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl (" + ttl + ") must be positive");
        }
    }

    /** @return whether the delta changes no attribute: it is a touch only */
    public boolean isTouchOnly() {
        return puts.isEmpty() && removals.isEmpty() && idleTimeout == null;
    }

    /** Describes the delta by attribute names; never values. */
    @Override
    public String toString() {
        return "SessionDelta[puts=" + puts.keySet() + ", removals=" + removals + ", ttl=" + ttl + "]";
    }
}
