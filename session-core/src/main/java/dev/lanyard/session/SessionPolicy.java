package dev.lanyard.session;

import java.time.Duration;
import java.util.Objects;

/**
 * The lifetimes and limits every session obeys. Immutable and thread-safe; build one with
 * {@link #builder()} or start from {@link #defaults()}. {@link Builder#build()} rejects
 * combinations that cannot work, with a message naming the option.
 *
 * @since 0.1.0
 */
public final class SessionPolicy {

    /** Default idle timeout of an authenticated session: 30 minutes (OWASP's upper band for low-risk apps). */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(30);
    /** Default idle timeout of an anonymous session: 15 minutes, so unauthenticated traffic does not pile up. */
    public static final Duration DEFAULT_ANONYMOUS_IDLE_TIMEOUT = Duration.ofMinutes(15);
    /** Default absolute lifetime: 12 hours, however active the session is. */
    public static final Duration DEFAULT_ABSOLUTE_TIMEOUT = Duration.ofHours(12);
    /** Default touch interval: last access is written at most once a minute. */
    public static final Duration DEFAULT_TOUCH_INTERVAL = Duration.ofMinutes(1);
    /** Default soft payload limit: 16 KiB of encoded attributes raise an event and a log line. */
    public static final long DEFAULT_PAYLOAD_SOFT_LIMIT = 16 * 1024;
    /** Default hard payload limit: writes beyond 64 KiB of encoded attributes are refused. */
    public static final long DEFAULT_PAYLOAD_HARD_LIMIT = 64 * 1024;
    /** Default clock skew tolerated between nodes and in token times: 30 seconds. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    /**
     * The default per-user limit: ten sessions, the least recently used evicted beyond them. A user
     * keeps a phone, a laptop and a few browsers; an account that logs in without end (a script, a
     * shared password) keeps a bounded index, so each login costs the same however many came
     * before. It applies where the store indexes users ({@link dev.lanyard.session.spi.UserIndexedStore});
     * on a store that does not, the default is not enforced (a limit set explicitly is refused
     * there, at build time).
     */
    public static final SessionLimit DEFAULT_SESSION_LIMIT = SessionLimit.evictBeyond(10);

    /**
     * Default login boundary: {@link LoginAttributePolicy#applicationAttributes()}, every attribute
     * but security state crosses a login, so a shop keeps its cart.
     *
     * @since 0.1.0
     */
    public static final LoginAttributePolicy DEFAULT_LOGIN_ATTRIBUTES = LoginAttributePolicy.applicationAttributes();

    private static final SessionPolicy DEFAULTS = builder().build();

    private final Duration idleTimeout;
    private final Duration anonymousIdleTimeout;
    private final Duration absoluteTimeout;
    private final Duration touchInterval;
    private final SessionLimit sessionLimit;
    private final long payloadSoftLimit;
    private final long payloadHardLimit;
    private final Duration clockSkew;
    private final LoginAttributePolicy loginAttributes;

    private SessionPolicy(Builder b) {
        this.idleTimeout = b.idleTimeout;
        this.anonymousIdleTimeout = b.anonymousIdleTimeout;
        this.absoluteTimeout = b.absoluteTimeout;
        this.touchInterval = b.touchInterval;
        this.sessionLimit = b.sessionLimit;
        this.payloadSoftLimit = b.payloadSoftLimit;
        this.payloadHardLimit = b.payloadHardLimit;
        this.clockSkew = b.clockSkew;
        this.loginAttributes = b.loginAttributes;
    }

    /**
     * Returns the policy with every default.
     *
     * @return the default policy
     */
    public static SessionPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder with every default.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder holding this policy's values.
     *
     * @return a new builder
     */
    public Builder mutate() {
        return new Builder()
                .idleTimeout(idleTimeout)
                .anonymousIdleTimeout(anonymousIdleTimeout)
                .absoluteTimeout(absoluteTimeout)
                .touchInterval(touchInterval)
                .sessionLimit(sessionLimit)
                .payloadSoftLimit(payloadSoftLimit)
                .payloadHardLimit(payloadHardLimit)
                .clockSkew(clockSkew)
                .loginAttributes(loginAttributes);
    }

    /** @return how long an authenticated session lives without being used */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** @return how long an anonymous session lives without being used */
    public Duration anonymousIdleTimeout() {
        return anonymousIdleTimeout;
    }

    /** @return how long any session lives at most, counted from its creation or its last login */
    public Duration absoluteTimeout() {
        return absoluteTimeout;
    }

    /**
     * Returns the touch interval: a read-only request writes the last-access time only when the
     * stored one is at least this old, so reads stay reads. An idle timeout is thus honoured to
     * within this interval.
     *
     * @return the interval
     */
    public Duration touchInterval() {
        return touchInterval;
    }

    /** @return the per-user session limit */
    public SessionLimit sessionLimit() {
        return sessionLimit;
    }

    /** @return the encoded attribute size, in bytes, above which a write raises an event */
    public long payloadSoftLimit() {
        return payloadSoftLimit;
    }

    /** @return the encoded attribute size, in bytes, above which a write is refused */
    public long payloadHardLimit() {
        return payloadHardLimit;
    }

    /** @return the clock difference tolerated between nodes, and in token time checks */
    public Duration clockSkew() {
        return clockSkew;
    }

    /**
     * @return which attributes of an anonymous session cross a login
     * @since 0.1.0
     */
    public LoginAttributePolicy loginAttributes() {
        return loginAttributes;
    }

    @Override
    public String toString() {
        return "SessionPolicy[idleTimeout=" + idleTimeout + ", anonymousIdleTimeout=" + anonymousIdleTimeout
                + ", absoluteTimeout=" + absoluteTimeout + ", touchInterval=" + touchInterval
                + ", sessionLimit=" + sessionLimit + ", payloadSoftLimit=" + payloadSoftLimit
                + ", payloadHardLimit=" + payloadHardLimit + ", clockSkew=" + clockSkew
                + ", loginAttributes=" + loginAttributes + "]";
    }

    /** Collects a policy's values. Not thread-safe; {@link #build()} validates and copies. */
    public static final class Builder {
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration anonymousIdleTimeout = DEFAULT_ANONYMOUS_IDLE_TIMEOUT;
        private Duration absoluteTimeout = DEFAULT_ABSOLUTE_TIMEOUT;
        private Duration touchInterval = DEFAULT_TOUCH_INTERVAL;
        private SessionLimit sessionLimit = DEFAULT_SESSION_LIMIT;
        private long payloadSoftLimit = DEFAULT_PAYLOAD_SOFT_LIMIT;
        private long payloadHardLimit = DEFAULT_PAYLOAD_HARD_LIMIT;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private LoginAttributePolicy loginAttributes = DEFAULT_LOGIN_ATTRIBUTES;

        private Builder() {}

        /**
         * Sets the idle timeout of authenticated sessions ({@link #DEFAULT_IDLE_TIMEOUT}).
         *
         * @param value a positive duration, at most the absolute timeout
         * @return this builder
         */
        public Builder idleTimeout(Duration value) {
            this.idleTimeout = Objects.requireNonNull(value, "idleTimeout");
            return this;
        }

        /**
         * Sets the idle timeout of anonymous sessions ({@link #DEFAULT_ANONYMOUS_IDLE_TIMEOUT}).
         *
         * @param value a positive duration, at most the absolute timeout
         * @return this builder
         */
        public Builder anonymousIdleTimeout(Duration value) {
            this.anonymousIdleTimeout = Objects.requireNonNull(value, "anonymousIdleTimeout");
            return this;
        }

        /**
         * Sets the absolute lifetime ({@link #DEFAULT_ABSOLUTE_TIMEOUT}).
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder absoluteTimeout(Duration value) {
            this.absoluteTimeout = Objects.requireNonNull(value, "absoluteTimeout");
            return this;
        }

        /**
         * Sets the touch interval ({@link #DEFAULT_TOUCH_INTERVAL}).
         *
         * @param value zero (write every access) or a positive duration shorter than both idle timeouts
         * @return this builder
         */
        public Builder touchInterval(Duration value) {
            this.touchInterval = Objects.requireNonNull(value, "touchInterval");
            return this;
        }

        /**
         * Sets the per-user session limit ({@link #DEFAULT_SESSION_LIMIT}: ten, evicting the least
         * recently used); {@link SessionLimit#unlimited()} turns it off.
         *
         * @param value the limit
         * @return this builder
         */
        public Builder sessionLimit(SessionLimit value) {
            this.sessionLimit = Objects.requireNonNull(value, "sessionLimit");
            return this;
        }

        /**
         * Sets the soft payload limit ({@link #DEFAULT_PAYLOAD_SOFT_LIMIT}).
         *
         * @param bytes a positive size, at most the hard limit
         * @return this builder
         */
        public Builder payloadSoftLimit(long bytes) {
            this.payloadSoftLimit = bytes;
            return this;
        }

        /**
         * Sets the hard payload limit ({@link #DEFAULT_PAYLOAD_HARD_LIMIT}).
         *
         * @param bytes a positive size
         * @return this builder
         */
        public Builder payloadHardLimit(long bytes) {
            this.payloadHardLimit = bytes;
            return this;
        }

        /**
         * Sets the tolerated clock skew ({@link #DEFAULT_CLOCK_SKEW}).
         *
         * @param value zero or a positive duration of at most five minutes
         * @return this builder
         */
        public Builder clockSkew(Duration value) {
            this.clockSkew = Objects.requireNonNull(value, "clockSkew");
            return this;
        }

        /**
         * Sets which attributes of an anonymous session cross a login
         * ({@link #DEFAULT_LOGIN_ATTRIBUTES}: all but security state).
         *
         * @param value the policy
         * @return this builder
         * @since 0.1.0
         */
        public Builder loginAttributes(LoginAttributePolicy value) {
            this.loginAttributes = Objects.requireNonNull(value, "loginAttributes");
            return this;
        }

        /**
         * Validates the combination and builds the policy.
         *
         * @return the policy
         * @throws IllegalArgumentException naming the first option that does not fit
         */
        public SessionPolicy build() {
            positive("idleTimeout", idleTimeout);
            positive("anonymousIdleTimeout", anonymousIdleTimeout);
            positive("absoluteTimeout", absoluteTimeout);
            notLonger("idleTimeout", idleTimeout, "absoluteTimeout", absoluteTimeout);
            notLonger("anonymousIdleTimeout", anonymousIdleTimeout, "absoluteTimeout", absoluteTimeout);
            if (touchInterval.isNegative()) {
                throw new IllegalArgumentException("touchInterval (" + touchInterval + ") must not be negative");
            }
            Duration shortestIdle =
                    idleTimeout.compareTo(anonymousIdleTimeout) < 0 ? idleTimeout : anonymousIdleTimeout;
            if (touchInterval.compareTo(shortestIdle) >= 0) {
                throw new IllegalArgumentException("touchInterval (" + touchInterval
                        + ") must be shorter than the shortest idle timeout (" + shortestIdle + ")");
            }
            if (payloadSoftLimit <= 0) {
                throw new IllegalArgumentException("payloadSoftLimit (" + payloadSoftLimit + ") must be positive");
            }
            if (payloadHardLimit <= 0) {
                throw new IllegalArgumentException("payloadHardLimit (" + payloadHardLimit + ") must be positive");
            }
            if (payloadSoftLimit > payloadHardLimit) {
                throw new IllegalArgumentException("payloadSoftLimit (" + payloadSoftLimit
                        + ") must not exceed payloadHardLimit (" + payloadHardLimit + ")");
            }
            if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("clockSkew (" + clockSkew + ") must be between PT0S and PT5M");
            }
            return new SessionPolicy(this);
        }

        private static void positive(String name, Duration value) {
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + " (" + value + ") must be positive");
            }
        }

        private static void notLonger(String name, Duration value, String otherName, Duration other) {
            if (value.compareTo(other) > 0) {
                throw new IllegalArgumentException(
                        name + " (" + value + ") must not exceed " + otherName + " (" + other + ")");
            }
        }
    }
}
