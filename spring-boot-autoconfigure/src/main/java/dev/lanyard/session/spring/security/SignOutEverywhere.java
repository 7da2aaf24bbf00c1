package dev.lanyard.session.spring.security;

import dev.lanyard.session.servlet.LanyardSessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.logout.LogoutHandler;

/**
 * "Sign out everywhere" in one call: every session of the logged-in user ends, on every node, this one included.
 * As a {@link LogoutHandler} ({@code http.logout(l -> l.logoutUrl("/logout-everywhere").addLogoutHandler(new
 * SignOutEverywhere()))}) it ends the user's other sessions and leaves this one to the logout that follows; as
 * {@link #signOut(HttpServletRequest)} it does all of it. Thread-safe and stateless.
 *
 * @since 0.1.0
 */
public final class SignOutEverywhere implements LogoutHandler {

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response, Authentication authentication) {
        LanyardSessions.find(request).filter(s -> s.userId().isPresent()).ifPresent(LanyardSessions::revokeOthers);
    }

    /**
     * Ends every session of the request's user, this one included, and clears the security context.
     *
     * @param request a request the Lanyard filter handled
     * @return how many sessions ended (0 when no user is logged in)
     */
    public static int signOut(HttpServletRequest request) {
        Optional<LanyardSessions> found =
                LanyardSessions.find(request).filter(s -> s.userId().isPresent());
        if (found.isEmpty()) {
            return 0;
        }
        int ended = found.get().revokeOthers();
        if (found.get().logout()) {
            ended++;
        }
        SecurityContextHolder.getContextHolderStrategy().clearContext();
        return ended;
    }
}
