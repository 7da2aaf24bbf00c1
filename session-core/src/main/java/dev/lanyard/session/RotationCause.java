package dev.lanyard.session;

/**
 * Why a session's ID was replaced by a new one. In every case the old ID is dead at once.
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
  REQUESTED
}
