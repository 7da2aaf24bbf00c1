/**
 * The relational session store: {@link dev.lanyard.session.jdbc.JdbcSessionStore} on PostgreSQL
 * or MariaDB ({@link dev.lanyard.session.jdbc.Dialect}), configured by builder with the
 * application's {@link javax.sql.DataSource} or by a {@code jdbc:} URI through
 * {@link dev.lanyard.session.SessionStores#open(String)} ({@link dev.lanyard.session.jdbc.JdbcStoreProvider}).
 * The SQL lives in resource files, one folder per dialect. Everything else in this package is
 * internal (package-private). Schema, costs, the sweep and migrations: {@code docs/jdbc.md}.
 */
package dev.lanyard.session.jdbc;
