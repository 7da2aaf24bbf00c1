package dev.lanyard.session.jdbc;

import dev.lanyard.session.jdbc.testing.DatabaseProcess;

/** The fault tests on a private MariaDB: restart under traffic, killed connections, a held row lock. */
class MariaDbFaultIT extends JdbcFaultContract {

    @Override
    DatabaseProcess.Kind kind() {
        return DatabaseProcess.Kind.MARIADB;
    }
}
