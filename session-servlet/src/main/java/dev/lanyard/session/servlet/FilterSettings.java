package dev.lanyard.session.servlet;

import dev.lanyard.session.SessionManager;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Set;

/** Everything a filter instance decided at build time. Immutable and thread-safe. */
final class FilterSettings {

  final SessionManager manager;
  final CookieSettings cookie;
  final String headerName;
  final RouteTable routes;
  final FailureMode failureMode;
  final Duration retryAfter;
  final CsrfMode csrfMode;
  final Set<String> csrfTrustedOrigins;
  final String csrfHeaderName;
  final String csrfParameterName;
  final String requestIdHeader;
  final GuessingDetector guessing;
  final AnonymousSessionLimiter anonymousSessions;
  final SessionListeners listeners;
  final boolean containerListeners;
  final AttributeSaveMode saveMode;
  final SecureRandom random;

  FilterSettings(LanyardSessionFilter.Builder b) {
    this.manager = b.manager;
    this.cookie = b.cookie;
    this.headerName = b.headerName;
    this.routes = new RouteTable(b.routes, RoutePolicy.forPattern("/").build());
    this.failureMode = b.failureMode;
    this.retryAfter = b.retryAfter;
    this.csrfMode = b.csrfMode;
    this.csrfTrustedOrigins = Set.copyOf(b.csrfTrustedOrigins);
    this.csrfHeaderName = b.csrfHeaderName;
    this.csrfParameterName = b.csrfParameterName;
    this.requestIdHeader = b.requestIdHeader;
    this.guessing = new GuessingDetector(b.manager, b.guessingThreshold, b.guessingWindow, b.guessingMaxClients);
    this.anonymousSessions = new AnonymousSessionLimiter(b.manager.clock(), b.anonymousSessionLimit,
        b.anonymousSessionWindow, b.guessingMaxClients);
    this.listeners = new SessionListeners(b.listeners);
    this.containerListeners = b.containerListeners;
    this.saveMode = b.saveMode;
    this.random = new SecureRandom();
  }

  private FilterSettings(FilterSettings base, SessionListeners listeners) {
    this.manager = base.manager;
    this.cookie = base.cookie;
    this.headerName = base.headerName;
    this.routes = base.routes;
    this.failureMode = base.failureMode;
    this.retryAfter = base.retryAfter;
    this.csrfMode = base.csrfMode;
    this.csrfTrustedOrigins = base.csrfTrustedOrigins;
    this.csrfHeaderName = base.csrfHeaderName;
    this.csrfParameterName = base.csrfParameterName;
    this.requestIdHeader = base.requestIdHeader;
    this.guessing = base.guessing;
    this.anonymousSessions = base.anonymousSessions;
    this.listeners = listeners;
    this.containerListeners = base.containerListeners;
    this.saveMode = base.saveMode;
    this.random = base.random;
  }

  /**
   * @param replacement the listeners to notify instead
   * @return these settings with other listeners
   */
  FilterSettings withListeners(SessionListeners replacement) {
    return new FilterSettings(this, replacement);
  }

  FailureMode failureModeOf(RoutePolicy route) {
    return route.failureMode() != null ? route.failureMode() : failureMode;
  }
}
