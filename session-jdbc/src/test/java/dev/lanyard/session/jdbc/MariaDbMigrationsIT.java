package dev.lanyard.session.jdbc;

import dev.lanyard.session.jdbc.testing.DatabaseProcess;

/** The shipped migrations against the create-on-start schema, on MariaDB. */
class MariaDbMigrationsIT extends MigrationsContract {

    @Override
    DatabaseProcess.Kind kind() {
        return DatabaseProcess.Kind.MARIADB;
    }
}
