package dev.lanyard.session.jdbc.testing;

/**
 * The databases the tests use, in this order: a JDBC URL from the environment
 * ({@code LANYARD_TEST_POSTGRES_URL}, {@code LANYARD_TEST_MARIADB_URL}, with user and password),
 * used as is — the tests isolate themselves by table prefix and never drop what they did not
 * create; else one private server per JVM started from the binaries on the {@code PATH}
 * ({@link DatabaseProcess}), shared by every test class of the run; else a failure that says what to
 * install. Never skipped.
 */
public final class TestDatabases {

    private static DatabaseProcess postgres;
    private static DatabaseProcess mariadb;

    private TestDatabases() {}

    /** @return a JDBC URL of the PostgreSQL the tests share */
    public static synchronized String postgresUrl() {
        String url = System.getenv("LANYARD_TEST_POSTGRES_URL");
        if (url != null && !url.isBlank()) {
            return url;
        }
        if (postgres == null) {
            postgres = DatabaseProcess.postgres();
        }
        return postgres.jdbcUrl();
    }

    /** @return a JDBC URL of the MariaDB the tests share */
    public static synchronized String mariadbUrl() {
        String url = System.getenv("LANYARD_TEST_MARIADB_URL");
        if (url != null && !url.isBlank()) {
            return url;
        }
        if (mariadb == null) {
            mariadb = DatabaseProcess.mariadb();
        }
        return mariadb.jdbcUrl();
    }

    /**
     * @param kind the server
     * @return the shared URL for that server
     */
    public static String url(DatabaseProcess.Kind kind) {
        return kind == DatabaseProcess.Kind.POSTGRESQL ? postgresUrl() : mariadbUrl();
    }
}
