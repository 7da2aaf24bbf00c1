/**
 * Test support shared through this module's test-jar: private PostgreSQL and MariaDB servers
 * ({@link dev.lanyard.session.jdbc.testing.DatabaseProcess}) and the rule that picks the database a
 * run uses ({@link dev.lanyard.session.jdbc.testing.TestDatabases}). JDK-only code; the JDBC driver
 * comes from the module that runs the tests.
 */
package dev.lanyard.session.jdbc.testing;
