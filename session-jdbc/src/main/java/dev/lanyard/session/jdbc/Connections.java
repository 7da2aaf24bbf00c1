package dev.lanyard.session.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Where the store borrows connections: the application's {@link DataSource}, or its own small pool. */
interface Connections extends AutoCloseable {

    /**
     * @return a connection, which must be given back with {@link #release}
     * @throws SQLException if none can be had within the pool's timeout
     */
    Connection acquire() throws SQLException;

    /**
     * @param connection a connection from {@link #acquire()}
     * @param broken whether an operation on it failed, so that it must not be reused
     */
    void release(Connection connection, boolean broken);

    @Override
    default void close() {}

    /** @return connections from a data source, each given back by closing it (its pool decides the rest) */
    static Connections of(DataSource dataSource) {
        return new Connections() {
            @Override
            public Connection acquire() throws SQLException {
                return dataSource.getConnection();
            }

            @Override
            public void release(Connection connection, boolean broken) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // the pool has already dropped it
                }
            }
        };
    }
}
