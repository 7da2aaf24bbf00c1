package dev.lanyard.session.spring.security;

import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.SessionLimitExceededException;
import dev.lanyard.session.servlet.LanyardSessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.session.SessionAuthenticationException;
import org.springframework.security.web.authentication.session.SessionAuthenticationStrategy;

/**
 * Logs a freshly authenticated user in through Lanyard: the session moves to a new ID (the old one is dead on every
 * node: no session fixation), the user and roles are bound, and the store applies the per-user session limit
 * ({@code lanyard.session-limit}, or the chain's own {@code maximumSessions(n)}) in the same atomic step, so simultaneous logins cannot get past it. A login the
 * limit refuses becomes a {@link SessionAuthenticationException}, which Spring Security's failure handler reports
 * (form login: {@code /login?error}).
 *
 * <p>This takes the place of Spring Security's {@code maximumSessions(n)} and session-fixation strategies, whose
 * registry is per node and not atomic. Thread-safe.
 *
 * @since 0.1.0
 */
public final class LanyardSessionAuthenticationStrategy implements SessionAuthenticationStrategy {

    private final AuthenticationMapper mapper;
    /** The limit of the chain's {@code maximumSessions(n)}, or a supplier of {@code null}: Lanyard's own. */
    private final Supplier<SessionLimit> chainLimit;

    /**
     * @param mapper gives the roles to keep for an authentication
     */
    public LanyardSessionAuthenticationStrategy(AuthenticationMapper mapper) {
        this(mapper, () -> null);
    }

    private LanyardSessionAuthenticationStrategy(AuthenticationMapper mapper, Supplier<SessionLimit> chainLimit) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.chainLimit = chainLimit;
    }

    /**
     * This strategy for one security chain, logging in under the limit that chain's
     * {@code maximumSessions(n)} set, when it set one (read at each login: the DSL is applied after
     * the chain is first configured).
     */
    LanyardSessionAuthenticationStrategy forChain(Supplier<SessionLimit> limit) {
        return new LanyardSessionAuthenticationStrategy(mapper, Objects.requireNonNull(limit, "limit"));
    }

    /**
     * @throws SessionAuthenticationException if the user is at the session limit and the rule refuses
     * @throws IllegalStateException if the Lanyard filter did not handle the request
     */
    @Override
    public void onAuthentication(
            Authentication authentication, HttpServletRequest request, HttpServletResponse response) {
        if (!LanyardSecurityContextRepository.isUser(authentication)) {
            return;
        }
        try {
            SessionLimit limit = chainLimit.get();
            if (limit == null) {
                LanyardSessions.of(request).login(authentication.getName(), mapper.roles(authentication));
            } else {
                LanyardSessions.of(request).login(authentication.getName(), mapper.roles(authentication), limit);
            }
        } catch (SessionLimitExceededException e) {
            throw new SessionAuthenticationException(
                    "this user already has the most sessions allowed (" + e.limit() + ")");
        }
    }

    @Override
    public String toString() {
        return "LanyardSessionAuthenticationStrategy";
    }
}
