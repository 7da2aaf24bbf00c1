package dev.lanyard.session.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.session.jdbc.testing.DatabaseProcess;
import dev.lanyard.session.jdbc.testing.TestDatabases;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped migrations ({@code <dialect>/migration/V<n>__*.sql}, for Flyway or Liquibase)
 * applied in version order to an empty schema give the same tables, columns and indexes as the
 * store's create-on-start ({@link SchemaSetup#CREATE}) with the default table prefix. Each side
 * gets a fresh schema (PostgreSQL) or database (MariaDB) of its own, dropped at the end.
 */
abstract class MigrationsContract {

    abstract DatabaseProcess.Kind kind();

    @Test
    void theMigrationsInVersionOrderGiveTheSchemaTheStoreCreatesOnStart() throws Exception {
        String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        String migrated = "lanyard_migrated_" + suffix;
        String created = "lanyard_created_" + suffix;
        try (HikariDataSource admin = JdbcTestSupport.pool(TestDatabases.url(kind()), 1)) {
            execute(admin, createSchema(migrated));
            execute(admin, createSchema(created));
            try {
                try (HikariDataSource pool = poolIn(migrated)) {
                    for (Migration migration : migrations()) {
                        for (String statement : statements(migration.sql())) {
                            execute(pool, statement);
                        }
                    }
                }
                try (HikariDataSource pool = poolIn(created);
                        JdbcSessionStore store = JdbcSessionStore.builder()
                                .dataSource(pool)
                                .dialect(dialect())
                                .schema(SchemaSetup.CREATE)
                                .sweepInterval(Duration.ZERO)
                                .build()) {
                    store.userVersion("make sure the schema exists");
                }

                List<String> fromMigrations = catalog(admin, migrated);
                List<String> fromCreate = catalog(admin, created);

                assertThat(fromCreate)
                        .as("the create-on-start schema, read back")
                        .anyMatch(row -> row.startsWith("column lanyard_session.attributes "))
                        .anyMatch(row -> row.startsWith("column lanyard_user.version "))
                        .anyMatch(row -> row.startsWith("column lanyard_admission.evicted "))
                        .anyMatch(row -> row.startsWith("column lanyard_value.value_bytes "))
                        .anyMatch(row -> row.startsWith("index lanyard_session "));
                assertThat(fromMigrations).containsExactlyElementsOf(fromCreate);
            } finally {
                execute(admin, dropSchema(migrated));
                execute(admin, dropSchema(created));
            }
        }
    }

    @Test
    void migrationsAreNumberedFromOneWithoutGaps() throws Exception {
        List<Migration> migrations = migrations();

        assertThat(migrations).isNotEmpty();
        for (int i = 0; i < migrations.size(); i++) {
            assertThat(migrations.get(i).name()).startsWith("V" + (i + 1) + "__");
        }
    }

    private Dialect dialect() {
        return kind() == DatabaseProcess.Kind.POSTGRESQL ? Dialect.POSTGRESQL : Dialect.MARIADB;
    }

    private HikariDataSource poolIn(String schema) {
        return JdbcTestSupport.pool(TestDatabases.url(kind()), 2, config -> {
            if (kind() == DatabaseProcess.Kind.POSTGRESQL) {
                config.setSchema(schema);
            } else {
                config.setCatalog(schema);
            }
        });
    }

    private String createSchema(String name) {
        return kind() == DatabaseProcess.Kind.POSTGRESQL ? "CREATE SCHEMA " + name : "CREATE DATABASE " + name;
    }

    private String dropSchema(String name) {
        return kind() == DatabaseProcess.Kind.POSTGRESQL
                ? "DROP SCHEMA IF EXISTS " + name + " CASCADE"
                : "DROP DATABASE IF EXISTS " + name;
    }

    /**
     * @return the migration files of the dialect as the jar ships them (the tests run on the
     *     packaged jar), file name and text, in version order
     */
    private List<Migration> migrations() throws IOException, URISyntaxException {
        String folder = "/dev/lanyard/session/jdbc/" + dialect().folder() + "/migration";
        URL url = getClass().getResource(folder);
        assertThat(url).as("the migration folder of " + dialect()).isNotNull();
        URI uri = url.toURI();
        if (uri.getScheme().equals("jar")) {
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                return read(jar.getPath(folder));
            }
        }
        return read(Path.of(uri));
    }

    private static List<Migration> read(Path folder) throws IOException {
        List<Migration> migrations = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.matches("V\\d+__.+\\.sql")) {
                    migrations.add(new Migration(name, Files.readString(file)));
                }
            }
        }
        migrations.sort(Comparator.comparingInt(m -> version(m.name())));
        return migrations;
    }

    private record Migration(String name, String sql) {}

    private static int version(String name) {
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    /** Splits a migration into statements: comment lines dropped, a statement ends with ';'. */
    private static List<String> statements(String sql) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (line.trim().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.trim().endsWith(";")) {
                String statement = current.toString().trim();
                statements.add(statement.substring(0, statement.length() - 1));
                current.setLength(0);
            }
        }
        assertThat(current.toString().trim()).as("text after the last ';'").isEmpty();
        return statements;
    }

    /** @return every column (type, length, nullability, default, collation) and index of a schema */
    private List<String> catalog(HikariDataSource admin, String schema) throws SQLException {
        List<String> rows = new ArrayList<>();
        String columns = "SELECT table_name, column_name, data_type, character_maximum_length,"
                + " is_nullable, column_default, collation_name, ordinal_position"
                + " FROM information_schema.columns WHERE table_schema = ?"
                + " ORDER BY table_name, ordinal_position";
        String indexes = kind() == DatabaseProcess.Kind.POSTGRESQL
                ? "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = ?"
                        + " ORDER BY tablename, indexname"
                : "SELECT table_name, index_name, CONCAT(non_unique, ' ', seq_in_index, ' ', column_name)"
                        + " FROM information_schema.statistics WHERE table_schema = ?"
                        + " ORDER BY table_name, index_name, seq_in_index";
        try (Connection c = admin.getConnection()) {
            try (PreparedStatement s = c.prepareStatement(columns)) {
                s.setString(1, schema);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows.add("column " + rs.getString(1).toLowerCase(Locale.ROOT) + "."
                                + rs.getString(2).toLowerCase(Locale.ROOT) + " " + rs.getString(3) + " "
                                + rs.getString(4) + " " + rs.getString(5) + " " + rs.getString(6) + " "
                                + rs.getString(7) + " " + rs.getInt(8));
                    }
                }
            }
            try (PreparedStatement s = c.prepareStatement(indexes)) {
                s.setString(1, schema);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        rows.add("index " + rs.getString(1).toLowerCase(Locale.ROOT) + " "
                                + rs.getString(2).toLowerCase(Locale.ROOT) + " "
                                + rs.getString(3).replace(schema + ".", ""));
                    }
                }
            }
        }
        return rows;
    }

    private static void execute(HikariDataSource pool, String sql) throws SQLException {
        try (Connection c = pool.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
