package dev.lanyard.session.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.cumulative.CumulativeCounter;
import io.micrometer.core.instrument.cumulative.CumulativeDistributionSummary;
import io.micrometer.core.instrument.cumulative.CumulativeTimer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;

/**
 * A real registry whose counters, timers and distribution summaries register normally and then
 * fail on every recording, as a broken registry or exporter bug would.
 */
final class FailingMeterRegistry extends SimpleMeterRegistry {

    private final Runnable failure;

    /**
     * @param failure runs on every recording and throws what the meter should throw
     */
    FailingMeterRegistry(Runnable failure) {
        this.failure = failure;
    }

    @Override
    protected Counter newCounter(Meter.Id id) {
        return new CumulativeCounter(id) {
            @Override
            public void increment(double amount) {
                failure.run();
            }
        };
    }

    @Override
    protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
        return new CumulativeTimer(id, clock, config, pauseDetector, getBaseTimeUnit(), false) {
            @Override
            protected void recordNonNegative(long amount, TimeUnit unit) {
                failure.run();
            }
        };
    }

    @Override
    protected DistributionSummary newDistributionSummary(
            Meter.Id id, DistributionStatisticConfig config, double scale) {
        return new CumulativeDistributionSummary(id, clock, config, scale, false) {
            @Override
            protected void recordNonNegative(double amount) {
                failure.run();
            }
        };
    }
}
