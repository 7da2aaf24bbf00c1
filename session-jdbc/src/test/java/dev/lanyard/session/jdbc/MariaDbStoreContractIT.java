package dev.lanyard.session.jdbc;

import dev.lanyard.session.jdbc.testing.DatabaseProcess;

/** The whole store contract, and the JDBC store's own tests, on MariaDB. */
class MariaDbStoreContractIT extends JdbcStoreContract {

    @Override
    DatabaseProcess.Kind kind() {
        return DatabaseProcess.Kind.MARIADB;
    }
}
