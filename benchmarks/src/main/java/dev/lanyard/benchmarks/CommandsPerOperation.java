package dev.lanyard.benchmarks;

import dev.lanyard.session.NewSession;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.redis.RedisSessionStore;
import dev.lanyard.session.redis.testing.RedisProcess;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * {@link Footprint}'s table of the commands the Redis store sends per operation (resolve, write,
 * login, rotation, revocation, logout), counted in the store's own Lettuce client.
 */
final class CommandsPerOperation {

    private CommandsPerOperation() {}

    /** Counts the commands the store's Lettuce client sends (each one is a round trip unless pipelined). */
    private static final class CommandCounter implements CommandLatencyRecorder {
        private final Map<String, LongAdder> counts = new ConcurrentSkipListMap<>();

        @Override
        public void recordCommandLatency(
                SocketAddress local, SocketAddress remote, ProtocolKeyword type, long first, long completion) {
            counts.computeIfAbsent(type.toString(), k -> new LongAdder()).increment();
        }

        String perOperation(int operations) {
            StringBuilder out = new StringBuilder();
            double total = 0;
            for (Map.Entry<String, LongAdder> e : counts.entrySet()) {
                double each = e.getValue().sum() / (double) operations;
                total += each;
                out.append(String.format(Locale.ROOT, " %s %.2f", e.getKey(), each));
            }
            counts.clear();
            return String.format(Locale.ROOT, "%6.2f  %s", total, out.toString().trim());
        }
    }

    /**
     * Prints the commands each operation sends, on sessions with three attributes, and empties the
     * database afterwards.
     */
    static void print(RedisProcess redis) {
        int n = 200;
        CommandCounter counter = new CommandCounter();
        ClientResources resources =
                DefaultClientResources.builder().commandLatencyRecorder(counter).build();
        try (RedisSessionStore store = RedisSessionStore.builder()
                .standalone(redis.host(), redis.port())
                .commandTimeout(RedisStoreBenchmark.BENCH_TIMEOUT)
                .clientResources(resources)
                .build()) {
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();
            ReportLog.line("");
            ReportLog.line(
                    "%s",
                    "Commands the store sends per operation (counted in its Lettuce client; each is one round trip unless sent together with the next, as a resolve's HGETALL and GET are; "
                            + n + " operations on sessions with 3 attributes)");
            ReportLog.line("%-34s %6s  %s%n", "operation", "total", "by command");
            NewSession one = manager.create(RedisStoreBenchmark.CLIENT);
            Footprint.withAttributes(manager, one, 3);
            List<Session> anonymous = new ArrayList<>();
            List<Session> loggedIn = new ArrayList<>();
            List<Session> toLogOut = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                anonymous.add(Footprint.withAttributes(manager, manager.create(RedisStoreBenchmark.CLIENT), 3));
                loggedIn.add(Footprint.withAttributes(
                        manager, manager.login(null, "count-" + i, RedisStoreBenchmark.CLIENT), 3));
                toLogOut.add(Footprint.withAttributes(
                        manager, manager.login(null, "out-" + i, RedisStoreBenchmark.CLIENT), 3));
            }
            String id = one.id().value();
            counter.counts.clear();
            for (int i = 0; i < n; i++) {
                manager.resolve(id).session().orElseThrow();
            }
            ReportLog.line("%-34s %s%n", "resolve", counter.perOperation(n));
            for (int i = 0; i < n; i++) {
                Session s = manager.resolve(id).session().orElseThrow();
                manager.save(
                                s,
                                SessionUpdate.builder()
                                        .put("counter", Integer.toString(i))
                                        .build())
                        .orElseThrow();
            }
            ReportLog.line("%-34s %s%n", "resolve + one attribute write", counter.perOperation(n));
            List<Session> rotated = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                rotated.add(manager.login(anonymous.get(i), "login-" + i, RedisStoreBenchmark.CLIENT)
                        .session());
            }
            ReportLog.line("%-34s %s%n", "login (anonymous session -> user)", counter.perOperation(n));
            for (int i = 0; i < n; i++) {
                manager.changeId(rotated.get(i)).orElseThrow();
            }
            ReportLog.line("%-34s %s%n", "rotate (changeId, logged in)", counter.perOperation(n));
            for (int i = 0; i < n; i++) {
                manager.revoke(loggedIn.get(i).handle(), RevocationReason.ADMIN);
            }
            ReportLog.line("%-34s %s%n", "revoke by handle (logged in)", counter.perOperation(n));
            for (int i = 0; i < n; i++) {
                manager.logout(toLogOut.get(i));
            }
            ReportLog.line("%-34s %s%n", "logout (logged in)", counter.perOperation(n));
        } finally {
            resources.shutdown(0, 2, TimeUnit.SECONDS);
            redis.call("FLUSHDB");
        }
    }
}
