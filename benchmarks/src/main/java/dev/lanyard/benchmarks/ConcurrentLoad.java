package dev.lanyard.benchmarks;

import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.redis.NearCacheOptions;
import dev.lanyard.session.redis.NearCachedRedisStore;
import dev.lanyard.session.redis.RedisSessionStore;
import dev.lanyard.session.redis.testing.RedisProcess;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Requests per second under concurrency, the way a busy node sees them: embedded Jetty 12 and a
 * private redis-server in this process, {@code wrk} (a native load generator, Debian package
 * {@code wrk}) in another, 8 kept-alive connections. One servlet reads a session attribute on
 * {@code /r} and writes one on {@code /w}; it is mapped with no session filter, with no filter
 * plus one bare {@code HGETALL} per request (the one-round-trip floor), behind the filter on the
 * Redis store (once with logged-in sessions, once with anonymous ones, whose read needs no user's
 * version), and behind it on the Redis store with the near cache. Every request presents one of 64
 * sessions in turn, so writers rarely meet on one session.
 *
 * <p>The ten cases run in rounds, in a rotated order each round, so drift in the machine's load
 * falls on all of them alike; the report gives each case's median over the rounds and the ratios
 * the speed goals name (docs/performance.md, "Under concurrency").
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar dev.lanyard.benchmarks.ConcurrentLoad [rounds] [seconds] [connections] [cases]
 * </pre>
 *
 * <p>{@code cases}, a regular expression such as {@code 'redis/r'}, runs only the cases it matches
 * (for profiling one of them); the ratios of cases not run are left out of the report.
 */
public final class ConcurrentLoad {

    private static final int SESSIONS = 64;

    private ConcurrentLoad() {}

    /**
     * Runs the load and prints the table.
     *
     * @param args rounds (default 5), seconds per run (default 5), connections (default 8), and a
     *     regular expression of the cases to run (default all)
     * @throws Exception when a server cannot start or wrk fails
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int connections = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Pattern only = Pattern.compile(args.length > 3 ? args[3] : ".*");
        if (rounds < 1 || rounds > 50 || seconds < 1 || seconds > 120 || connections < 1 || connections > 256) {
            throw new IllegalArgumentException("rounds 1-50, seconds 1-120, connections 1-256");
        }
        requireWrk();
        try (Fixture fixture = Fixture.start()) {
            Map<String, List<WrkResult>> results = new LinkedHashMap<>();
            List<String> cases = Stream.of(
                            "plain/r", "plain/w", "floor/r", "floor/w", "redis/r", "redis/w", "anon/r", "anon/w",
                            "near/r", "near/w")
                    .filter(c -> only.matcher(c).matches())
                    .toList();
            for (String c : cases) {
                results.put(c, new ArrayList<>());
                fixture.run(c, 1, connections); // warm the JIT and the near cache
            }
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < cases.size(); i++) {
                    String c = cases.get((i + round) % cases.size());
                    results.get(c).add(fixture.run(c, seconds, connections));
                }
            }
            ReportLog.block(report(results, rounds, seconds, connections, fixture.nearCache));
        }
    }

    static String report(
            Map<String, List<WrkResult>> results,
            int rounds,
            int seconds,
            int connections,
            NearCachedRedisStore nearCache) {
        Map<String, WrkResult> median = new LinkedHashMap<>();
        results.forEach((c, runs) -> median.put(c, WrkResult.median(runs)));
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "Concurrent load: %d connections, %d rounds of %d s, medians%n",
                connections,
                rounds,
                seconds));
        out.append(String.format(
                Locale.ROOT,
                "%-34s %12s %10s %10s %12s %10s %10s%n",
                "",
                "/r req/s",
                "p50 ms",
                "p99 ms",
                "/w req/s",
                "p50 ms",
                "p99 ms"));
        row(out, "no session filter", median.get("plain/r"), median.get("plain/w"));
        row(out, "no filter + one bare HGETALL", median.get("floor/r"), median.get("floor/w"));
        row(out, "Lanyard filter, Redis", median.get("redis/r"), median.get("redis/w"));
        row(out, "Lanyard filter, Redis, anonymous", median.get("anon/r"), median.get("anon/w"));
        row(out, "Lanyard filter, Redis + near cache", median.get("near/r"), median.get("near/w"));
        ratio(out, median, "Redis /r vs the one-round-trip floor:  %.2fx (goal >= 0.9)%n", "redis/r", "floor/r");
        ratio(out, median, "  the same, anonymous sessions:        %.2fx%n", "anon/r", "floor/r");
        ratio(out, median, "near cache /r vs no filter:            %.2fx (goal >= 0.95)%n", "near/r", "plain/r");
        ratio(out, median, "near cache /w vs Redis without cache:  %.2fx (goal >= 1.3)%n", "near/w", "redis/w");
        out.append(String.format(Locale.ROOT, "near cache: %s%n", nearCache.stats()));
        return out.toString();
    }

    /** Appends one ratio of two cases' medians, or nothing when either case was not run. */
    private static void ratio(StringBuilder out, Map<String, WrkResult> median, String format, String of, String to) {
        if (median.containsKey(of) && median.containsKey(to)) {
            out.append(String.format(
                    Locale.ROOT,
                    format,
                    median.get(of).requestsPerSecond() / median.get(to).requestsPerSecond()));
        }
    }

    private static void row(StringBuilder out, String name, WrkResult read, WrkResult write) {
        out.append(String.format(Locale.ROOT, "%-34s %s %s%n", name, cells(read), cells(write)));
    }

    private static String cells(WrkResult result) {
        return result == null
                ? String.format(Locale.ROOT, "%12s %10s %10s", "-", "-", "-")
                : String.format(
                        Locale.ROOT,
                        "%12.0f %10.2f %10.2f",
                        result.requestsPerSecond(),
                        result.p50Millis(),
                        result.p99Millis());
    }

    private static void requireWrk() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "wrk"))) {
                return;
            }
        }
        throw new IllegalStateException("wrk is not on the PATH: install it (Debian: apt-get install wrk)");
    }

    /** Redis, the four stores and Jetty, shut down in reverse. */
    private static final class Fixture implements AutoCloseable {
        private final List<AutoCloseable> closing = new ArrayList<>();
        private final Map<String, List<String>> cookies = new LinkedHashMap<>();
        private NearCachedRedisStore nearCache;
        private String base;
        private Path script;

        static Fixture start() throws Exception {
            Fixture f = new Fixture();
            try {
                f.open();
                return f;
            } catch (Exception | Error e) {
                f.close();
                throw e;
            }
        }

        private void open() throws Exception {
            RedisProcess redis = RedisProcess.start();
            closing.add(redis);
            RedisSessionStore redisStore = RedisSessionStore.builder()
                    .standalone(redis.host(), redis.port())
                    .commandTimeout(RedisStoreBenchmark.BENCH_TIMEOUT)
                    .build();
            closing.add(redisStore);
            nearCache = NearCachedRedisStore.wrap(
                    RedisSessionStore.builder()
                            .standalone(redis.host(), redis.port())
                            .commandTimeout(RedisStoreBenchmark.BENCH_TIMEOUT)
                            .keyPrefix("near:")
                            .build(),
                    NearCacheOptions.defaults());
            closing.add(nearCache);
            SessionManager redisManager =
                    SessionManager.builder(redisStore).logEvents(false).build();
            SessionManager nearManager =
                    SessionManager.builder(nearCache).logEvents(false).build();

            RedisClient client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
            closing.add(client::shutdown);
            StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
            closing.add(connection);

            Server server = new Server(new QueuedThreadPool(32, 8));
            ServerConnector connector = new ServerConnector(server, 1, 1);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/");
            List<byte[]> floorKeys = new ArrayList<>();
            context.addServlet(new ServletHolder(new AttributeServlet(null, List.of())), "/plain/*");
            context.addServlet(new ServletHolder(new AttributeServlet(connection, floorKeys)), "/floor/*");
            context.addServlet(new ServletHolder(new AttributeServlet(null, List.of())), "/redis/*");
            context.addServlet(new ServletHolder(new AttributeServlet(null, List.of())), "/anon/*");
            context.addServlet(new ServletHolder(new AttributeServlet(null, List.of())), "/near/*");
            context.addFilter(
                    new FilterHolder(HttpBenchmark.filter(redisManager, "r")),
                    "/redis/*",
                    EnumSet.allOf(DispatcherType.class));
            context.addFilter(
                    new FilterHolder(HttpBenchmark.filter(redisManager, "a")),
                    "/anon/*",
                    EnumSet.allOf(DispatcherType.class));
            context.addFilter(
                    new FilterHolder(HttpBenchmark.filter(nearManager, "n")),
                    "/near/*",
                    EnumSet.allOf(DispatcherType.class));
            server.setHandler(context);
            server.start();
            closing.add(server::stop);
            base = "http://127.0.0.1:" + connector.getLocalPort();

            List<String> redisCookies = new ArrayList<>();
            List<String> nearCookies = new ArrayList<>();
            List<String> anonymousCookies = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                NewSession r = loggedIn(redisManager, i);
                redisCookies.add("r=" + r.id().value());
                floorKeys.add(
                        (redisStore.keyPrefix() + "s:{" + r.session().handle().value() + "}")
                                .getBytes(StandardCharsets.UTF_8));
                nearCookies.add("n=" + loggedIn(nearManager, i).id().value());
                anonymousCookies.add("a="
                        + withAttributes(redisManager, redisManager.create(RedisStoreBenchmark.CLIENT), i)
                                .id()
                                .value());
            }
            cookies.put("plain", redisCookies);
            cookies.put("floor", redisCookies);
            cookies.put("redis", redisCookies);
            cookies.put("anon", anonymousCookies);
            cookies.put("near", nearCookies);
            script = Files.createTempFile("lanyard-wrk", ".lua");
            closing.add(() -> Files.deleteIfExists(script));
        }

        private static NewSession loggedIn(SessionManager manager, int i) {
            return withAttributes(manager, manager.login(null, "user-" + i, RedisStoreBenchmark.CLIENT), i);
        }

        private static NewSession withAttributes(SessionManager manager, NewSession created, int i) {
            manager.save(
                            created.session(),
                            SessionUpdate.builder()
                                    .put("user", "user-" + i)
                                    .put("theme", "dark")
                                    .put("locale", "en-GB")
                                    .build())
                    .orElseThrow();
            return created;
        }

        WrkResult run(String path, int seconds, int connections) throws IOException, InterruptedException {
            List<String> jar = cookies.get(path.substring(0, path.indexOf('/')));
            StringBuilder lua = new StringBuilder("local cookies = {");
            for (String cookie : jar) {
                lua.append('"').append(cookie).append("\",");
            }
            lua.append(
                    "}\nlocal n = 0\nrequest = function()\n  n = n + 1\n"
                            + "  return wrk.format(\"GET\", nil, {[\"Cookie\"] = cookies[(n % #cookies) + 1]})\nend\n"
                            + "done = function(summary, latency, requests)\n"
                            + "  io.write(string.format(\"LANYARD %d %d %d %d %d %d\\n\", summary.requests, summary.duration,"
                            + " latency:percentile(50), latency:percentile(99), summary.errors.status,"
                            + " summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))\nend\n");
            Files.writeString(script, lua.toString());
            Process wrk = new ProcessBuilder(
                            "wrk",
                            "-t2",
                            "-c" + connections,
                            "-d" + seconds + "s",
                            "--timeout",
                            "5s",
                            "-s",
                            script.toString(),
                            base + "/" + path)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!wrk.waitFor(seconds + 30L, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
                wrk.destroyForcibly();
                throw new IllegalStateException("wrk failed on " + path + ": " + output);
            }
            return WrkResult.parse(path, output);
        }

        @Override
        public void close() throws Exception {
            Exception first = null;
            for (int i = closing.size() - 1; i >= 0; i--) {
                try {
                    closing.get(i).close();
                } catch (Exception e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        }
    }

    /** One wrk run: throughput and latency percentiles; refuses a run with errors. */
    record WrkResult(double requestsPerSecond, double p50Millis, double p99Millis) {

        static WrkResult parse(String path, String output) {
            for (String line : output.split("\n")) {
                if (line.startsWith("LANYARD ")) {
                    String[] f = line.trim().split(" ");
                    long requests = Long.parseLong(f[1]);
                    long micros = Long.parseLong(f[2]);
                    if (Long.parseLong(f[5]) != 0 || Long.parseLong(f[6]) != 0) {
                        throw new IllegalStateException(path + ": errors in the run: " + output);
                    }
                    return new WrkResult(
                            requests * 1e6 / micros, Long.parseLong(f[3]) / 1000.0, Long.parseLong(f[4]) / 1000.0);
                }
            }
            throw new IllegalStateException(path + ": no summary from wrk: " + output);
        }

        static WrkResult median(List<WrkResult> runs) {
            return new WrkResult(
                    median(runs, WrkResult::requestsPerSecond),
                    median(runs, WrkResult::p50Millis),
                    median(runs, WrkResult::p99Millis));
        }

        private static double median(List<WrkResult> runs, java.util.function.ToDoubleFunction<WrkResult> f) {
            double[] values = runs.stream().mapToDouble(f).sorted().toArray();
            int m = values.length / 2;
            return values.length % 2 == 1 ? values[m] : (values[m - 1] + values[m]) / 2;
        }
    }

    /**
     * {@code /r} reads the {@code user} attribute, {@code /w} writes a counter; on the floor mapping
     * (no filter) each request instead reads one session hash with a bare {@code HGETALL}.
     */
    static final class AttributeServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient StatefulRedisConnection<byte[], byte[]> floor;
        private final transient List<byte[]> floorKeys;
        private final AtomicLong counter = new AtomicLong();

        AttributeServlet(StatefulRedisConnection<byte[], byte[]> floor, List<byte[]> floorKeys) {
            this.floor = floor;
            this.floorKeys = floorKeys;
        }

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String body;
            if (floor != null) {
                long n = counter.incrementAndGet();
                body = "ok "
                        + floor.sync()
                                .hgetall(floorKeys.get((int) (n % floorKeys.size())))
                                .size();
            } else {
                HttpSession session = request.getSession(false);
                if (session != null && request.getPathInfo().endsWith("/w")) {
                    session.setAttribute("counter", counter.incrementAndGet());
                }
                body = "ok " + (session == null ? null : session.getAttribute("user"));
            }
            response.setContentType("text/plain");
            response.getWriter().write(body);
        }
    }
}
