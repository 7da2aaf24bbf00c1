package dev.lanyard.benchmarks.soak;

/**
 * The CI short form of the soak on Sentinel ({@link SoakConfig#sentinelShortForm()}: 300
 * shoppers, at most 24 at once, 30 seconds, one app-node restart, one Sentinel failover, one
 * pause of the master long enough for Sentinel to fail over by itself), checked by
 * {@link SoakChecks}. The nodes have every write acknowledged by the replica, so nothing they
 * were told was written may be missing after a failover.
 */
class SentinelSoakIT extends SoakChecks {

    @Override
    SoakConfig config() {
        return SoakConfig.sentinelShortForm();
    }
}
