package dev.lanyard.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The soak's command line: topologies, fault schedules and the combinations it refuses. */
class SoakConfigTest {

    @Test
    void noOptionsIsTheStandaloneShortForm() {
        assertThat(SoakConfig.parse()).isEqualTo(SoakConfig.shortForm());
        assertThat(SoakConfig.shortForm().topology()).isEqualTo(SoakConfig.Topology.STANDALONE);
    }

    @Test
    void sentinelSelectsTheSentinelShortFormWithAFailover() {
        SoakConfig config = SoakConfig.parse("--sentinel");
        assertThat(config).isEqualTo(SoakConfig.sentinelShortForm());
        assertThat(config.topology()).isEqualTo(SoakConfig.Topology.SENTINEL);
        assertThat(config.faults()).extracting(SoakConfig.ScheduledFault::fault).contains(Fault.SENTINEL_FAILOVER);
        assertThat(SoakConfig.parse("--sentinel", "--no-replica-acks").topology())
                .isEqualTo(SoakConfig.Topology.SENTINEL_UNACKNOWLEDGED);
    }

    @Test
    void aSentinelCycleUsesOnlyFaultsASentinelSetCanTake() {
        SoakConfig config = SoakConfig.parse("--sentinel", "--duration", "100s", "--faults", "cycle:10s");
        assertThat(config.faults())
                .hasSize(9)
                .extracting(SoakConfig.ScheduledFault::fault)
                .containsOnly(Fault.NODE_RESTART, Fault.SENTINEL_FAILOVER, Fault.REDIS_PAUSE);
        assertThat(config.faults().get(1).at()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void theStandaloneCycleIncludesTheNetworkFaults() {
        SoakConfig config = SoakConfig.parse("--duration", "100s", "--faults", "cycle:10s");
        assertThat(config.faults())
                .extracting(SoakConfig.ScheduledFault::fault)
                .contains(Fault.NETWORK_BLACKHOLE, Fault.LATENCY, Fault.BLACKHOLE_TRACKING);
        assertThat(config.nearCache()).isTrue();
        assertThat(SoakConfig.networkShortForm().faults())
                .extracting(SoakConfig.ScheduledFault::fault)
                .contains(Fault.NETWORK_BLACKHOLE, Fault.LATENCY, Fault.BLACKHOLE_TRACKING);
    }

    @Test
    void theNodesRunTheNearCacheExactlyWhenTheScheduleSilencesItsChannel() {
        assertThat(SoakConfig.networkShortForm().nearCache()).isTrue();
        assertThat(SoakConfig.parse("--faults", "5s:blackhole-tracking").nearCache())
                .isTrue();
        assertThat(SoakConfig.parse("--faults", "5s:blackhole-tracking").faults())
                .extracting(SoakConfig.ScheduledFault::fault)
                .containsExactly(Fault.BLACKHOLE_TRACKING);
        assertThat(SoakConfig.shortForm().nearCache()).isFalse();
        assertThat(SoakConfig.parse("--faults", "5s:network-blackhole").nearCache())
                .isFalse();
        assertThat(Fault.BLACKHOLE_TRACKING.storeDown()).isFalse();
        assertThat(Fault.BLACKHOLE_TRACKING.network()).isTrue();
    }

    @Test
    void combinationsThatCannotRunAreRefusedWithAReason() {
        assertThatThrownBy(() -> SoakConfig.parse("--sentinel", "--faults", "5s:network-blackhole"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("need one Redis");
        assertThatThrownBy(() -> SoakConfig.parse("--jdbc", "--faults", "5s:blackhole-tracking"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SoakConfig.parse("--sentinel", "--faults", "5s:blackhole-tracking"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("blackhole-tracking) need one Redis");
        assertThatThrownBy(() -> SoakConfig.parse("--faults", "5s:sentinel-failover"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs --sentinel");
        assertThatThrownBy(() -> SoakConfig.parse("--sentinel", "--faults", "5s:redis-crash"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sentinel-failover and redis-pause");
        assertThatThrownBy(() -> SoakConfig.parse("--no-replica-acks"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("goes with --sentinel");
        assertThatThrownBy(() -> SoakConfig.parse("--faults", "5s:meteor"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sentinel-failover");
    }
}
