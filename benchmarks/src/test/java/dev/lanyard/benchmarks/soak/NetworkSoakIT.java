package dev.lanyard.benchmarks.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.redis.NearCacheOptions;
import org.junit.jupiter.api.Test;

/**
 * The CI short form of the soak's network faults ({@link SoakConfig#networkShortForm()}: 300
 * shoppers, at most 24 at once, 30 seconds, one app-node restart, a blackhole of Redis behind a
 * proxy that answers nothing and closes nothing, a blackhole of the near caches' invalidation
 * connections only, and a slow link; the nodes run the near cache), checked by {@link SoakChecks}:
 * the same zeros as the process faults, where for the near cache a stale answer is one still given
 * {@link Soak#NEAR_CACHE_BOUND} after the revocation.
 */
class NetworkSoakIT extends SoakChecks {

    /** The near cache's lease with the defaults the nodes use: 1.5 s. */
    private static final long LEASE_MILLIS =
            NearCacheOptions.DEFAULT_HEARTBEAT_INTERVAL.toMillis() * NearCacheOptions.LEASE_HEARTBEATS;

    @Override
    SoakConfig config() {
        return SoakConfig.networkShortForm();
    }

    @Test
    void aSilentInvalidationConnectionStopsTheCacheWithinItsLeaseWhileRevocationsAreChecked() {
        NearCacheFigures figures = report().nearCache();
        assertThat(figures.faults()).as(report().table()).isEqualTo(1);
        // The lease bounds it; the margin is the harness's polling on a loaded machine.
        assertThat(figures.longestAnsweredMillis()).as(report().table()).isBetween(0L, LEASE_MILLIS + 1000);
        assertThat(figures.revocationChecks())
                .as("revocation checks ran while the channels were silent: " + report().table())
                .isPositive();
    }
}
