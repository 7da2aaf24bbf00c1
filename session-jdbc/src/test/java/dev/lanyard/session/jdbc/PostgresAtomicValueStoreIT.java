package dev.lanyard.session.jdbc;

import dev.lanyard.session.jdbc.testing.DatabaseProcess;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.tck.AtomicValueStoreContract;
import dev.lanyard.session.tck.MutableClock;

/** The atomic-value contract (refresh tokens, the deny-list) on PostgreSQL. */
class PostgresAtomicValueStoreIT extends AtomicValueStoreContract {

    @Override
    protected AtomicValueStore createValueStore(MutableClock clock) {
        return JdbcTestSupport.of(DatabaseProcess.Kind.POSTGRESQL).store(clock);
    }
}
