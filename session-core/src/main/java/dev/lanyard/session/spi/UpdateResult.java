package dev.lanyard.session.spi;

import java.util.Objects;

/**
 * What became of a {@link SessionDelta}.
 *
 * @param status whether it was applied
 * @param attributeBytes the session's attribute size after the update when applied, or the size
 *     the update would have reached when refused as too large; 0 when not found
 *
 * @since 0.1.0
 */
public record UpdateResult(Status status, long attributeBytes) {

    /** Whether a delta was applied. */
    public enum Status {
        /** The delta was applied whole. */
        APPLIED,
        /** No live session has that handle; nothing was written. */
        NOT_FOUND,
        /** The attributes would exceed the delta's payload limit; nothing was written. */
        TOO_LARGE
    }

    private static final UpdateResult NOT_FOUND = new UpdateResult(Status.NOT_FOUND, 0);

    /**
     * Checks the values.
     *
     * @param status whether it was applied
     * @param attributeBytes the session's attribute size after the update when applied, or the size the update would have reached when refused as too large; 0 when not found
     */
    public UpdateResult {
        Objects.requireNonNull(status, "status");
    }

    /**
     * @param attributeBytes the attribute size after the update
     * @return an applied result
     */
    public static UpdateResult applied(long attributeBytes) {
        return new UpdateResult(Status.APPLIED, attributeBytes);
    }

    /** @return the result for a session that does not exist */
    public static UpdateResult notFound() {
        return NOT_FOUND;
    }

    /**
     * @param attributeBytes the size the update would have reached
     * @return a refused result
     */
    public static UpdateResult tooLarge(long attributeBytes) {
        return new UpdateResult(Status.TOO_LARGE, attributeBytes);
    }
}
