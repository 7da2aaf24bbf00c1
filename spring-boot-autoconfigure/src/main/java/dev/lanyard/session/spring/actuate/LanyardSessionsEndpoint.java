package dev.lanyard.session.spring.actuate;

import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionSummary;
import java.util.List;
import java.util.Objects;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code sessions} actuator endpoint, for operators and support staff:
 *
 * <ul>
 *   <li>{@code GET /actuator/sessions?username=alice}: alice's live sessions, most recently used first (handle,
 *       times, client summary, last node);
 *   <li>{@code DELETE /actuator/sessions/{handle}}: ends one session, on every node;
 *   <li>{@code DELETE /actuator/sessions?username=alice}: ends all of alice's sessions, on every node, in one
 *       store write.
 * </ul>
 *
 * Sessions are named by their public handle, never by ID. Exposed and secured as every actuator endpoint is
 * ({@code management.endpoints.web.exposure.include=sessions}; protect {@code /actuator/**} with Spring Security).
 * Needs a store that indexes users (memory and Redis do).
 *
 * @since 0.1.0
 */
@Endpoint(id = "sessions")
public class LanyardSessionsEndpoint {

    private final SessionManager manager;

    /**
     * @param manager the session manager
     */
    public LanyardSessionsEndpoint(SessionManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /**
     * One session in the list.
     *
     * @param handle the public handle, to revoke it with
     * @param createdAt ISO-8601 instant
     * @param lastAccessedAt ISO-8601 instant, as last written
     * @param authenticatedAt ISO-8601 instant, or {@code null}
     * @param userAgent a short summary of the client's user agent
     * @param addressPrefix the client's network prefix
     * @param lastNode the node that last wrote it, or {@code null}
     */
    public record SessionDescriptor(
            String handle,
            String createdAt,
            String lastAccessedAt,
            String authenticatedAt,
            String userAgent,
            String addressPrefix,
            String lastNode) {

        static SessionDescriptor of(SessionSummary s) {
            return new SessionDescriptor(
                    s.handle().value(),
                    s.createdAt().toString(),
                    s.lastAccessedAt().toString(),
                    s.lastAuthentication().map(Object::toString).orElse(null),
                    s.client().userAgent(),
                    s.client().addressPrefix(),
                    s.lastNode());
        }
    }

    /**
     * A user's sessions.
     *
     * @param username the user
     * @param sessions the sessions, most recently used first
     */
    public record UserSessions(String username, List<SessionDescriptor> sessions) {}

    /**
     * The outcome of a revocation.
     *
     * @param revoked how many live sessions ended
     */
    public record Revoked(int revoked) {}

    /**
     * Lists a user's live sessions.
     *
     * @param username the user
     * @return the sessions
     */
    @ReadOperation
    public UserSessions sessions(String username) {
        return new UserSessions(
                username,
                manager.sessionsOf(user(username)).stream()
                        .map(SessionDescriptor::of)
                        .toList());
    }

    /**
     * Ends one session on every node.
     *
     * @param handle the session's handle
     * @return 1 if a live session ended, else 0
     */
    @DeleteOperation
    public Revoked revoke(@Selector String handle) {
        if (!SessionHandle.isWellFormed(handle)) {
            throw new InvalidEndpointRequestException("not a session handle", "not a session handle");
        }
        return new Revoked(manager.revoke(SessionHandle.of(handle), RevocationReason.ADMIN) ? 1 : 0);
    }

    /**
     * Ends every session of a user, on every node.
     *
     * @param username the user
     * @return how many live sessions ended
     */
    @DeleteOperation
    public Revoked revokeAll(String username) {
        return new Revoked(manager.revokeAll(user(username)));
    }

    private static String user(String username) {
        if (username == null || username.isBlank() || username.length() > SessionManager.MAX_USER_ID_LENGTH) {
            throw new InvalidEndpointRequestException(
                    "username must be 1 to " + SessionManager.MAX_USER_ID_LENGTH + " characters", "bad username");
        }
        return username;
    }
}
