/**
 * Spring Security on Lanyard sessions: the user lives in Lanyard's own user and roles fields (never a
 * Java-serialized {@code SecurityContext}), login rotates the session ID and meets the per-user session limit
 * atomically in the store, logout ends the session on every node, and step-up is an authorization rule.
 * {@link dev.lanyard.session.spring.security.LanyardHttpConfigurer} applies this to every {@code HttpSecurity}.
 */
package dev.lanyard.session.spring.security;
