package dev.lanyard.benchmarks.soak;

/**
 * The CI short form of the soak ({@link SoakConfig#shortForm()}: 300 shoppers, at most 24 at
 * once, 30 seconds, one app-node restart, one clean Redis restart, one Redis pause past the
 * command timeout), checked by {@link SoakChecks}.
 */
class SoakIT extends SoakChecks {

    @Override
    SoakConfig config() {
        return SoakConfig.shortForm();
    }
}
