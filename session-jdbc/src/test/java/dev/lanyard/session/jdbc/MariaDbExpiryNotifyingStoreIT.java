package dev.lanyard.session.jdbc;

import dev.lanyard.session.jdbc.testing.DatabaseProcess;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import dev.lanyard.session.tck.ExpiryNotifyingStoreContract;
import dev.lanyard.session.tck.MutableClock;
import java.time.Duration;

/** Timeout reports on MariaDB: the test clock moves and the sweep, which reports what it deletes, runs. */
class MariaDbExpiryNotifyingStoreIT extends ExpiryNotifyingStoreContract {

    private JdbcSessionStore jdbc;

    @Override
    protected ExpiryNotifyingStore createStore(MutableClock clock) {
        jdbc = JdbcTestSupport.of(DatabaseProcess.Kind.MARIADB).store(clock);
        return jdbc;
    }

    @Override
    protected void timePasses(Duration ttl) {
        clock.advance(ttl.plusMillis(1));
        jdbc.sweep();
    }
}
