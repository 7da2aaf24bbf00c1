package dev.lanyard.session.spring.security;

import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionSummary;
import java.security.Principal;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.springframework.security.core.AuthenticatedPrincipal;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * Spring Security's {@link SessionRegistry}, answered from Lanyard's store: a user's sessions are
 * the store's index of that user, on every node, and expiring one ends it on every node. Spring
 * Security's {@code sessionManagement().maximumSessions(n)} picks this bean up; Lanyard then takes
 * the limit itself (see {@link LanyardHttpConfigurer}), so the registry is read by the DSL only to
 * learn the limit, and by applications that list sessions through Spring's API.
 *
 * <p>Registering and removing are no-ops: Lanyard indexes a session when the user logs in and
 * forgets it when it ends. {@link #getAllPrincipals()} is empty, as the store indexes sessions by
 * user, not a list of users. {@link #getSessionInformation(String)} answers {@code null}: Lanyard
 * refuses an ended session before Spring Security runs, so Spring's {@code ConcurrentSessionFilter}
 * has nothing to do and costs no store read. Thread-safe.
 *
 * @since 0.1.0
 */
public class LanyardSessionRegistry implements SessionRegistry {

    private final SessionManager manager;

    /**
     * @param manager the session manager whose store is the registry
     */
    public LanyardSessionRegistry(SessionManager manager) {
        this.manager = Objects.requireNonNull(manager, "manager");
    }

    /** @return an empty list: the store indexes sessions by user, and keeps no list of users */
    @Override
    public List<Object> getAllPrincipals() {
        return List.of();
    }

    /**
     * The user's live sessions in the store, named by their public handle (which is what
     * {@code HttpSession.getId()} returns under Lanyard). Costs one store read.
     *
     * @param principal a principal: its name is the user ID (a {@link UserDetails}' user name, a
     *     {@link Principal}'s or {@link AuthenticatedPrincipal}'s name, else its string form)
     * @param includeExpiredSessions ignored: an ended Lanyard session is gone from the store
     * @return the sessions, each of which {@link SessionInformation#expireNow() expireNow()} ends on
     *     every node
     */
    @Override
    public List<SessionInformation> getAllSessions(Object principal, boolean includeExpiredSessions) {
        if (principal instanceof LimitProbe.Principal probe) {
            return probe.sessions();
        }
        String user = userId(principal);
        if (user == null || user.isEmpty() || user.length() > SessionManager.MAX_USER_ID_LENGTH) {
            return List.of();
        }
        return manager.sessionsOf(user).stream()
                .map(s -> (SessionInformation) new StoredSession(principal, s, manager))
                .toList();
    }

    /** @return {@code null}: Lanyard itself refuses sessions that ended (see the class comment) */
    @Override
    public SessionInformation getSessionInformation(String sessionId) {
        return null;
    }

    /** Nothing to do: Lanyard records the last access as it serves the request. */
    @Override
    public void refreshLastRequest(String sessionId) {}

    /** Nothing to do: Lanyard indexed the session when the user logged in. */
    @Override
    public void registerNewSession(String sessionId, Object principal) {}

    /** Nothing to do: a session that ends leaves the store's index with it. */
    @Override
    public void removeSessionInformation(String sessionId) {}

    static String userId(Object principal) {
        if (principal instanceof UserDetails details) {
            return details.getUsername();
        }
        if (principal instanceof AuthenticatedPrincipal authenticated) {
            return authenticated.getName();
        }
        if (principal instanceof Principal plain) {
            return plain.getName();
        }
        return principal == null ? null : principal.toString();
    }

    /** A session in the store; expiring it ends it on every node. */
    private static final class StoredSession extends SessionInformation {

        private static final long serialVersionUID = 1L;

        private final transient SessionManager manager;
        private final transient SessionHandle handle;

        StoredSession(Object principal, SessionSummary summary, SessionManager manager) {
            super(principal, summary.handle().value(), Date.from(summary.lastAccessedAt()));
            this.manager = manager;
            this.handle = summary.handle();
        }

        @Override
        public void expireNow() {
            super.expireNow();
            if (manager != null) {
                manager.revoke(handle, RevocationReason.LIMIT_OVERFLOW);
            }
        }
    }

    @Override
    public String toString() {
        return "LanyardSessionRegistry";
    }
}
