package dev.lanyard.session.jdbc;

/**
 * What a {@link JdbcSessionStore} does about its tables when it starts.
 *
 * @since 0.1.0
 */
public enum SchemaSetup {

    /**
     * Nothing: the tables exist already, created by the application's migrations from the shipped
     * DDL ({@code dev/lanyard/session/jdbc/<dialect>/schema.sql}). The default, and the right choice
     * in production.
     */
    NONE,

    /**
     * Create the tables and indexes that are missing ({@code CREATE ... IF NOT EXISTS}), at start and,
     * if the database was down then, before the first operation. For development and tests; it never
     * alters or drops anything.
     */
    CREATE;

    /**
     * Parses a value, case-insensitively ({@code none}, {@code create}).
     *
     * @param name the name
     * @return the value
     * @throws IllegalArgumentException naming the accepted values
     */
    public static SchemaSetup parse(String name) {
        for (SchemaSetup s : values()) {
            if (s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("schema: '" + name + "' is not one of none, create");
    }
}
