package dev.lanyard.session.jdbc;

import java.util.Locale;

/**
 * The SQL a {@link JdbcSessionStore} speaks. Each dialect's statements and schema are readable
 * resource files ({@code dev/lanyard/session/jdbc/<dialect>/statements.sql} and
 * {@code schema.sql}) in this module's jar.
 *
 * @since 0.1.0
 */
public enum Dialect {

    /**
     * PostgreSQL 15 or later, first-class: every operation on a session is one statement, the delta
     * an {@code UPDATE ... RETURNING} that merges a JSONB column, the sweep a {@code DELETE} of a
     * {@code FOR UPDATE SKIP LOCKED} batch.
     */
    POSTGRESQL("postgresql"),

    /**
     * MariaDB 10.11 or later (the SQL avoids what MySQL 8 lacks, but only MariaDB is tested). A
     * delta is one {@code UPDATE} with {@code JSON_MERGE_PATCH}, followed in its transaction by a
     * read of the new size (MariaDB has no {@code UPDATE ... RETURNING}); the sweep selects a
     * {@code SKIP LOCKED} batch, then deletes it.
     */
    MARIADB("mariadb");

    private final String folder;

    Dialect(String folder) {
        this.folder = folder;
    }

    /** @return the name of the resource folder that holds this dialect's SQL */
    String folder() {
        return folder;
    }

    /**
     * Finds the dialect for a JDBC sub-protocol, case-insensitively: {@code postgresql} for
     * PostgreSQL, {@code mariadb} or {@code mysql} for MariaDB.
     *
     * @param subProtocol the part of a JDBC URL after {@code jdbc:}, up to the next colon
     * @return the dialect
     * @throws IllegalArgumentException naming the protocols supported
     */
    public static Dialect forSubProtocol(String subProtocol) {
        String p = subProtocol == null ? "" : subProtocol.toLowerCase(Locale.ROOT);
        switch (p) {
            case "postgresql":
                return POSTGRESQL;
            case "mariadb":
            case "mysql":
                return MARIADB;
            default:
                throw new IllegalArgumentException("dialect: no dialect for the JDBC protocol '" + p
                        + "' (supported: postgresql, mariadb, mysql)");
        }
    }

    /**
     * Parses a dialect name, case-insensitively ({@code postgresql}, {@code mariadb}).
     *
     * @param name the name
     * @return the dialect
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Dialect parse(String name) {
        for (Dialect d : values()) {
            if (d.name().equalsIgnoreCase(name)) {
                return d;
            }
        }
        throw new IllegalArgumentException("dialect: '" + name + "' is not one of postgresql, mariadb");
    }
}
