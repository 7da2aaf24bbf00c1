package dev.lanyard.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CI short form of the soak on Sentinel ({@link SoakConfig#sentinelShortForm()}: 300
 * shoppers, at most 24 at once, 30 seconds, one app-node restart, one Sentinel failover, one
 * pause of the master long enough for Sentinel to fail over by itself). The nodes have every
 * write acknowledged by the replica, so nothing they were told was written may be missing.
 */
class SentinelSoakIT {

  private static SoakReport report;

  @BeforeAll
  static void runTheShortSoakOnSentinel() throws Exception {
    report = Soak.run(SoakConfig.sentinelShortForm());
    System.out.println(report.table());
  }

  @Test
  void everyShopperFinishesTheFlow() {
    assertThat(report.usersCompleted()).as(report.table()).isEqualTo(report.config().users());
    assertThat(report.sessionsCreated()).as(report.table()).isEqualTo(report.config().users());
  }

  @Test
  void noSessionIsLostAcrossFailovers() {
    assertThat(report.sessionsLost()).as(report.table()).isZero();
  }

  @Test
  void noAcknowledgedCartWriteIsLostAcrossFailovers() {
    assertThat(report.cartWritesAcknowledged()).as(report.table()).isEqualTo(2L * report.config().users());
    assertThat(report.cartWritesLost()).as(report.table()).isZero();
  }

  @Test
  void aRevokedSessionIsRefusedOnTheOtherNodeEvenAcrossAFailover() {
    assertThat(report.revocationChecks()).as(report.table()).isEqualTo(report.config().users() / 4);
    assertThat(report.staleAuthorisations()).as(report.table()).isZero();
  }

  @Test
  void tokensKeepWorkingForLiveSessions() {
    assertThat(report.refreshRejected()).as(report.table()).isZero();
    assertThat(report.tokensRejected()).as(report.table()).isZero();
  }

  @Test
  void fiveHundredsComeOnlyFromFailClosedRoutesWhileRedisFailsOver() {
    assertThat(report.byStatusClass()[5]).as("the failover was felt: " + report.table()).isPositive();
    assertThat(report.fiveXxUnexpected()).as(report.table()).isZero();
  }
}
