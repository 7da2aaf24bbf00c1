/**
 * Lanyard's session API: {@link dev.lanyard.session.SessionManager} decides every policy;
 * {@link dev.lanyard.session.Session}, {@link dev.lanyard.session.SessionId} and
 * {@link dev.lanyard.session.SessionHandle} are the values it works with;
 * {@link dev.lanyard.session.SessionPolicy} holds the lifetimes and limits.
 *
 * <p>Secrets: a {@link dev.lanyard.session.SessionId} is the only secret here and is never
 * logged, stored or put in a message; everything else names sessions by handle.
 */
package dev.lanyard.session;
