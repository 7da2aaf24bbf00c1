package dev.lanyard.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CI short form of the soak ({@link SoakConfig#shortForm()}: 300 shoppers, at most 24 at
 * once, 30 seconds, one app-node restart, one clean Redis restart, one Redis pause past the
 * command timeout). One run, several assertions on its closing table.
 */
class SoakIT {

  private static SoakReport report;

  @BeforeAll
  static void runTheShortSoak() throws Exception {
    report = Soak.run(SoakConfig.shortForm());
    System.out.println(report.table());
  }

  @Test
  void everyShopperFinishesTheFlow() {
    assertThat(report.usersCompleted()).as(report.table()).isEqualTo(report.config().users());
    assertThat(report.sessionsCreated()).as(report.table()).isEqualTo(report.config().users());
  }

  @Test
  void noSessionIsLostAcrossNodeAndRedisRestarts() {
    assertThat(report.sessionsLost()).as(report.table()).isZero();
  }

  @Test
  void noAcknowledgedCartWriteIsLostAcrossACleanRedisRestart() {
    assertThat(report.cartWritesAcknowledged()).as(report.table()).isEqualTo(2L * report.config().users());
    assertThat(report.cartWritesLost()).as(report.table()).isZero();
  }

  @Test
  void aRevokedSessionIsRefusedOnTheOtherNodeAtOnce() {
    assertThat(report.revocationChecks()).as(report.table()).isEqualTo(report.config().users() / 4);
    assertThat(report.staleAuthorisations()).as(report.table()).isZero();
  }

  @Test
  void tokensKeepWorkingForLiveSessions() {
    assertThat(report.refreshRejected()).as(report.table()).isZero();
    assertThat(report.tokensRejected()).as(report.table()).isZero();
  }

  @Test
  void fiveHundredsComeOnlyFromFailClosedRoutesWhileRedisIsDown() {
    assertThat(report.byStatusClass()[5]).as("the Redis faults were felt: " + report.table()).isPositive();
    assertThat(report.fiveXxUnexpected()).as(report.table()).isZero();
  }
}
