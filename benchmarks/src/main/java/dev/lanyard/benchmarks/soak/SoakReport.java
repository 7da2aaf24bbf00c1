package dev.lanyard.benchmarks.soak;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The closing figures of a soak run. Immutable.
 *
 * @param config what ran
 * @param requests requests sent (every attempt, including retries and failovers)
 * @param byStatusClass answers by status class: index 0 = transport error (no answer), 2..5 = {@code Nxx}
 * @param fiveXxWhileStoreDown 5xx answers on fail-closed routes to requests that overlapped a window
 *     in which Redis was down or paused (plus a grace period for reconnecting): expected
 * @param fiveXxUnexpected every other 5xx (on an open route, or with Redis up)
 * @param sessionsCreated successful logins
 * @param sessionsLost users found logged out (401 on a logged-in route) without logging out
 * @param cartWritesAcknowledged cart writes answered 2xx
 * @param cartWritesLost acknowledged cart items missing when the cart was read back (with the near
 *     cache: still missing {@link Soak#NEAR_CACHE_BOUND} later)
 * @param revocationChecks sessions revoked on one node and then presented to the other
 * @param staleAuthorisations a revoked or logged-out session, or the access token of a revoked
 *     session, served as authenticated afterwards
 * @param refreshRejected refreshes of a valid refresh token that were refused
 * @param tokensRejected access tokens of a live session refused on a checked route
 * @param usersCompleted users who went through the whole flow
 * @param usersGaveUp users who stopped because a step kept failing (retries exhausted or a lost session)
 * @param usersUnfinished users still running (or never started) when the run's time bound hit
 * @param latencyByPhase per phase ({@code steady} or a fault's label): requests, p50 ms, p99 ms, max ms
 * @param unexpectedSamples up to ten of the unexpected 5xx: status, route, time into the run, duration
 * @param nearCache what the near cache's windows and the {@code blackhole-tracking} faults measured
 *     (all zero without the near cache)
 */
public record SoakReport(
        SoakConfig config,
        long requests,
        long[] byStatusClass,
        long fiveXxWhileStoreDown,
        long fiveXxUnexpected,
        long sessionsCreated,
        long sessionsLost,
        long cartWritesAcknowledged,
        long cartWritesLost,
        long revocationChecks,
        long staleAuthorisations,
        long refreshRejected,
        long tokensRejected,
        long usersCompleted,
        long usersGaveUp,
        long usersUnfinished,
        Map<String, double[]> latencyByPhase,
        List<String> unexpectedSamples,
        NearCacheFigures nearCache) {

    /** Copies the arrays and maps. */
    public SoakReport {
        byStatusClass = byStatusClass.clone();
        latencyByPhase = new LinkedHashMap<>(latencyByPhase);
        unexpectedSamples = List.copyOf(unexpectedSamples);
    }

    /** @return a copy of the answers by status class (index 0 = transport error, 2..5 = Nxx) */
    @Override
    public long[] byStatusClass() {
        return byStatusClass.clone();
    }

    /** @return the closing table */
    public String table() {
        StringBuilder out = new StringBuilder();
        List<String> faults = new ArrayList<>();
        config.faults().forEach(f -> faults.add(f.fault().label() + "@" + f.at().toSeconds() + "s"));
        out.append(String.format(
                Locale.ROOT,
                "Lanyard soak: %d users (at most %d at once) over %ds, 2 app nodes, " + "%s; faults: %s%n",
                config.users(),
                config.concurrency(),
                config.duration().toSeconds(),
                switch (config.topology()) {
                    case SENTINEL -> "Sentinel master + replica with AOF everysec, writes acknowledged by the replica";
                    case SENTINEL_UNACKNOWLEDGED ->
                        "Sentinel master + replica with AOF everysec, asynchronous replication";
                    case POSTGRESQL -> "PostgreSQL through the JDBC store";
                    default ->
                        config.nearCache()
                                ? "redis-server with AOF everysec, near cache on the nodes"
                                : "redis-server with AOF everysec";
                },
                faults.isEmpty() ? "none" : String.join(", ", faults)));
        row(out, "requests sent", requests);
        row(out, "  answered 2xx", byStatusClass[2]);
        row(out, "  answered 3xx", byStatusClass[3]);
        row(out, "  answered 4xx (expected 401s after logout/revocation included)", byStatusClass[4]);
        row(out, "  answered 5xx", byStatusClass[5]);
        row(out, "    5xx on fail-closed routes while Redis was down", fiveXxWhileStoreDown);
        row(out, "    5xx unexpected", fiveXxUnexpected);
        for (String sample : unexpectedSamples) {
            out.append("      ").append(sample).append(System.lineSeparator());
        }
        row(out, "  no answer (node down; retried on the other node)", byStatusClass[0]);
        row(out, "sessions created (logins)", sessionsCreated);
        row(out, "sessions unexpectedly lost", sessionsLost);
        row(out, "cart writes acknowledged", cartWritesAcknowledged);
        row(out, "lost cart writes", cartWritesLost);
        row(out, "revocations checked on the other node", revocationChecks);
        if (config.nearCache()) {
            row(out, "stale authorisations served (near cache: still served 2 s later)", staleAuthorisations);
            row(out, "  served at once, refused 2 s later (the near cache's window)", nearCache.staleWithinBound());
            row(out, "cart items missing at once from a read, there 2 s later", nearCache.cartItemsLate());
        } else {
            row(out, "stale authorisations served", staleAuthorisations);
        }
        if (nearCache.faults() > 0) {
            row(out, "revocations checked while near caches' channels were silent", nearCache.revocationChecks());
            row(out, "  authorisations served at once then", nearCache.staleAtOnce());
            row(
                    out,
                    "longest a near cache answered after its channel went silent, ms",
                    nearCache.longestAnsweredMillis());
            for (String line : nearCache.lines()) {
                out.append("  ").append(line).append(System.lineSeparator());
            }
        }
        row(out, "refreshes refused", refreshRejected);
        row(out, "access tokens of live sessions refused", tokensRejected);
        out.append(String.format(
                Locale.ROOT,
                "%-66s %d / %d / %d%n",
                "users completed / gave up / unfinished",
                usersCompleted,
                usersGaveUp,
                usersUnfinished));
        out.append(String.format(
                Locale.ROOT, "%n%-16s %9s %9s %9s %9s%n", "phase", "requests", "p50 ms", "p99 ms", "max ms"));
        for (Map.Entry<String, double[]> phase : latencyByPhase.entrySet()) {
            double[] v = phase.getValue();
            out.append(String.format(
                    Locale.ROOT, "%-16s %9d %9.1f %9.1f %9.1f%n", phase.getKey(), (long) v[0], v[1], v[2], v[3]));
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String label, long value) {
        out.append(String.format(Locale.ROOT, "%-66s %d%n", label, value));
    }

    @Override
    public String toString() {
        return "SoakReport[" + table() + ", byStatusClass=" + Arrays.toString(byStatusClass) + "]";
    }
}
