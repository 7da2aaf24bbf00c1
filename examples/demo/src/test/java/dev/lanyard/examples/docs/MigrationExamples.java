package dev.lanyard.examples.docs;

import dev.lanyard.session.servlet.LanyardSessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.util.Set;

/** docs/migrating.md and docs/getting-started.md: login code before and after Lanyard. */
final class MigrationExamples {

    private MigrationExamples() {}

    /** What container-session code typically does after a password check. */
    // [before-start]
    static void loginWithContainerSessions(HttpServletRequest request, String userId) {
        request.getSession(); // make sure there is a session
        request.changeSessionId(); // fixation defence
        HttpSession session = request.getSession();
        session.setAttribute("userId", userId);
    }
    // [before-end]

    /** The same with Lanyard: one call; the user, roles, authentication time and version are recorded. */
    // [after-start]
    static void loginWithLanyard(HttpServletRequest request, String userId, Set<String> roles) {
        LanyardSessions.of(request).login(userId, roles); // new session ID; the old one is dead everywhere
        // request.getRemoteUser() is now userId, request.isUserInRole(r) answers from roles
    }
    // [after-end]

    /** Logout: invalidate() keeps working; with Lanyard it removes the record from the shared store. */
    // [logout-start]
    static void logout(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate(); // same as LanyardSessions.of(request).logout()
        }
    }
    // [logout-end]
}
