package dev.lanyard.session.jdbc;

import dev.lanyard.session.jdbc.testing.DatabaseProcess;

/** The whole store contract, and the JDBC store's own tests, on PostgreSQL. */
class PostgresStoreContractIT extends JdbcStoreContract {

    @Override
    DatabaseProcess.Kind kind() {
        return DatabaseProcess.Kind.POSTGRESQL;
    }
}
