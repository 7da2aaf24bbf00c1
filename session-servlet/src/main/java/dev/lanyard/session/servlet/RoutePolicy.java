package dev.lanyard.session.servlet;

import dev.lanyard.session.ReadMode;
import dev.lanyard.session.Session;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What a group of URLs demands of the session, matched by a servlet URL pattern: an exact path
 * ({@code /account/password}), a prefix ({@code /admin/*}) or an extension ({@code *.json}).
 * Matching follows the servlet specification: an exact match wins, then the longest prefix, then an
 * extension; requests no pattern matches get the filter's default route (no idle or step-up demand,
 * failure mode {@link FailureMode#CLOSED} unless configured otherwise). Patterns are matched
 * against the path within the application, after the container has decoded and normalised it
 * ({@code getServletPath() + getPathInfo()}), so {@code ;jsessionid} or encoding tricks cannot
 * dodge a policy.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class RoutePolicy {

    private final String pattern;
    private final Duration idleTimeout;
    private final Duration stepUpMaxAge;
    private final StepUpAnswer stepUpAnswer;
    private final FailureMode failureMode;
    private final boolean csrfExempt;
    private final ReadMode readMode;

    private RoutePolicy(Builder b) {
        this.pattern = b.pattern;
        this.idleTimeout = b.idleTimeout;
        this.stepUpMaxAge = b.stepUpMaxAge;
        this.stepUpAnswer = b.stepUpAnswer;
        this.failureMode = b.failureMode;
        this.csrfExempt = b.csrfExempt;
        this.readMode = b.readMode;
    }

    /**
     * Starts a policy for a servlet URL pattern.
     *
     * @param pattern {@code /exact}, {@code /prefix/*}, {@code /*} or {@code *.extension}
     * @return a builder
     */
    public static Builder forPattern(String pattern) {
        return new Builder(pattern);
    }

    /**
     * @return the URL pattern; also the route's name in events
     */
    public String pattern() {
        return pattern;
    }

    /**
     * Returns the idle window of this route: a session unused for longer than this (as recorded by
     * its last touch, so to within the touch interval) is ended when it reaches the route, and the
     * request continues as anonymous.
     *
     * @return the window, or empty when the session's own idle timeout is the only limit
     */
    public Optional<Duration> idleTimeout() {
        return Optional.ofNullable(idleTimeout);
    }

    /**
     * @return how recently the user must have authenticated to use this route, or empty when the
     *     route does not demand it
     */
    public Optional<Duration> stepUpMaxAge() {
        return Optional.ofNullable(stepUpMaxAge);
    }

    /** Whether this route's idle window has passed for {@code session} at {@code now}. */
    boolean idleWindowPassed(Session session, Instant now) {
        return idleTimeout != null && now.isAfter(session.lastAccessedAt().plus(idleTimeout));
    }

    /** Whether this route demands a more recent authentication than {@code session} (or none) has. */
    boolean demandsStepUp(Session session, Instant now) {
        return stepUpMaxAge != null && (session == null || !session.authenticatedWithin(stepUpMaxAge, now));
    }

    /**
     * @return how a step-up demand is answered
     */
    public StepUpAnswer stepUpAnswer() {
        return stepUpAnswer;
    }

    /**
     * @return what the route does when the store is unavailable, or {@code null} to use the filter's
     *     default
     */
    public FailureMode failureMode() {
        return failureMode;
    }

    /**
     * @return whether the route skips the CSRF check (webhooks and other cross-site receivers)
     */
    public boolean csrfExempt() {
        return csrfExempt;
    }

    /**
     * Returns where the route reads the session from: {@link ReadMode#CACHE} (the default) lets a
     * store's near cache answer; {@link ReadMode#STORE} always reads the shared store, so a
     * revocation made on another node is seen at once (payments, administration). Stores without a
     * near cache always read the store.
     *
     * @return the read mode
     */
    public ReadMode read() {
        return readMode;
    }

    @Override
    public String toString() {
        return "RoutePolicy["
                + pattern
                + ", idleTimeout="
                + idleTimeout
                + ", stepUpMaxAge="
                + stepUpMaxAge
                + ", stepUpAnswer="
                + stepUpAnswer
                + ", failureMode="
                + failureMode
                + ", csrfExempt="
                + csrfExempt
                + ", read="
                + readMode
                + "]";
    }

    /** Collects a route policy. Not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private final String pattern;
        private Duration idleTimeout;
        private Duration stepUpMaxAge;
        private StepUpAnswer stepUpAnswer = StepUpAnswer.unauthorized();
        private FailureMode failureMode;
        private boolean csrfExempt;
        private ReadMode readMode = ReadMode.CACHE;

        private Builder(String pattern) {
            this.pattern = Objects.requireNonNull(pattern, "pattern");
        }

        /**
         * Sets the route's idle window (see {@link RoutePolicy#idleTimeout()}).
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder idleTimeout(Duration value) {
            this.idleTimeout = Objects.requireNonNull(value, "idleTimeout");
            return this;
        }

        /**
         * Demands that the user authenticated within {@code maxAge}; otherwise the request is answered
         * with {@code answer} and {@link dev.lanyard.session.event.SessionEvent.StepUpRequired} is
         * published. Anonymous requests get the same answer.
         *
         * @param maxAge a positive duration
         * @param answer {@link StepUpAnswer#unauthorized()} or {@link StepUpAnswer#redirectTo(String)}
         * @return this builder
         */
        public Builder stepUp(Duration maxAge, StepUpAnswer answer) {
            this.stepUpMaxAge = Objects.requireNonNull(maxAge, "maxAge");
            this.stepUpAnswer = Objects.requireNonNull(answer, "answer");
            return this;
        }

        /**
         * Sets what the route does when the store is unavailable (default: the filter's default).
         *
         * @param value the mode
         * @return this builder
         */
        public Builder failureMode(FailureMode value) {
            this.failureMode = Objects.requireNonNull(value, "failureMode");
            return this;
        }

        /**
         * Exempts the route from the CSRF check.
         *
         * @return this builder
         */
        public Builder csrfExempt() {
            this.csrfExempt = true;
            return this;
        }

        /**
         * Sets where the route reads the session from (see {@link RoutePolicy#read()}; default {@link
         * ReadMode#CACHE}). {@code read(ReadMode.STORE)} costs one store round trip per request that
         * presents a session. The route key {@code read=store|cache} sets the same.
         *
         * @param value the mode
         * @return this builder
         */
        public Builder read(ReadMode value) {
            this.readMode = Objects.requireNonNull(value, "read");
            return this;
        }

        /**
         * Validates and builds the policy.
         *
         * @return the policy
         * @throws IllegalArgumentException naming the option that does not fit
         */
        public RoutePolicy build() {
            checkPattern(pattern);
            if (idleTimeout != null && (idleTimeout.isZero() || idleTimeout.isNegative())) {
                throw new IllegalArgumentException(
                        "route " + pattern + ": idleTimeout (" + idleTimeout + ") must be positive");
            }
            if (stepUpMaxAge != null && (stepUpMaxAge.isZero() || stepUpMaxAge.isNegative())) {
                throw new IllegalArgumentException(
                        "route " + pattern + ": stepUp (" + stepUpMaxAge + ") must be positive");
            }
            return new RoutePolicy(this);
        }

        static void checkPattern(String pattern) {
            boolean valid;
            if (pattern.startsWith("*.")) {
                valid = pattern.length() > 2 && pattern.indexOf('/') < 0 && pattern.indexOf('*', 1) < 0;
            } else if (pattern.startsWith("/")) {
                int star = pattern.indexOf('*');
                valid = star < 0 || (star == pattern.length() - 1 && pattern.endsWith("/*"));
            } else {
                valid = false;
            }
            for (int i = 0; valid && i < pattern.length(); i++) {
                valid = pattern.charAt(i) > 0x20 && pattern.charAt(i) != 0x7f;
            }
            if (!valid) {
                throw new IllegalArgumentException("route pattern '"
                        + pattern
                        + "' is not a servlet URL pattern: use /exact, /prefix/* or *.extension");
            }
        }
    }
}
