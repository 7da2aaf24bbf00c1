/**
 * Actuator support: the {@code sessions} endpoint (list a user's sessions, revoke one, revoke all) and the store's
 * health indicator ({@code lanyard}, for the readiness group), with a line-neutral {@link
 * dev.lanyard.session.spring.actuate.StoreProbe} behind it.
 */
package dev.lanyard.session.spring.actuate;
