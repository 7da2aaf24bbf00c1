package dev.lanyard.benchmarks;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the benchmark and soak reports go: the {@code dev.lanyard.benchmarks.report} logger, which
 * {@code simplelogger.properties} writes to standard output with nothing but the level in front.
 * Figures are formatted with {@link Locale#ROOT} so that tables read the same on every machine.
 */
public final class ReportLog {

    private static final Logger LOG = LoggerFactory.getLogger("dev.lanyard.benchmarks.report");

    private ReportLog() {}

    /**
     * Writes one line of a report.
     *
     * @param format a {@link String#format} pattern; a trailing {@code %n} is dropped
     * @param args its arguments
     */
    public static void line(String format, Object... args) {
        String pattern = format.endsWith("%n") ? format.substring(0, format.length() - 2) : format;
        if (LOG.isInfoEnabled()) {
            LOG.info(args.length == 0 ? pattern : String.format(Locale.ROOT, pattern, args));
        }
    }

    /**
     * Writes a block of several lines (a finished table) as one entry.
     *
     * @param text the lines
     */
    public static void block(String text) {
        LOG.info("\n{}", text);
    }

    /**
     * Writes a line about something that went wrong in a run without ending it.
     *
     * @param format a {@link String#format} pattern
     * @param args its arguments
     */
    public static void warn(String format, Object... args) {
        if (LOG.isWarnEnabled()) {
            LOG.warn(String.format(Locale.ROOT, format, args));
        }
    }
}
