package dev.lanyard.session.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The PostgreSQL delta's SQL as the store builds and binds it, without a database. */
class DeltaStatementTest {

    private final Statements postgres = Statements.load(Dialect.POSTGRESQL, "lanyard_");

    @Test
    void eachCountOfTouchedNamesHasAStatementWithTwoParametersPerNameInSetAndWhere() {
        for (int names = 0; names <= Statements.NAMED_TERMS; names++) {
            String sql = postgres.get(Statements.updateFor(names));
            assertThat(sql).doesNotContain("${").doesNotContain("jsonb_to_recordset");
            assertThat(parameters(sql)).as("%d names", names).isEqualTo(13 + 4 * names);
        }
        String list = postgres.get(Statements.updateFor(Statements.NAMED_TERMS + 1));
        assertThat(list).isEqualTo(postgres.get(Statements.updateFor(1000)));
        assertThat(list).contains("jsonb_to_recordset").doesNotContain("${");
        assertThat(parameters(list)).isEqualTo(15);
    }

    @Test
    void theDeltaSetsItsOwnLockTimeoutAndMariaDbKeepsItsSingleUpdate() {
        assertThat(postgres.get(Statements.updateFor(1))).contains("set_config('lock_timeout', ?, TRUE)");
        Statements mariadb = Statements.load(Dialect.MARIADB, "lanyard_");
        assertThat(mariadb.get("update")).doesNotContain("${");
        assertThat(parameters(mariadb.get("update"))).isEqualTo(13);
    }

    @Test
    void theLockTimeoutEndsALockWaitBeforeTheNetworkTimeoutGivesUp() {
        assertThat(Database.lockTimeoutMillis(Duration.ofSeconds(1))).isEqualTo(750);
        assertThat(Database.lockTimeoutMillis(Duration.ofSeconds(2))).isEqualTo(1500);
        assertThat(Database.lockTimeoutMillis(Duration.ofSeconds(10))).isEqualTo(9500);
        assertThat(Database.lockTimeoutMillis(Duration.ofMillis(3))).isEqualTo(3);
        assertThat(Database.lockTimeoutMillis(Duration.ofMillis(1))).isEqualTo(1);
    }

    @Test
    void removalsBecomeAnArrayLiteralWithEveryNameQuoted() {
        assertThat(SessionOperations.textArray(Set.of())).isEqualTo("{}");
        Set<String> names = new LinkedHashSet<>(List.of("a", "NULL", "quo\"te", "back\\slash", "{x,y}", ""));
        assertThat(SessionOperations.textArray(names))
                .isEqualTo("{\"a\",\"NULL\",\"quo\\\"te\",\"back\\\\slash\",\"{x,y}\",\"\"}");
    }

    private static int parameters(String sql) {
        return (int) sql.chars().filter(c -> c == '?').count();
    }
}
