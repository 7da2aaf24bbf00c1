package dev.lanyard.session;

/**
 * Why a session's ID was replaced by a new one. The old ID is dead at once, except after a
 * {@link #RENEWAL}, where it leads to the session for a short, bounded overlap.
 *
 * @since 0.1.0
 */
public enum RotationCause {
    /** A user logged in. */
    LOGIN,
    /** The user authenticated again (step-up). */
    REAUTHENTICATION,
    /** The session's privileges changed (roles, password). */
    PRIVILEGE_CHANGE,
    /** The application asked for a new ID ({@code HttpServletRequest.changeSessionId()}). */
    REQUESTED,
    /**
     * The ID reached its age limit and was renewed ({@link SessionManager#renewId}); nothing else
     * changed. The old ID leads to the session for the overlap the caller chose, so that requests
     * already in flight with it do not fail.
     *
     * @since 0.1.0
     */
    RENEWAL
}
