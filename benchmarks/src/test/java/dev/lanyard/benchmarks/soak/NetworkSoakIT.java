package dev.lanyard.benchmarks.soak;

/**
 * The CI short form of the soak's network faults ({@link SoakConfig#networkShortForm()}: 300
 * shoppers, at most 24 at once, 30 seconds, one app-node restart, a blackhole of Redis behind a
 * proxy that answers nothing and closes nothing, and a slow link), checked by {@link SoakChecks}:
 * the same zeros as the process faults.
 */
class NetworkSoakIT extends SoakChecks {

    @Override
    SoakConfig config() {
        return SoakConfig.networkShortForm();
    }
}
