package dev.lanyard.session.metrics;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * A logback appender on the root logger that renders every event in full (message, key-value
 * pairs, MDC, throwable chain) and checks it, as it arrives, for any secret known at that moment.
 * A secret cannot be logged before it exists, so checking on arrival sees every leak while keeping
 * memory flat. The first {@link #RETAINED} events are also kept for tests to read.
 */
final class LogCapture extends AppenderBase<ILoggingEvent> {

    static final int RETAINED = 20_000;

    private final Set<String> secrets;
    private final List<ILoggingEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> leaks = Collections.synchronizedList(new ArrayList<>());
    private long seen;
    private Logger root;

    /**
     * @param secrets a live view of the secrets to look for
     */
    LogCapture(Set<String> secrets) {
        this.secrets = secrets;
    }

    /** Starts capturing on the root logger. */
    LogCapture attach() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        setContext(context);
        setName("lanyard-log-capture");
        start();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(this);
        return this;
    }

    /** Stops capturing. */
    void detach() {
        if (root != null) {
            root.detachAppender(this);
        }
        stop();
    }

    @Override
    protected synchronized void append(ILoggingEvent event) {
        seen++;
        String rendered = render(event);
        for (String secret : SecretScanner.find(rendered, secrets)) {
            leaks.add(secret.substring(0, 6) + "… in: " + rendered.replace(secret, "<SECRET>"));
        }
        if (events.size() < RETAINED) {
            event.prepareForDeferredProcessing();
            events.add(event);
        }
    }

    /** @return how many events arrived */
    synchronized long seen() {
        return seen;
    }

    /** @return the retained events, oldest first */
    List<ILoggingEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** @return a description of every leak found (the secret shortened) */
    List<String> leaks() {
        synchronized (leaks) {
            return List.copyOf(leaks);
        }
    }

    /** Renders everything an encoder could write: message, key-values, MDC and the throwable chain. */
    static String render(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(160);
        out.append(event.getLevel())
                .append(' ')
                .append(event.getLoggerName())
                .append(" - ")
                .append(event.getFormattedMessage());
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                out.append(' ').append(pair.key).append('=').append(pair.value);
            }
        }
        for (Map.Entry<String, String> mdc : event.getMDCPropertyMap().entrySet()) {
            out.append(" mdc.").append(mdc.getKey()).append('=').append(mdc.getValue());
        }
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            out.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
            for (StackTraceElementProxy frame : t.getStackTraceElementProxyArray()) {
                out.append(' ').append(frame.getSTEAsString());
            }
            for (IThrowableProxy suppressed : t.getSuppressed()) {
                out.append(" | suppressed ")
                        .append(suppressed.getClassName())
                        .append(": ")
                        .append(suppressed.getMessage());
            }
        }
        return out.toString();
    }
}
