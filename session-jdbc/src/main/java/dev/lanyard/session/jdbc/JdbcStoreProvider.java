package dev.lanyard.session.jdbc;

import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.spi.SessionStoreProvider;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;

/**
 * Registers the {@code jdbc} scheme with {@link dev.lanyard.session.SessionStores#open(String)}:
 * a location is the JDBC driver's own URL ({@code jdbc:postgresql://db:5432/app?user=…&password=…},
 * {@code jdbc:mariadb://…}, {@code jdbc:mysql://…}) plus the store's options as query parameters,
 * which are taken out before the URL goes to the driver: {@code tablePrefix}, {@code schema}
 * ({@code none} or {@code create}), {@code timeout}, {@code sweepInterval} (ISO-8601 durations),
 * {@code sweepBatchSize} and {@code poolSize} (the store's own small pool; default 10). The driver
 * must be on the class path. Found by {@link java.util.ServiceLoader}; applications do not use it
 * directly. Stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class JdbcStoreProvider implements SessionStoreProvider {

    /** Creates the provider; called by {@link java.util.ServiceLoader}. */
    public JdbcStoreProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of("jdbc");
    }

    /**
     * Opens a {@link JdbcSessionStore} on {@code uri} with a pool of its own. Nothing connects until
     * the first operation (or the schema creation, with {@code schema=create}).
     *
     * @param uri the location
     * @param clock the clock that decides expiry
     * @return the store; closing it closes its pool
     * @throws IllegalArgumentException if the URI or an option is malformed; the message never repeats the URI
     */
    @Override
    public SessionStore open(URI uri, Clock clock) {
        Objects.requireNonNull(uri, "uri");
        JdbcLocation location = JdbcLocation.parse(uri.toString());
        DriverPool pool = new DriverPool(location.driverUrl, location.poolSize, location.timeout);
        try {
            return JdbcSessionStore.builder()
                    .connections(pool)
                    .dialect(location.dialect)
                    .tablePrefix(location.tablePrefix)
                    .schema(location.schema)
                    .timeout(location.timeout)
                    .sweepInterval(location.sweepInterval)
                    .sweepBatchSize(location.sweepBatchSize)
                    .clock(Objects.requireNonNull(clock, "clock"))
                    .build();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }
}
