package dev.lanyard.session.jdbc;

import dev.lanyard.session.jdbc.testing.DatabaseProcess;

/** The blackhole on MariaDB: Connector/J's {@code socketTimeout} (milliseconds) and {@code connectTimeout}. */
class MariaDbBlackholeIT extends JdbcBlackholeContract {

    @Override
    DatabaseProcess startDatabase() {
        return DatabaseProcess.mariadb();
    }

    @Override
    String location(int port, String query) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/lanyard?user=root&" + query;
    }
}
