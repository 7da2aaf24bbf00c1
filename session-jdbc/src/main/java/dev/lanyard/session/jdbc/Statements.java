package dev.lanyard.session.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of one dialect with the table names filled in: the named statements of
 * {@code statements.sql} and the DDL of {@code schema.sql}. Immutable.
 */
final class Statements {

    private static final String MARKER = "-- name:";

    /**
     * The most touched names a delta's statement spells out one by one ({@code heldByName}); a delta
     * of more names uses {@code heldByList}.
     */
    static final int NAMED_TERMS = 8;

    private static final String HELD = "${held}";

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
        expandHeld(byName);
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

    /**
     * @param touched how many names a delta puts or removes
     * @return the name of the {@code update} statement that spells out that many, in a dialect whose
     *     {@code update} has {@code ${held}}
     */
    static String updateFor(int touched) {
        return touched <= NAMED_TERMS ? "update/" + touched : "update/list";
    }

    /**
     * A dialect whose {@code update} has {@code ${held}} gets one statement per number of touched
     * names up to {@link #NAMED_TERMS}, each with that many {@code heldByName} terms, and one with
     * {@code heldByList} for more.
     */
    private static void expandHeld(Map<String, String> byName) {
        String update = byName.get("update");
        if (update == null || !update.contains(HELD)) {
            return;
        }
        String term = byName.get("heldByName");
        for (int n = 0; n <= NAMED_TERMS; n++) {
            String held = n == 0 ? "0" : String.join(" + ", Collections.nCopies(n, term));
            byName.put(updateFor(n), update.replace(HELD, held));
        }
        byName.put(updateFor(NAMED_TERMS + 1), update.replace(HELD, byName.get("heldByList")));
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
