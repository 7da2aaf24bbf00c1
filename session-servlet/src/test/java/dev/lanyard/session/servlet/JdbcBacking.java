package dev.lanyard.session.servlet;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.session.jdbc.Dialect;
import dev.lanyard.session.jdbc.JdbcSessionStore;
import dev.lanyard.session.jdbc.SchemaSetup;
import dev.lanyard.session.jdbc.testing.TestDatabases;
import dev.lanyard.session.spi.UserIndexedStore;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * The JDBC store on the PostgreSQL the test JVM shares (a private server, or LANYARD_TEST_POSTGRES_URL),
 * in tables of its own, through a HikariCP pool, as an application would set it up.
 */
final class JdbcBacking implements AutoCloseable {

    private final HikariDataSource pool;
    private String prefix;

    JdbcBacking() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabases.postgresUrl());
        config.setMaximumPoolSize(16);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(2000);
        pool = new HikariDataSource(config);
    }

    /**
     * @param clock the suite's clock
     * @return a store on fresh tables
     */
    UserIndexedStore store(Clock clock) {
        prefix = "servlet_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12) + "_";
        return JdbcSessionStore.builder()
                .dataSource(pool)
                .dialect(Dialect.POSTGRESQL)
                .tablePrefix(prefix)
                .schema(SchemaSetup.CREATE)
                .timeout(Duration.ofSeconds(2))
                .clock(clock)
                .build();
    }

    /**
     * @return where init-parameters point a deployment: the same database and tables as the last
     *     {@link #store}, by the store's own URI
     */
    String uri() {
        String url = TestDatabases.postgresUrl();
        return url + (url.contains("?") ? "&" : "?") + "tablePrefix=" + prefix + "&schema=create";
    }

    @Override
    public void close() {
        pool.close();
    }
}
