package dev.lanyard.session;

import java.util.Objects;

/**
 * A session that was just created or moved to a new ID, with the secret ID the client must be
 * given. The ID appears nowhere else: hand it to the transport and drop it.
 *
 * @param id the secret ID; its {@code toString()} shows only the handle
 * @param session the session's state
 *
 * @since 0.1.0
 */
public record NewSession(SessionId id, Session session) {

    /**
     * Checks the values.
     *
     * @param id the secret ID; its {@code toString()} shows only the handle
     * @param session the session's state
     */
    public NewSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(session, "session");
    }
}
