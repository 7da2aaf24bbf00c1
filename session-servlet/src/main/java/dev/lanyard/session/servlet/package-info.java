/**
 * The servlet integration: {@link dev.lanyard.session.servlet.LanyardSessionFilter} backs
 * {@code HttpSession} with a {@link dev.lanyard.session.SessionManager}, sends the session ID in a
 * hardened cookie (or a header), applies {@link dev.lanyard.session.servlet.RoutePolicy route
 * policies} and offers {@link dev.lanyard.session.servlet.LanyardSessions} to login code.
 * Classes not public here are internal.
 */
package dev.lanyard.session.servlet;
