package dev.lanyard.session.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class JdbcLocationTest {

    @Test
    void theStoresOptionsAreTakenOutAndTheRestGoesToTheDriver() {
        JdbcLocation l = JdbcLocation.parse("jdbc:postgresql://db:5432/app?user=u&password=s%26cret&tablePrefix=app_"
                + "&schema=CREATE&timeout=PT3S&sweepInterval=PT30S&sweepBatchSize=200&poolSize=4&ssl=true");
        assertThat(l.dialect).isEqualTo(Dialect.POSTGRESQL);
        assertThat(l.driverUrl)
                .isEqualTo("jdbc:postgresql://db:5432/app?user=u&password=s%26cret&ssl=true&connectTimeout=3"
                        + "&socketTimeout=4&cancelSignalTimeout=3&loginTimeout=3");
        assertThat(l.tablePrefix).isEqualTo("app_");
        assertThat(l.schema).isEqualTo(SchemaSetup.CREATE);
        assertThat(l.timeout).isEqualTo(Duration.ofSeconds(3));
        assertThat(l.sweepInterval).isEqualTo(Duration.ofSeconds(30));
        assertThat(l.sweepBatchSize).isEqualTo(200);
        assertThat(l.poolSize).isEqualTo(4);
    }

    @Test
    void aGivenSocketTimeoutIsKept() {
        assertThat(JdbcLocation.parse("jdbc:postgresql://db/app?socketTimeout=30&connectTimeout=2").driverUrl)
                .isEqualTo(
                        "jdbc:postgresql://db/app?socketTimeout=30&connectTimeout=2&cancelSignalTimeout=2&loginTimeout=2");
    }

    @Test
    void defaultsApplyAndAGivenConnectTimeoutIsKept() {
        JdbcLocation l = JdbcLocation.parse("jdbc:mariadb://db/app?connectTimeout=500");
        assertThat(l.dialect).isEqualTo(Dialect.MARIADB);
        // A socket read bound one second past the (whole-second) query timeout, against a blackholed database.
        long queryTimeoutSeconds = Math.max(1, (JdbcSessionStore.DEFAULT_TIMEOUT.toMillis() + 999) / 1000);
        assertThat(l.driverUrl)
                .isEqualTo(
                        "jdbc:mariadb://db/app?connectTimeout=500&socketTimeout=" + (queryTimeoutSeconds + 1) * 1000);
        assertThat(l.tablePrefix).isEqualTo(JdbcSessionStore.DEFAULT_TABLE_PREFIX);
        assertThat(l.schema).isEqualTo(SchemaSetup.NONE);
        assertThat(l.timeout).isEqualTo(JdbcSessionStore.DEFAULT_TIMEOUT);
        assertThat(JdbcLocation.parse("jdbc:mysql://db/app").dialect).isEqualTo(Dialect.MARIADB);
    }

    @Test
    void badLocationsAreRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> JdbcLocation.parse("jdbc:oracle:thin:@db?password=hunter2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dialect")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> JdbcLocation.parse("jdbc:postgresql://db/app?password=hunter2&timeout=soon"))
                .hasMessageStartingWith("timeout:")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> JdbcLocation.parse("jdbc:postgresql://db/app?schema=drop"))
                .hasMessageStartingWith("schema:");
        assertThatThrownBy(() -> JdbcLocation.parse("jdbc:postgresql://db/app?poolSize=0"))
                .hasMessageStartingWith("poolSize");
    }
}
