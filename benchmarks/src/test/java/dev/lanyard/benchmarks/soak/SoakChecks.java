package dev.lanyard.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.benchmarks.ReportLog;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The assertions every CI soak makes on its closing table: one run per class (its
 * {@link #config()}), several checks on the one report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SoakChecks {

    private SoakReport report;

    /** @return the run to check */
    abstract SoakConfig config();

    /** @return the closing figures of the run */
    SoakReport report() {
        return report;
    }

    @BeforeAll
    void runTheSoak() throws Exception {
        report = Soak.run(config());
        ReportLog.block(report.table());
    }

    @Test
    void everyShopperFinishesTheFlow() {
        assertThat(report.usersCompleted())
                .as(report.table())
                .isEqualTo(report.config().users());
        assertThat(report.sessionsCreated())
                .as(report.table())
                .isEqualTo(report.config().users());
    }

    @Test
    void noSessionIsLost() {
        assertThat(report.sessionsLost()).as(report.table()).isZero();
    }

    @Test
    void noAcknowledgedCartWriteIsLost() {
        assertThat(report.cartWritesAcknowledged())
                .as(report.table())
                .isEqualTo(2L * report.config().users());
        assertThat(report.cartWritesLost()).as(report.table()).isZero();
    }

    @Test
    void aRevokedSessionIsRefusedOnTheOtherNodeAtOnce() {
        assertThat(report.revocationChecks())
                .as(report.table())
                .isEqualTo(report.config().users() / 4);
        assertThat(report.staleAuthorisations()).as(report.table()).isZero();
    }

    @Test
    void tokensKeepWorkingForLiveSessions() {
        assertThat(report.refreshRejected()).as(report.table()).isZero();
        assertThat(report.tokensRejected()).as(report.table()).isZero();
    }

    @Test
    void fiveHundredsComeOnlyFromFailClosedRoutesWhileRedisIsDown() {
        assertThat(report.byStatusClass()[5])
                .as("the Redis faults were felt: " + report.table())
                .isPositive();
        assertThat(report.fiveXxUnexpected()).as(report.table()).isZero();
    }
}
