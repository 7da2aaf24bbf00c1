package dev.lanyard.benchmarks.soak;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * What a run with the near cache measured: authorisations and cart reads the near cache served
 * stale at once but not {@link Soak#NEAR_CACHE_BOUND} later (within its stated window), and for the
 * {@code blackhole-tracking} faults how long the caches kept answering after their invalidation
 * connections went silent, how many revocation checks fell between the silence and both caches
 * answering again on new connections, and how many old cookies or tokens (after a revocation or a
 * logout) were served at once in that time. Immutable.
 *
 * @param faults how many {@code blackhole-tracking} faults ran
 * @param longestAnsweredMillis the longest any node's cache still answered after the silence, in
 *     milliseconds ({@code -1} when no such fault ran)
 * @param revocationChecks revocation checks made from the silence until both caches answered again
 * @param staleAtOnce old cookies or tokens (after a revocation or a logout) served at once in that
 *     time; those still served {@link Soak#NEAR_CACHE_BOUND} later are also in the report's stale count
 * @param staleWithinBound authorisations of a revoked or logged-out session served at once and refused
 *     {@link Soak#NEAR_CACHE_BOUND} later, over the whole run
 * @param cartItemsLate acknowledged cart items missing at once from another node's read and there
 *     {@link Soak#NEAR_CACHE_BOUND} later, over the whole run
 * @param lines one line per fault, for the closing table
 */
public record NearCacheFigures(
        int faults,
        long longestAnsweredMillis,
        long revocationChecks,
        long staleAtOnce,
        long staleWithinBound,
        long cartItemsLate,
        List<String> lines) {

    /** Copies the lines. */
    public NearCacheFigures {
        lines = List.copyOf(lines);
    }

    /**
     * @param silences what each fault did
     * @param startNanos the run's start
     * @param checkTimes when each revocation check was made
     * @param staleTimes when each authorisation that should have been refused was served at once
     * @param staleWithinBound see the record's component
     * @param cartItemsLate see the record's component
     * @return the figures
     */
    static NearCacheFigures of(
            Collection<FaultInjector.TrackingSilence> silences,
            long startNanos,
            Collection<Long> checkTimes,
            Collection<Long> staleTimes,
            long staleWithinBound,
            long cartItemsLate) {
        long longest = -1;
        long checks = 0;
        long stale = 0;
        List<String> lines = new ArrayList<>();
        for (FaultInjector.TrackingSilence s : silences) {
            long end = s.silencedAt() + s.backAfter();
            long c = checkTimes.stream()
                    .filter(t -> t >= s.silencedAt() && t <= end)
                    .count();
            long st = staleTimes.stream()
                    .filter(t -> t >= s.silencedAt() && t <= end)
                    .count();
            checks += c;
            stale += st;
            List<String> answered = new ArrayList<>();
            for (long a : s.answeredFor()) {
                longest = Math.max(longest, TimeUnit.NANOSECONDS.toMillis(a));
                answered.add(TimeUnit.NANOSECONDS.toMillis(a) + " ms");
            }
            lines.add(String.format(
                    Locale.ROOT,
                    "blackhole-tracking at %.1fs: %d redirect targets silenced (with any left half-open by a network-blackhole); caches answered for %s "
                            + "after it; both back on new connections after %d ms; %d revocation checks, %d served "
                            + "at once",
                    (s.silencedAt() - startNanos) / 1e9,
                    s.connections(),
                    String.join(" / ", answered),
                    TimeUnit.NANOSECONDS.toMillis(s.backAfter()),
                    c,
                    st));
        }
        return new NearCacheFigures(silences.size(), longest, checks, stale, staleWithinBound, cartItemsLate, lines);
    }
}
