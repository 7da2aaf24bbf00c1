package dev.lanyard.session.redis;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures every log event of the JVM (all loggers at DEBUG) while open, for secret searches. */
final class LogCapture implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final List<Logger> raised = new ArrayList<>();
    private final List<Level> previous = new ArrayList<>();
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogCapture(String... debugLoggers) {
        appender.start();
        root.addAppender(appender);
        for (String name : debugLoggers) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            raised.add(logger);
            previous.add(logger.getLevel());
            logger.setLevel(Level.DEBUG);
            // Captured only: DEBUG output of these loggers does not go to the console.
            logger.setAdditive(false);
            logger.addAppender(appender);
        }
    }

    /** @return every captured message, formatted, with its throwable chain's messages */
    String text() {
        StringBuilder text = new StringBuilder();
        for (ILoggingEvent e : appender.list) {
            text.append(e.getLevel())
                    .append(' ')
                    .append(e.getLoggerName())
                    .append(' ')
                    .append(e.getFormattedMessage())
                    .append('\n');
            for (IThrowableProxy t = e.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append("  ")
                        .append(t.getClassName())
                        .append(": ")
                        .append(t.getMessage())
                        .append('\n');
            }
        }
        return text.toString();
    }

    List<ILoggingEvent> events() {
        return List.copyOf(appender.list);
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        for (int i = 0; i < raised.size(); i++) {
            raised.get(i).detachAppender(appender);
            raised.get(i).setAdditive(true);
            raised.get(i).setLevel(previous.get(i));
        }
    }
}
