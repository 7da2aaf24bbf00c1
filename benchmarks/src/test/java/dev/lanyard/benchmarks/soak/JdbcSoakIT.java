package dev.lanyard.benchmarks.soak;

/**
 * The CI short form of the soak on PostgreSQL through the JDBC store
 * ({@link SoakConfig#jdbcShortForm()}: 120 shoppers, at most 12 at once, 30 seconds, one app-node
 * restart and two database restarts), checked by the same {@link SoakChecks} as the Redis soaks.
 */
class JdbcSoakIT extends SoakChecks {

    @Override
    SoakConfig config() {
        return SoakConfig.jdbcShortForm();
    }
}
