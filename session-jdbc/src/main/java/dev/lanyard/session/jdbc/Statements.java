package dev.lanyard.session.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of one dialect with the table names filled in: the named statements of
 * {@code statements.sql} and the DDL of {@code schema.sql}. Immutable.
 */
final class Statements {

    private static final String MARKER = "-- name:";

    private final Map<String, String> byName;
    private final List<String> schema;

    private Statements(Map<String, String> byName, List<String> schema) {
        this.byName = Map.copyOf(byName);
        this.schema = List.copyOf(schema);
    }

    static Statements load(Dialect dialect, String tablePrefix) {
        Map<String, String> tables = Map.of(
                "${session}", tablePrefix + "session",
                "${user}", tablePrefix + "user",
                "${admission}", tablePrefix + "admission",
                "${value}", tablePrefix + "value");
        Map<String, String> byName = new HashMap<>();
        String name = null;
        StringBuilder sql = new StringBuilder();
        for (String line : read(dialect, "statements.sql").split("\n")) {
            if (line.startsWith(MARKER)) {
                put(byName, name, sql, tables);
                name = line.substring(MARKER.length()).trim();
                sql.setLength(0);
            } else if (name != null && !line.trim().startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        put(byName, name, sql, tables);
        List<String> schema = new ArrayList<>();
        StringBuilder ddl = new StringBuilder();
        for (String line : read(dialect, "schema.sql").split("\n")) {
            if (line.trim().startsWith("--")) {
                continue;
            }
            ddl.append(line).append('\n');
            if (line.trim().endsWith(";")) {
                String statement = ddl.toString().trim();
                schema.add(fill(statement.substring(0, statement.length() - 1), tables));
                ddl.setLength(0);
            }
        }
        return new Statements(byName, schema);
    }

    String get(String name) {
        String sql = byName.get(name);
        if (sql == null) {
            throw new IllegalStateException("no statement named " + name);
        }
        return sql;
    }

    List<String> schema() {
        return schema;
    }

    private static void put(Map<String, String> byName, String name, StringBuilder sql, Map<String, String> tables) {
        if (name != null) {
            byName.put(name, fill(sql.toString().trim(), tables));
        }
    }

    private static String fill(String sql, Map<String, String> tables) {
        String filled = sql;
        for (Map.Entry<String, String> e : tables.entrySet()) {
            filled = filled.replace(e.getKey(), e.getValue());
        }
        return filled;
    }

    private static String read(Dialect dialect, String file) {
        String resource = dialect.folder() + "/" + file;
        try (InputStream in = Statements.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource dev/lanyard/session/jdbc/" + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
