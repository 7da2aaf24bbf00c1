package dev.lanyard.session.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.jdbc.testing.DatabaseProcess;
import dev.lanyard.session.spi.UpdateResult;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The fault tests on a private PostgreSQL: restart under traffic, killed connections, a held row lock. */
class PostgresFaultIT extends JdbcFaultContract {

    @Override
    DatabaseProcess.Kind kind() {
        return DatabaseProcess.Kind.POSTGRESQL;
    }

    /**
     * Reads on PostgreSQL carry no query timeout but the connection's network timeout: the backend
     * serving the store's only connection is stopped (SIGSTOP), so it answers nothing, not even a
     * cancel request. The resolve must still fail typed within the timeout, and the store must work
     * again on a new connection once the backend runs again.
     */
    @Test
    void aResolveTheServerDoesNotAnswerFailsTypedWithinTheTimeoutAndTheStoreRecovers() throws Exception {
        OneConnection connections = new OneConnection(server().jdbcUrl());
        try (JdbcSessionStore store = store(JdbcSessionStore.builder().connections(connections))) {
            SessionHandle handle = SessionId.generate(RANDOM).handle();
            store.create(record(handle), Duration.ofMinutes(30));
            long backend = connections.backendPid();
            signal("STOP", backend);
            try {
                List<Duration> failures = new ArrayList<>();
                assertTimeoutPreemptively(
                        Duration.ofSeconds(60),
                        () -> assertThatThrownBy(() -> timed(() -> store.load(handle), failures))
                                .isInstanceOf(StoreUnavailableException.class)
                                .hasMessageNotContaining(handle.value()));
                assertThat(failures)
                        .singleElement()
                        .satisfies(took -> assertThat(took).isLessThanOrEqualTo(TIMEOUT.plus(SLACK)));
            } finally {
                signal("CONT", backend);
            }
            assertThat(store.load(handle))
                    .as("the same store, on a new connection")
                    .isPresent();
        }
    }

    /**
     * The delta carries no query timeout either: it bounds its own lock waits with the lock_timeout it
     * sets for itself, and the connection's network timeout bounds the rest. A delta to a backend
     * that answers nothing (SIGSTOP) fails typed within the timeout; the lock_timeout it set ends
     * with its own transaction; and the store works again once the backend runs.
     */
    @Test
    void aDeltaTheServerDoesNotAnswerFailsTypedWithinTheTimeoutAndLeavesNoSettingBehind() throws Exception {
        OneConnection connections = new OneConnection(server().jdbcUrl());
        try (JdbcSessionStore store = store(JdbcSessionStore.builder().connections(connections))) {
            SessionHandle handle = SessionId.generate(RANDOM).handle();
            store.create(record(handle), Duration.ofMinutes(30));
            assertThat(store.update(handle, put("before", "stop")).status()).isEqualTo(UpdateResult.Status.APPLIED);
            assertThat(connections.lockTimeout())
                    .as("the delta's lock_timeout ended with its statement")
                    .isEqualTo("0");
            long backend = connections.backendPid();
            signal("STOP", backend);
            try {
                List<Duration> failures = new ArrayList<>();
                assertTimeoutPreemptively(
                        Duration.ofSeconds(60),
                        () -> assertThatThrownBy(() ->
                                        timed(() -> store.update(handle, put("during", "stop")), failures))
                                .isInstanceOf(StoreUnavailableException.class)
                                .hasMessageNotContaining(handle.value()));
                assertThat(failures)
                        .singleElement()
                        .satisfies(took -> assertThat(took).isLessThanOrEqualTo(TIMEOUT.plus(SLACK)));
            } finally {
                signal("CONT", backend);
            }
            assertThat(store.update(handle, put("after", "stop")).status())
                    .as("the same store, on a new connection")
                    .isEqualTo(UpdateResult.Status.APPLIED);
        }
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -" + name + " " + pid).isZero();
    }

    /** A pool of one connection, so that the test knows which backend serves the store. */
    private static final class OneConnection implements Connections {
        private final String url;
        private Connection connection;

        OneConnection(String url) {
            this.url = url;
        }

        @Override
        public synchronized Connection acquire() throws SQLException {
            if (connection == null) {
                connection = DriverManager.getConnection(url);
            }
            return connection;
        }

        @Override
        public synchronized void release(Connection released, boolean broken) {
            if (broken) {
                try {
                    released.close();
                } catch (SQLException ignored) {
                    // already gone
                }
                connection = null;
            }
        }

        synchronized String lockTimeout() throws SQLException {
            try (Statement s = acquire().createStatement();
                    ResultSet rs = s.executeQuery("SHOW lock_timeout")) {
                rs.next();
                return rs.getString(1);
            }
        }

        synchronized long backendPid() throws SQLException {
            try (Statement s = acquire().createStatement();
                    ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                return rs.getLong(1);
            }
        }

        @Override
        public synchronized void close() {
            if (connection != null) {
                release(connection, true);
            }
        }
    }
}
