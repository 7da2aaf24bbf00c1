package dev.lanyard.session.servlet;

import dev.lanyard.session.SessionManager;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;
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
    final CookieIdTransport cookieTransport;
    final HeaderIdTransport headerTransport;
    final CsrfGuard csrf;
    final IdRenewal renewal;

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
        this.anonymousSessions = new AnonymousSessionLimiter(
                b.manager.clock(), b.anonymousSessionLimit, b.anonymousSessionWindow, b.guessingMaxClients);
        this.listeners = new SessionListeners(b.listeners);
        this.containerListeners = b.containerListeners;
        this.saveMode = b.saveMode;
        this.random = new SecureRandom();
        this.cookieTransport = new CookieIdTransport(cookie);
        this.headerTransport = headerName == null ? null : new HeaderIdTransport(headerName);
        this.csrf = new CsrfGuard(csrfMode, csrfTrustedOrigins, csrfHeaderName, csrfParameterName, random);
        this.renewal =
                b.idRenewalInterval == null ? IdRenewal.OFF : new IdRenewal(b.idRenewalInterval, b.idRenewalOverlap);
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
        this.cookieTransport = base.cookieTransport;
        this.headerTransport = base.headerTransport;
        this.csrf = base.csrf;
        this.renewal = base.renewal;
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

    /**
     * Checks a builder's options together.
     *
     * @throws IllegalArgumentException naming the first option that does not fit
     */
    static void validate(LanyardSessionFilter.Builder b) {
        if (b.headerName != null) {
            checkHeader("headerName", b.headerName);
            String lower = b.headerName.toLowerCase(Locale.ROOT);
            if (lower.equals("cookie") || lower.equals("set-cookie") || lower.equals("authorization")) {
                throw new IllegalArgumentException("headerName (" + b.headerName + ") must be a dedicated header");
            }
        }
        checkHeader("csrfHeaderName", b.csrfHeaderName);
        if (b.requestIdHeader != null) {
            checkHeader("requestIdHeader", b.requestIdHeader);
        }
        if (b.csrfParameterName.isEmpty()) {
            throw new IllegalArgumentException("csrfParameterName must not be empty");
        }
        if (b.retryAfter.toSeconds() < 1) {
            throw new IllegalArgumentException("retryAfter (" + b.retryAfter + ") must be at least one second");
        }
        if (b.anonymousSessionLimit < 0) {
            throw new IllegalArgumentException(
                    "anonymousSessionLimit (" + b.anonymousSessionLimit + ") must not be negative");
        }
        if (b.anonymousSessionWindow.isZero() || b.anonymousSessionWindow.isNegative()) {
            throw new IllegalArgumentException(
                    "anonymousSessionWindow (" + b.anonymousSessionWindow + ") must be positive");
        }
        if (b.guessingThreshold < 1) {
            throw new IllegalArgumentException("guessingThreshold (" + b.guessingThreshold + ") must be at least 1");
        }
        if (b.guessingWindow.isZero() || b.guessingWindow.isNegative()) {
            throw new IllegalArgumentException("guessingWindow (" + b.guessingWindow + ") must be positive");
        }
        if (b.guessingMaxClients < 1) {
            throw new IllegalArgumentException("guessingMaxClients (" + b.guessingMaxClients + ") must be at least 1");
        }
        validateRenewal(b);
        for (String origin : b.csrfTrustedOrigins) {
            if (!origin.matches("https?://[A-Za-z0-9.\\-\\[\\]:]+")) {
                throw new IllegalArgumentException("csrfTrustedOrigin (" + origin + ") must be scheme://host[:port]");
            }
        }
    }

    private static void validateRenewal(LanyardSessionFilter.Builder b) {
        Duration overlap = b.idRenewalOverlap;
        if (overlap.isZero()
                || overlap.isNegative()
                || overlap.compareTo(LanyardSessionFilter.MAX_ID_RENEWAL_OVERLAP) > 0) {
            throw new IllegalArgumentException("idRenewalOverlap ("
                    + overlap
                    + ") must be positive and at most "
                    + LanyardSessionFilter.MAX_ID_RENEWAL_OVERLAP);
        }
        Duration interval = b.idRenewalInterval;
        if (interval == null) {
            return;
        }
        if (interval.compareTo(overlap) <= 0) {
            throw new IllegalArgumentException(
                    "idRenewalInterval (" + interval + ") must be longer than idRenewalOverlap (" + overlap + ")");
        }
        if (b.manager.values().isEmpty()) {
            throw new IllegalArgumentException(
                    "idRenewalInterval needs a store that implements AtomicValueStore, to keep the old ID's"
                            + " overlap; the manager's store does not");
        }
    }

    private static void checkHeader(String option, String name) {
        if (name.isEmpty() || !name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
            throw new IllegalArgumentException(option + " (" + name + ") must be an HTTP header name");
        }
    }
}
