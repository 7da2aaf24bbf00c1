package dev.lanyard.session.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.StringJoiner;

/**
 * A {@code jdbc:} store location: the driver's own URL, from which the store's options are taken
 * out (the rest, user and password included, goes to the driver untouched). Error messages never
 * repeat the URL, which may hold a password.
 */
final class JdbcLocation {

    /** The default number of connections of the pool a URI-opened store keeps. */
    static final int DEFAULT_POOL_SIZE = 10;

    final String driverUrl;
    final Dialect dialect;
    String tablePrefix = JdbcSessionStore.DEFAULT_TABLE_PREFIX;
    SchemaSetup schema = SchemaSetup.NONE;
    Duration timeout = JdbcSessionStore.DEFAULT_TIMEOUT;
    Duration sweepInterval = JdbcSessionStore.DEFAULT_SWEEP_INTERVAL;
    int sweepBatchSize = JdbcSessionStore.DEFAULT_SWEEP_BATCH_SIZE;
    int poolSize = DEFAULT_POOL_SIZE;

    private JdbcLocation(String driverUrl, Dialect dialect) {
        this.driverUrl = driverUrl;
        this.dialect = dialect;
    }

    static JdbcLocation parse(String location) {
        if (location == null || !location.regionMatches(true, 0, "jdbc:", 0, 5)) {
            throw new IllegalArgumentException("a JDBC store location starts with jdbc: (jdbc:postgresql://host/db)");
        }
        String rest = location.substring(5);
        int colon = rest.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(
                    "a JDBC store location names its database: jdbc:postgresql://… or jdbc:mariadb://…");
        }
        Dialect dialect = Dialect.forSubProtocol(rest.substring(0, colon));
        int question = location.indexOf('?');
        String base = question < 0 ? location : location.substring(0, question);
        StringJoiner driverQuery = new StringJoiner("&");
        JdbcLocation parsed;
        String[] pairs =
                question < 0 ? new String[0] : location.substring(question + 1).split("&");
        String tablePrefix = null;
        String schema = null;
        String timeout = null;
        String sweepInterval = null;
        String sweepBatchSize = null;
        String poolSize = null;
        boolean connectTimeoutGiven = false;
        boolean socketTimeoutGiven = false;
        boolean cancelTimeoutGiven = false;
        boolean loginTimeoutGiven = false;
        for (String pair : pairs) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            switch (key) {
                case "tablePrefix" -> tablePrefix = value;
                case "schema" -> schema = value;
                case "timeout" -> timeout = value;
                case "sweepInterval" -> sweepInterval = value;
                case "sweepBatchSize" -> sweepBatchSize = value;
                case "poolSize" -> poolSize = value;
                default -> {
                    connectTimeoutGiven |= key.equalsIgnoreCase("connectTimeout");
                    socketTimeoutGiven |= key.equalsIgnoreCase("socketTimeout");
                    cancelTimeoutGiven |= key.equalsIgnoreCase("cancelSignalTimeout");
                    loginTimeoutGiven |= key.equalsIgnoreCase("loginTimeout");
                    driverQuery.add(pair);
                }
            }
        }
        parsed = new JdbcLocation(null, dialect);
        if (tablePrefix != null) {
            parsed.tablePrefix = tablePrefix;
        }
        if (schema != null) {
            parsed.schema = SchemaSetup.parse(schema);
        }
        if (timeout != null) {
            parsed.timeout = duration("timeout", timeout);
        }
        if (sweepInterval != null) {
            parsed.sweepInterval = duration("sweepInterval", sweepInterval);
        }
        if (sweepBatchSize != null) {
            parsed.sweepBatchSize = integer("sweepBatchSize", sweepBatchSize);
        }
        if (poolSize != null) {
            parsed.poolSize = integer("poolSize", poolSize);
            if (parsed.poolSize < 1 || parsed.poolSize > 1000) {
                throw new IllegalArgumentException("poolSize (" + parsed.poolSize + ") must be 1 to 1000");
            }
        }
        if (!connectTimeoutGiven) {
            // The driver's own connect timeout, so that a database that does not answer fails within ours.
            long millis = parsed.timeout.toMillis();
            driverQuery.add(
                    "connectTimeout=" + (dialect == Dialect.POSTGRESQL ? Math.max(1, (millis + 999) / 1000) : millis));
        }
        if (!socketTimeoutGiven) {
            // A read bound on the socket. The statement's query timeout normally ends a slow statement
            // (by a cancel request on another connection), but when the database vanished without a
            // reset (a blackhole) neither the reply nor the cancel arrives and the read would wait for
            // the kernel's retransmission horizon (up to 15 minutes): this ends it one second after the
            // query timeout would have.
            long queryTimeoutSeconds = Math.max(1, (parsed.timeout.toMillis() + 999) / 1000);
            driverQuery.add("socketTimeout="
                    + (dialect == Dialect.POSTGRESQL ? queryTimeoutSeconds + 1 : (queryTimeoutSeconds + 1) * 1000));
        }
        if (dialect == Dialect.POSTGRESQL && !cancelTimeoutGiven) {
            // PgJDBC waits up to 10 s for the cancel request a query timeout sends; on a blackholed
            // database that wait alone would be ten timeouts.
            driverQuery.add("cancelSignalTimeout=" + Math.max(1, (parsed.timeout.toMillis() + 999) / 1000));
        }
        if (dialect == Dialect.POSTGRESQL && !loginTimeoutGiven) {
            // connectTimeout bounds only the TCP connect; a server that accepts and never answers the
            // start-up would hold a new connection until socketTimeout, per read.
            driverQuery.add("loginTimeout=" + Math.max(1, (parsed.timeout.toMillis() + 999) / 1000));
        }
        String driverUrl = driverQuery.length() == 0 ? base : base + "?" + driverQuery;
        JdbcLocation result = new JdbcLocation(driverUrl, dialect);
        result.tablePrefix = parsed.tablePrefix;
        result.schema = parsed.schema;
        result.timeout = parsed.timeout;
        result.sweepInterval = parsed.sweepInterval;
        result.sweepBatchSize = parsed.sweepBatchSize;
        result.poolSize = parsed.poolSize;
        return result;
    }

    private static Duration duration(String option, String value) {
        try {
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + ": '" + value + "' is not an ISO-8601 duration such as PT2S");
        }
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + ": '" + value + "' is not a whole number");
        }
    }
}
