package dev.lanyard.benchmarks;

import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.redis.NearCacheOptions;
import dev.lanyard.session.redis.NearCacheStats;
import dev.lanyard.session.redis.NearCachedRedisStore;
import dev.lanyard.session.redis.RedisSessionStore;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.servlet.CookieSettings;
import dev.lanyard.session.servlet.LanyardSessionFilter;
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
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A full HTTP request in embedded Jetty 12 (ee10) over loopback, driven by
 * {@link java.net.http.HttpClient} on one kept-alive HTTP/1.1 connection. The same servlet (it
 * reads one session attribute and writes a short body) is mapped four times: with no filter
 * ({@code baseline}), behind {@link LanyardSessionFilter} on the in-memory store, behind it on the
 * Redis store, and behind it on the Redis store with the near cache
 * ({@link NearCachedRedisStore}: after the first request the session is read locally). Each
 * request presents a live session with three small attributes.
 *
 * <p>Goals: memory within 1.2x of the baseline; Redis within 1.3x of the baseline plus one bare
 * Redis round trip, which {@link #baselinePlusRedisRoundTrip()} measures directly (the same
 * no-filter request followed by a bare {@code HGETALL} of the session hash); near cache within
 * 1.3x of the baseline itself (issue 6).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HttpBenchmark {

    private RedisProcess redis;
    private RedisSessionStore redisStore;
    private RedisSessionStore cachedStore;
    private NearCachedRedisStore nearCache;
    private Server server;
    private HttpClient http;
    private RedisClient client;
    private StatefulRedisConnection<byte[], byte[]> connection;
    private byte[] redisSessionKey;
    private HttpRequest plain;
    private HttpRequest memory;
    private HttpRequest redisRequest;
    private HttpRequest nearCacheRequest;

    /** Starts redis-server, Jetty with the four mappings, and the HTTP client. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        redis = RedisProcess.start();
        redisStore = RedisSessionStore.builder()
                .standalone(redis.host(), redis.port())
                .commandTimeout(RedisStoreBenchmark.BENCH_TIMEOUT)
                .build();
        SessionManager memoryManager = SessionManager.builder(InMemorySessionStore.create())
                .logEvents(false)
                .build();
        SessionManager redisManager =
                SessionManager.builder(redisStore).logEvents(false).build();
        cachedStore = RedisSessionStore.builder()
                .standalone(redis.host(), redis.port())
                .commandTimeout(RedisStoreBenchmark.BENCH_TIMEOUT)
                .keyPrefix("near:")
                .build();
        nearCache = NearCachedRedisStore.wrap(cachedStore, NearCacheOptions.defaults());
        SessionManager nearManager =
                SessionManager.builder(nearCache).logEvents(false).build();

        server = new Server(new QueuedThreadPool(16, 4));
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.setContextPath("/");
        context.addServlet(new ServletHolder(new AttributeServlet()), "/*");
        context.addFilter(
                new FilterHolder(filter(memoryManager, "m")), "/memory/*", EnumSet.allOf(DispatcherType.class));
        context.addFilter(new FilterHolder(filter(redisManager, "r")), "/redis/*", EnumSet.allOf(DispatcherType.class));
        context.addFilter(new FilterHolder(filter(nearManager, "n")), "/near/*", EnumSet.allOf(DispatcherType.class));
        server.setHandler(context);
        server.start();
        String base = "http://127.0.0.1:" + connector.getLocalPort();

        String memoryId = sessionWithAttributes(memoryManager).id().value();
        NewSession redisSession = sessionWithAttributes(redisManager);
        NewSession nearSession = sessionWithAttributes(nearManager);
        redisSessionKey = (redisStore.keyPrefix() + "s:{"
                        + redisSession.session().handle().value() + "}")
                .getBytes(StandardCharsets.UTF_8);

        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        plain = HttpRequest.newBuilder(URI.create(base + "/plain/page"))
                .timeout(Duration.ofSeconds(5))
                .build();
        memory = HttpRequest.newBuilder(URI.create(base + "/memory/page"))
                .header("Cookie", "m=" + memoryId)
                .timeout(Duration.ofSeconds(5))
                .build();
        redisRequest = HttpRequest.newBuilder(URI.create(base + "/redis/page"))
                .header("Cookie", "r=" + redisSession.id().value())
                .timeout(Duration.ofSeconds(5))
                .build();
        nearCacheRequest = HttpRequest.newBuilder(URI.create(base + "/near/page"))
                .header("Cookie", "n=" + nearSession.id().value())
                .timeout(Duration.ofSeconds(5))
                .build();

        client = RedisClient.create(RedisURI.create(redis.host(), redis.port()));
        connection = client.connect(ByteArrayCodec.INSTANCE);
        expect(plain, "ok null");
        expect(memory, "ok alice");
        expect(redisRequest, "ok alice");
        expect(nearCacheRequest, "ok alice");
        RedisStoreBenchmark.warm(nearCache, () -> {
            try {
                expect(nearCacheRequest, "ok alice");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    /** @return the near cache's counters, for the hit ratio after a run */
    NearCacheStats nearCacheStats() {
        return nearCache.stats();
    }

    private void expect(HttpRequest request, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 || !response.body().equals(body)) {
            throw new IllegalStateException(
                    request.uri() + " answered " + response.statusCode() + " " + response.body());
        }
    }

    static LanyardSessionFilter filter(SessionManager manager, String cookieName) {
        return LanyardSessionFilter.builder(manager)
                .cookie(CookieSettings.builder().name(cookieName).secure(false).build())
                .withoutRequestIds()
                .anonymousSessionRate(0, java.time.Duration.ofMinutes(1)) // the load comes from one address
                .build();
    }

    private static NewSession sessionWithAttributes(SessionManager manager) {
        NewSession created = manager.login(null, "alice", RedisStoreBenchmark.CLIENT);
        manager.save(
                        created.session(),
                        SessionUpdate.builder()
                                .put("user", "alice")
                                .put("theme", "dark")
                                .put("locale", "en-GB")
                                .build())
                .orElseThrow();
        return created;
    }

    /** Stops Jetty, closes the store and kills redis-server. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        try {
            if (server != null) {
                server.stop();
            }
            if (connection != null) {
                connection.close();
            }
            if (client != null) {
                client.shutdown();
            }
            if (redisStore != null) {
                redisStore.close();
            }
            if (nearCache != null) {
                nearCache.close();
            } else if (cachedStore != null) {
                cachedStore.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
        }
    }

    /** @return the body of the request with no session filter: the floor */
    @Benchmark
    public String baseline() throws IOException, InterruptedException {
        return http.send(plain, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** @return the body of the request through the filter on the in-memory store */
    @Benchmark
    public String memoryStore() throws IOException, InterruptedException {
        return http.send(memory, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** @return the body of the request through the filter on the Redis store */
    @Benchmark
    public String redisStore() throws IOException, InterruptedException {
        return http.send(redisRequest, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** @return the body of the request through the filter on the near-cached Redis store */
    @Benchmark
    public String nearCachedRedisStore() throws IOException, InterruptedException {
        return http.send(nearCacheRequest, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** @return the no-filter request followed by one bare HGETALL: the Redis goal's floor */
    @Benchmark
    public int baselinePlusRedisRoundTrip() throws IOException, InterruptedException {
        String body = http.send(plain, HttpResponse.BodyHandlers.ofString()).body();
        return body.length() + connection.sync().hgetall(redisSessionKey).size();
    }

    /** Reads one session attribute, as a typical page does, and writes a short body. */
    static final class AttributeServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
            HttpSession session = request.getSession(false);
            Object user = session == null ? null : session.getAttribute("user");
            response.setContentType("text/plain");
            response.getWriter().write("ok " + user);
        }
    }
}
