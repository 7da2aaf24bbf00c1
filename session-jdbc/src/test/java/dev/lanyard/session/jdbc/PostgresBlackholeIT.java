package dev.lanyard.session.jdbc;

import dev.lanyard.session.jdbc.testing.DatabaseProcess;

/** The blackhole on PostgreSQL: PgJDBC's {@code socketTimeout}, {@code cancelSignalTimeout} and {@code loginTimeout}. */
class PostgresBlackholeIT extends JdbcBlackholeContract {

    @Override
    DatabaseProcess startDatabase() {
        return DatabaseProcess.postgres();
    }

    @Override
    String location(int port, String query) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=lanyard&" + query;
    }
}
