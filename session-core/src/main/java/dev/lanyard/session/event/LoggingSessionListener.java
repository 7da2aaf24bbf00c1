package dev.lanyard.session.event;

import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.SessionHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes one concise SLF4J line per lifecycle event on logger {@code dev.lanyard.session.events}.
 * Each line carries its fields twice: as SLF4J key-value pairs (which JSON encoders such as
 * logstash-logback-encoder render as fields) and as {@code key=value} text in the message (which
 * reads well in a plain console). The correlation ID comes from the MDC, where the servlet filter
 * puts it.
 *
 * <p>Levels keep production INFO quiet: logins, logouts and revocations at INFO; per-request
 * events (resolve, save, touch) at DEBUG or TRACE; suspicious or failing events at WARN.
 * User IDs are logged only when enabled with {@link #withUserIds()}. Thread-safe.
 *
 * @since 0.1.0
 */
public final class LoggingSessionListener implements SessionListener {

    /** The logger name used for lifecycle events. */
    public static final String LOGGER_NAME = "dev.lanyard.session.events";

    /** The longest application-supplied field value logged; longer ones are cut. */
    static final int MAX_FIELD_LENGTH = 200;

    /** At most one WARN per kind of repeated failure in this interval; the rest are counted. */
    private static final long WARN_INTERVAL_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);

    private final Logger log;
    private final RateLimitedWarning storeFailures = new RateLimitedWarning();
    private final RateLimitedWarning failOpens = new RateLimitedWarning();
    private final boolean userIds;
    private final String node;

    private LoggingSessionListener(Logger log, boolean userIds, String node) {
        this.log = log;
        this.userIds = userIds;
        this.node = node;
    }

    /**
     * Creates a listener that logs without user IDs.
     *
     * @param node this node's name for the {@code node} field, or {@code null} to omit it
     * @return the listener
     */
    public static LoggingSessionListener create(String node) {
        return new LoggingSessionListener(LoggerFactory.getLogger(LOGGER_NAME), false, node);
    }

    /**
     * Returns a copy that also logs user IDs, for applications whose user IDs are not personal
     * data or whose logs may hold it.
     *
     * @return the new listener
     */
    public LoggingSessionListener withUserIds() {
        return new LoggingSessionListener(log, true, node);
    }

    @Override
    public void onEvent(SessionEvent event) {
        if (event instanceof SessionEvent.Created e) {
            line(Level.DEBUG, "session created")
                    .handle(e.handle())
                    .field("authenticated", e.authenticated())
                    .emit();
        } else if (event instanceof SessionEvent.Resolved e) {
            line(Level.TRACE, "session resolved")
                    .handle(e.handle())
                    .field("source", e.source())
                    .emit();
        } else if (event instanceof SessionEvent.NotResolved e) {
            line(Level.DEBUG, "session not resolved")
                    .field("status", e.status())
                    .emit();
        } else if (event instanceof SessionEvent.Rotated e) {
            line(Level.DEBUG, "session rotated")
                    .handle(e.newHandle())
                    .field("previous", e.oldHandle())
                    .field("cause", e.cause())
                    .field("version", e.version())
                    .emit();
        } else if (event instanceof SessionEvent.Saved e) {
            line(Level.TRACE, "session saved")
                    .handle(e.handle())
                    .field("kind", e.kind())
                    .field("changed", e.changedAttributes())
                    .field("bytes", e.payloadBytes())
                    .emit();
        } else if (event instanceof SessionEvent.Revoked e) {
            line(e.reason() == RevocationReason.LOGOUT ? Level.DEBUG : Level.INFO, "session revoked")
                    .handle(e.handle())
                    .user(e.userId())
                    .field("reason", e.reason())
                    .emit();
        } else if (event instanceof SessionEvent.Expired e) {
            line(Level.DEBUG, "session expired")
                    .handle(e.handle())
                    .field("reason", e.reason())
                    .emit();
        } else if (event instanceof SessionEvent.LoggedIn e) {
            line(Level.INFO, "user logged in")
                    .handle(e.handle())
                    .user(e.userId())
                    .field("version", e.version())
                    .field("sessions", e.userSessions())
                    .emit();
        } else if (event instanceof SessionEvent.LoggedOut e) {
            line(Level.INFO, "user logged out")
                    .handle(e.handle())
                    .user(e.userId())
                    .emit();
        } else if (event instanceof SessionEvent.LimitReached e) {
            line(Level.INFO, "session limit reached")
                    .user(e.userId())
                    .field("rule", e.rule())
                    .field("evicted", e.evicted())
                    .emit();
        } else if (event instanceof SessionEvent.PayloadOverSoftLimit e) {
            line(Level.WARN, "session payload over soft limit")
                    .handle(e.handle())
                    .field("bytes", e.bytes())
                    .field("limit", e.limit())
                    .emit();
        } else if (event instanceof SessionEvent.Unreadable e) {
            line(Level.WARN, "unreadable session dropped")
                    .handle(e.handle())
                    .field("cause", e.cause())
                    .emit();
        } else if (event instanceof SessionEvent.AttributeUnreadable e) {
            // The manager logs this at WARN itself, so that it shows even without this listener.
            line(Level.DEBUG, "unreadable attribute dropped")
                    .handle(e.handle())
                    .field("attribute", e.attribute())
                    .field("class", e.className())
                    .field("cause", e.cause())
                    .emit();
        } else if (event instanceof SessionEvent.StoreCall e) {
            if (e.outcome() == SessionEvent.Outcome.FAILURE) {
                long suppressed = storeFailures.admit();
                line(suppressed < 0 ? Level.DEBUG : Level.WARN, "session store call failed")
                        .field("operation", e.operation())
                        .field("elapsedMs", e.elapsed().toMillis())
                        .field("suppressed", Math.max(suppressed, 0))
                        .emit();
            }
        } else if (event instanceof SessionEvent.FailOpen e) {
            long suppressed = failOpens.admit();
            line(suppressed < 0 ? Level.DEBUG : Level.WARN, "store unavailable; serving without session")
                    .field("route", e.route())
                    .field("suppressed", Math.max(suppressed, 0))
                    .emit();
        } else if (event instanceof SessionEvent.StepUpRequired e) {
            line(Level.DEBUG, "step-up required")
                    .handle(e.handle())
                    .field("route", e.route())
                    .emit();
        } else if (event instanceof SessionEvent.TokenRejected e) {
            line(Level.DEBUG, "access token rejected")
                    .field("reason", e.reason())
                    .emit();
        } else if (event instanceof SessionEvent.TokenReuseDetected e) {
            line(Level.WARN, "refresh token reuse detected; family revoked")
                    .handle(e.handle())
                    .emit();
        } else if (event instanceof SessionEvent.RefreshGraceUsed e) {
            line(Level.INFO, "refresh grace used; successor handed out a second time")
                    .handle(e.handle())
                    .emit();
        } else if (event instanceof SessionEvent.AffinityRebind e) {
            line(Level.DEBUG, "session moved node")
                    .handle(e.handle())
                    .field("from", e.fromNode())
                    .emit();
        } else if (event instanceof SessionEvent.GuessingSuspected e) {
            line(Level.WARN, "session ID guessing suspected")
                    .field("client", e.client())
                    .field("attempts", e.attempts())
                    .emit();
        } else if (event instanceof SessionEvent.StoreStateChanged e) {
            // The store logs each change itself, with its cause; repeated here only for DEBUG readers.
            line(Level.DEBUG, "session store state")
                    .field("state", e.health().state())
                    .emit();
        }
    }

    private Line line(Level level, String message) {
        return new Line(log.isEnabledForLevel(level) ? log.atLevel(level) : null, message);
    }

    /**
     * Makes application-supplied text (user IDs, route names) safe for a single log line: control
     * characters, quotes, backslashes and spaces are escaped, so a value cannot forge a field or a
     * line.
     */
    static String printable(String value) {
        StringBuilder out = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean plain = c > 0x20
                    && !Character.isISOControl(c)
                    && c != '"'
                    && c != '\\'
                    && c != '='
                    && c != '\u2028'
                    && c != '\u2029'
                    && !isBidiControl(c);
            if (!plain && out == null) {
                out = new StringBuilder(value.length() + 8).append(value, 0, i);
            }
            if (out != null) {
                if (plain) {
                    out.append(c);
                } else {
                    out.append(c <= 0xff ? String.format("\\x%02x", (int) c) : String.format("\\u%04x", (int) c));
                }
            }
        }
        String result = out == null ? value : out.toString();
        return result.length() > MAX_FIELD_LENGTH ? result.substring(0, MAX_FIELD_LENGTH) + "..." : result;
    }

    private static boolean isBidiControl(char c) {
        return c == '\u061c'
                || c == '\u200e'
                || c == '\u200f'
                || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /**
     * Lets one WARN through per interval; in between, callers log at DEBUG. Thread-safe.
     */
    private static final class RateLimitedWarning {
        private final java.util.concurrent.atomic.AtomicLong nextWarnAt =
                new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
        private final java.util.concurrent.atomic.AtomicLong suppressed = new java.util.concurrent.atomic.AtomicLong();

        /** @return how many were suppressed since the last WARN when this one may WARN, else -1 */
        long admit() {
            long now = System.nanoTime();
            long next = nextWarnAt.get();
            if ((next == Long.MIN_VALUE || now - next >= 0)
                    && nextWarnAt.compareAndSet(next, now + WARN_INTERVAL_NANOS)) {
                return suppressed.getAndSet(0);
            }
            suppressed.incrementAndGet();
            return -1;
        }
    }

    /** One log line under construction; does nothing when its level is off. */
    private final class Line {
        private final LoggingEventBuilder builder;
        private final StringBuilder text;

        Line(LoggingEventBuilder builder, String message) {
            this.builder = builder;
            this.text = builder == null ? null : new StringBuilder(96).append(message);
        }

        Line handle(SessionHandle handle) {
            return field("handle", handle);
        }

        Line user(String userId) {
            return userIds && userId != null ? field("user", userId) : this;
        }

        Line field(String key, Object value) {
            if (builder != null) {
                // Handles and enums go out as text: JSON encoders would render the objects as {}.
                Object safe =
                        value instanceof Number || value instanceof Boolean ? value : printable(String.valueOf(value));
                builder.addKeyValue(key, safe);
                text.append(' ').append(key).append('=').append(safe);
            }
            return this;
        }

        void emit() {
            if (builder != null) {
                if (node != null) {
                    field("node", node);
                }
                builder.log(text.toString());
            }
        }
    }
}
