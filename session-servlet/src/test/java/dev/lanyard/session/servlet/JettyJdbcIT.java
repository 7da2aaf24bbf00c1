package dev.lanyard.session.servlet;

/**
 * The whole servlet suite in Jetty on the JDBC store over a real PostgreSQL.
 */
class JettyJdbcIT extends JettyIT {

    @Override
    protected Backing backing() {
        return Backing.POSTGRESQL;
    }
}
