package dev.lanyard.session.jdbc;

import dev.lanyard.session.jdbc.testing.DatabaseProcess;

/** The fault tests on a private PostgreSQL: restart under traffic, killed connections, a held row lock. */
class PostgresFaultIT extends JdbcFaultContract {

  @Override
  DatabaseProcess.Kind kind() {
    return DatabaseProcess.Kind.POSTGRESQL;
  }
}
