package dev.lanyard.session.jdbc;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class JdbcSessionStoreBuilderTest {

    /** A data source that is never asked for a connection by these tests. */
    private static final DataSource NEVER_USED = new DataSource() {
        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("down", "08001");
        }

        @Override
        public Connection getConnection(String u, String p) throws SQLException {
            return getConnection();
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {}

        @Override
        public void setLoginTimeout(int seconds) {}

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("no");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    };

    private static JdbcSessionStore.Builder valid() {
        return JdbcSessionStore.builder()
                .dataSource(NEVER_USED)
                .dialect(Dialect.POSTGRESQL)
                .sweepInterval(Duration.ZERO);
    }

    @Test
    void buildNamesTheOptionThatIsWrong() {
        assertThatThrownBy(() ->
                        JdbcSessionStore.builder().dialect(Dialect.POSTGRESQL).build())
                .hasMessageStartingWith("dataSource");
        assertThatThrownBy(
                        () -> JdbcSessionStore.builder().dataSource(NEVER_USED).build())
                .hasMessageStartingWith("dialect");
        assertThatThrownBy(() -> valid().tablePrefix("x; DROP TABLE y").build()).hasMessageStartingWith("tablePrefix");
        assertThatThrownBy(() -> valid().timeout(Duration.ZERO).build()).hasMessageStartingWith("timeout");
        assertThatThrownBy(() -> valid().sweepInterval(Duration.ofMillis(10)).build())
                .hasMessageStartingWith("sweepInterval");
        assertThatThrownBy(() -> valid().sweepBatchSize(0).build()).hasMessageStartingWith("sweepBatchSize");
    }

    @Test
    void aDatabaseDownAtStartFailsOperationsTypedButNotTheBuild() {
        try (JdbcSessionStore store = valid().schema(SchemaSetup.CREATE).build()) {
            assertThatThrownBy(() -> store.userVersion("alice"))
                    .isInstanceOf(dev.lanyard.session.StoreUnavailableException.class)
                    .hasMessageContaining("08001");
        }
    }
}
