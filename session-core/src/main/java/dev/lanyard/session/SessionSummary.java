package dev.lanyard.session;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a user's device list: enough to recognise a session and revoke it, nothing
 * secret.
 *
 * @param handle the session's handle, to revoke it with
 * @param createdAt when it was created
 * @param lastAccessedAt when it was last used, as last written
 * @param authenticatedAt when the user last authenticated in it, or {@code null}
 * @param client its client summary
 * @param lastNode the node that last wrote it, or {@code null}
 *
 * @since 0.1.0
 */
public record SessionSummary(
        SessionHandle handle,
        Instant createdAt,
        Instant lastAccessedAt,
        Instant authenticatedAt,
        ClientInfo client,
        String lastNode) {

    /**
     * Checks the required values.
     *
     * @param handle the session's handle, to revoke it with
     * @param createdAt when it was created
     * @param lastAccessedAt when it was last used, as last written
     * @param authenticatedAt when the user last authenticated in it, or {@code null}
     * @param client its client summary
     * @param lastNode the node that last wrote it, or {@code null}
     */
    public SessionSummary {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastAccessedAt, "lastAccessedAt");
        Objects.requireNonNull(client, "client");
    }

    /** @return when the user last authenticated in this session, or empty */
    public Optional<Instant> lastAuthentication() {
        return Optional.ofNullable(authenticatedAt);
    }
}
