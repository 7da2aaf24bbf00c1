package dev.lanyard.benchmarks.soak;

import dev.lanyard.benchmarks.ReportLog;
import dev.lanyard.session.jwt.TokenAlgorithm;
import dev.lanyard.session.jwt.TokenKey;
import dev.lanyard.session.jwt.TokenKeySet;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The soak and fault harness: one private {@code redis-server} with AOF {@code everysec} in a
 * temporary directory (or, with {@link SoakConfig.Topology#SENTINEL}, a master, a replica and a
 * sentinel), two {@link AppNode}s on it, and a bounded number of simulated shoppers over
 * loopback while faults are injected on a schedule. Every process and server it starts is stopped
 * in {@code finally} (and redis-server also by a JVM shutdown hook).
 *
 * <p>Each shopper: opens the catalogue (fail-open route), logs in (session plus access and refresh
 * token), browses, writes two cart items, refreshes its tokens, calls the API with its access
 * token (checked mode), reads its cart back, and ends in one of two ways: it logs out and checks
 * that its old cookie no longer works, or (every fourth shopper) an admin revokes its session on
 * one node and the shopper presents its cookie and access token to the other node, which must
 * refuse both. Requests alternate between the nodes round-robin; a request to a node that is down
 * goes to the other one (as a load balancer would); a 503 is retried after a short pause, for a
 * bounded number of attempts.
 *
 * <p>When the schedule has {@code blackhole-tracking}, the nodes run the near cache, which may
 * answer from a copy until the invalidation reaches it, and never more than one lease after the
 * change (its heartbeat answers arrive after the invalidations Redis sent before them). A refused
 * authorisation or a cart read that the near cache answered stale at once is then asked again
 * {@link #NEAR_CACHE_BOUND} later: only an answer still stale then counts as stale or lost; the
 * ones in the window are reported apart.
 */
public final class Soak {

    /** Extra time after a fault's recovery during which a 5xx still counts as caused by the fault. */
    static final Duration GRACE = Duration.ofSeconds(2);

    /**
     * With the near cache, how long after a revocation, logout or cart write the other node must
     * show it: the cache's lease (1.5 s with the default 500 ms heartbeat), which bounds how long a
     * node whose invalidation connection went silent still answers, plus a margin.
     */
    static final Duration NEAR_CACHE_BOUND = Duration.ofSeconds(2);

    private static final Duration RETRY_PAUSE = Duration.ofMillis(100);
    /**
     * How long a request is presented again (after a 503 or no answer) before the shopper gives up:
     * longer than any fault here lasts on a loaded machine (a Sentinel failover with acknowledged writes
     * waits for the old master to rejoin). A count of attempts would not do: refusals come back at once,
     * and a fixed count of them ends sooner the faster they come.
     */
    private static final Duration RETRY_LIMIT = Duration.ofSeconds(30);
    /** The backstop on attempts: a pause at least every second one, for {@link #RETRY_LIMIT}. */
    private static final int MAX_ATTEMPTS = (int) (2 * RETRY_LIMIT.dividedBy(RETRY_PAUSE)) + 2;

    private final SoakConfig config;
    private volatile long startNanos;
    private volatile long hardDeadline;
    private final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
    private final AtomicLong sessionsCreated = new AtomicLong();
    private final AtomicLong sessionsLost = new AtomicLong();
    private final AtomicLong cartAcknowledged = new AtomicLong();
    private final AtomicLong cartLost = new AtomicLong();
    private final AtomicLong revocationChecks = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    /** When each revocation check and each stale authorisation happened ({@link System#nanoTime()}). */
    private final ConcurrentLinkedQueue<Long> checkTimes = new ConcurrentLinkedQueue<>();

    private final ConcurrentLinkedQueue<Long> staleTimes = new ConcurrentLinkedQueue<>();
    /** With the near cache: served at once, refused {@link #NEAR_CACHE_BOUND} later. */
    private final AtomicLong staleWithinBound = new AtomicLong();
    /** With the near cache: cart items missing at once, there {@link #NEAR_CACHE_BOUND} later. */
    private final AtomicLong cartLate = new AtomicLong();

    private final AtomicLong refreshRejected = new AtomicLong();
    /** Refreshes still unanswered after their one retry: the shopper kept its tokens (not a refusal). */
    private final AtomicLong refreshUnanswered = new AtomicLong();

    private final AtomicLong tokensRejected = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong gaveUp = new AtomicLong();
    private int[] ports;
    private HttpClient http;

    private Soak(SoakConfig config) {
        this.config = config;
    }

    /**
     * Runs the soak with {@code --users N --concurrency N --duration 30s --think 60ms --faults
     * 6s:node-restart,13s:redis-restart,20s:redis-pause} (see {@link SoakConfig#parse}) and prints
     * the closing table.
     *
     * @param args the options
     * @throws Exception if the harness itself cannot start
     */
    public static void main(String[] args) throws Exception {
        // Lettuce logs reconnects through java.util.logging when no SLF4J binding is active; the
        // fault lines and the table are what a reader of this command wants.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        java.util.logging.Logger.getLogger("io.lettuce").setLevel(java.util.logging.Level.WARNING);
        SoakReport report = run(SoakConfig.parse(args));
        ReportLog.block(report.table());
    }

    /**
     * Runs one soak.
     *
     * @param config what to run
     * @return the closing figures
     * @throws Exception if redis-server or a node cannot start
     */
    public static SoakReport run(SoakConfig config) throws Exception {
        return new Soak(config).execute();
    }

    private SoakReport execute() throws Exception {
        TokenKeySet keys = TokenKeySet.of(TokenKey.generate("soak-1", TokenAlgorithm.HS256));
        AppNode[] nodes = new AppNode[2];
        ExecutorService shoppers = Executors.newFixedThreadPool(config.concurrency());
        ExecutorService clientThreads = Executors.newFixedThreadPool(4);
        Thread injector = null;
        try (Deployment redis = Deployment.start(
                config.topology(),
                config.faults().stream().anyMatch(f -> f.fault().network()))) {
            if (!config.topology().jdbc()) {
                Object aof = redis.master().call("CONFIG", "GET", "appendfsync");
                if (!String.valueOf(aof).contains("everysec")) {
                    throw new IllegalStateException("redis-server did not take appendfsync everysec: " + aof);
                }
            }
            nodes[0] = AppNode.start("node-a", 0, redis.location(), keys, config.nearCache());
            nodes[1] = AppNode.start("node-b", 0, redis.location(), keys, config.nearCache());
            ports = new int[] {nodes[0].port(), nodes[1].port()};
            http = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .executor(clientThreads)
                    .connectTimeout(Duration.ofSeconds(1))
                    .build();
            startNanos = System.nanoTime();
            hardDeadline = startNanos + config.duration().plus(SoakConfig.DRAIN).toNanos();
            FaultInjector faults =
                    new FaultInjector(config.faults(), startNanos, redis, nodes, keys, config.nearCache());
            injector = new Thread(faults, "soak-faults");
            injector.setDaemon(true);
            injector.start();
            long window = config.duration().toNanos();
            for (int i = 0; i < config.users(); i++) {
                long due = startNanos + window * i / config.users();
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                int index = i;
                shoppers.execute(() -> shop(index));
            }
            shoppers.shutdown();
            shoppers.awaitTermination(Math.max(1, hardDeadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            injector.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(hardDeadline - System.nanoTime())));
            faults.rethrow();
            return report(faults.windows(), faults.silences());
        } finally {
            shoppers.shutdownNow();
            if (injector != null) {
                injector.interrupt();
                injector.join(10_000);
            }
            for (AppNode node : nodes) {
                closeQuietly(node);
            }
            clientThreads.shutdownNow();
        }
    }

    private static void closeQuietly(AppNode node) {
        if (node != null) {
            try {
                node.close();
            } catch (Exception e) {
                // stopping at the end of the run; nothing to report
            }
        }
    }

    // ------------------------------------------------------------------ shoppers

    /** A shopper's flow ended early; the reason is already counted. */
    private static final class Abandon extends Exception {
        private static final long serialVersionUID = 1L;

        Abandon() {
            super(null, null, false, false);
        }
    }

    /** One answer (status 0 = no answer) of one request. */
    private record Exchange(long start, long end, int status, boolean openRoute, String path) {}

    /** One answer to a shopper. */
    private record Answer(int status, String body, List<String> setCookies, String refreshRejection) {
        String field(String name) {
            for (String part : body.split(" ")) {
                if (part.startsWith(name + "=")) {
                    return part.substring(name.length() + 1);
                }
            }
            throw new IllegalStateException("no " + name + " in '" + body + "'");
        }
    }

    private final class Shopper {
        private final int index;
        private final String user;
        private int turn;
        private String cookie;

        Shopper(int index) {
            this.index = index;
            this.user = "shopper-" + index;
            this.turn = index;
        }

        int nextNode() {
            return turn++ & 1;
        }

        void run() throws Abandon {
            send(nextNode(), "GET", "/catalog", null, true);
            Answer login = send(nextNode(), "POST", "/login?user=" + user, null, false);
            expect(login, 200, "login");
            sessionsCreated.incrementAndGet();
            String handle = login.field("handle");
            String refresh = login.field("refresh");
            String access = login.field("access");
            List<String> cart = new ArrayList<>();

            browse();
            browse();
            addToCart(cart, user + "-1");
            browse();
            // A refresh whose answer was lost may have been applied: the client presents the token once more
            // (the grace period hands the successor out once), and never a third time, which would be reuse.
            // Still unanswered, it keeps its current tokens, as docs/tokens.md tells clients to.
            Answer renewed = send(nextNode(), "POST", "/refresh?token=" + encode(refresh), null, false, 2);
            if (renewed == null) {
                refreshUnanswered.incrementAndGet();
                ReportLog.warn("soak: the refresh of shopper %d went unanswered twice; it keeps its tokens", index);
            } else if (renewed.status() == 200) {
                refresh = renewed.field("refresh");
                access = renewed.field("access");
            } else {
                refreshRejected.incrementAndGet();
                ReportLog.warn(
                        "soak: the refresh of shopper %d was refused (%d, %s)",
                        index, renewed.status(), renewed.refreshRejection());
            }
            Answer me = send(nextNode(), "GET", "/api/me", access, false);
            if (me.status() != 200 || !me.body().equals("user=" + user)) {
                tokensRejected.incrementAndGet();
            }
            addToCart(cart, user + "-2");
            int cartNode = nextNode();
            long missing = missing(cart, loggedIn(send(cartNode, "GET", "/cart", null, false)));
            if (missing > 0 && config.nearCache()) {
                // A near cache may serve the copy from before the write until the invalidation arrives.
                LockSupport.parkNanos(NEAR_CACHE_BOUND.toNanos());
                long later = missing(cart, loggedIn(send(cartNode, "GET", "/cart", null, false)));
                cartLate.addAndGet(missing - later);
                missing = later;
            }
            cartLost.addAndGet(missing);

            if (index % 4 == 0) {
                int adminNode = nextNode();
                String saved = cookie;
                cookie = null;
                expect(send(adminNode, "POST", "/admin/revoke?handle=" + handle, null, false), 200, "revoke");
                cookie = saved;
                int other = 1 - adminNode;
                revocationChecks.incrementAndGet();
                checkTimes.add(System.nanoTime());
                refuse(other, "/browse", null);
                refuse(other, "/api/me", access);
            } else {
                String saved = cookie;
                expect(send(nextNode(), "POST", "/logout", null, false), 200, "logout");
                cookie = saved;
                refuse(nextNode(), "/browse", null);
            }
        }

        private void browse() throws Abandon {
            Answer answer = loggedIn(send(nextNode(), "GET", "/browse", null, false));
            if (!answer.body().startsWith("user=" + user + " ")) {
                throw new IllegalStateException("browse answered another user: " + answer.body());
            }
        }

        private void addToCart(List<String> cart, String item) throws Abandon {
            loggedIn(send(nextNode(), "POST", "/cart?item=" + item, null, false));
            cart.add(item);
            cartAcknowledged.incrementAndGet();
        }

        private Answer loggedIn(Answer answer) throws Abandon {
            if (answer.status() == 401) {
                sessionsLost.incrementAndGet();
                throw new Abandon();
            }
            expect(answer, 200, "logged-in request");
            return answer;
        }

        /**
         * Presents the old cookie (or the access token) to a node, which must refuse it. With the near
         * cache, an authorisation served at once is presented again after {@link #NEAR_CACHE_BOUND}:
         * refused then, it was within the cache's stated window; served again, it is stale.
         */
        private void refuse(int node, String path, String bearer) throws Abandon {
            if (send(node, "GET", path, bearer, false).status() != 200) {
                return;
            }
            staleTimes.add(System.nanoTime());
            if (config.nearCache()) {
                LockSupport.parkNanos(NEAR_CACHE_BOUND.toNanos());
                if (send(node, "GET", path, bearer, false).status() != 200) {
                    staleWithinBound.incrementAndGet();
                    return;
                }
            }
            stale.incrementAndGet();
        }

        private long missing(List<String> cart, Answer read) {
            List<String> stored = Arrays.asList(read.body().split(","));
            return cart.stream().filter(item -> !stored.contains(item)).count();
        }

        private void expect(Answer answer, int status, String what) throws Abandon {
            if (answer.status() != status) {
                throw new IllegalStateException(
                        what + " of " + user + " answered " + answer.status() + ": " + answer.body());
            }
        }

        /**
         * Sends a request to the preferred node (the other one if it does not answer), retrying 503s
         * and transport errors after a pause; returns the first other answer.
         */
        private Answer send(int node, String method, String path, String bearer, boolean openRoute) throws Abandon {
            Answer answer = send(node, method, path, bearer, openRoute, MAX_ATTEMPTS);
            if (answer == null) {
                throw new IllegalStateException(method + " " + path + " of " + user + " was not answered below 500 "
                        + "within " + RETRY_LIMIT.toSeconds() + " s");
            }
            return answer;
        }

        /** Sends with at most {@code attempts} presentations; {@code null} when none was answered below 500. */
        private Answer send(int node, String method, String path, String bearer, boolean openRoute, int attempts)
                throws Abandon {
            int target = node;
            long first = System.nanoTime();
            for (int attempt = 0; attempt < attempts && System.nanoTime() - first < RETRY_LIMIT.toNanos(); attempt++) {
                if (System.nanoTime() > hardDeadline) {
                    throw new Abandon();
                }
                HttpRequest.Builder request = HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + ports[target] + path))
                        .timeout(Duration.ofSeconds(5))
                        .method(method, HttpRequest.BodyPublishers.noBody());
                if (cookie != null && bearer == null) {
                    request.header("Cookie", AppNode.COOKIE + "=" + cookie);
                }
                if (bearer != null) {
                    request.header("Authorization", "Bearer " + bearer);
                }
                long start = System.nanoTime();
                HttpResponse<String> response;
                try {
                    response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    exchanges.add(new Exchange(start, System.nanoTime(), 0, openRoute, route(path)));
                    target = 1 - target;
                    if (attempt % 2 == 1) {
                        pause(RETRY_PAUSE);
                    }
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Abandon();
                }
                exchanges.add(new Exchange(start, System.nanoTime(), response.statusCode(), openRoute, route(path)));
                if (response.statusCode() >= 500) {
                    pause(RETRY_PAUSE);
                    continue;
                }
                List<String> setCookies = response.headers().allValues("set-cookie");
                for (String header : setCookies) {
                    if (header.startsWith(AppNode.COOKIE + "=")) {
                        String value = header.substring(AppNode.COOKIE.length() + 1)
                                .split(";", 2)[0]
                                .trim();
                        cookie = value.isEmpty()
                                        || header.toLowerCase(java.util.Locale.ROOT)
                                                .contains("max-age=0")
                                ? null
                                : value;
                    }
                }
                return new Answer(
                        response.statusCode(),
                        response.body(),
                        setCookies,
                        response.headers().firstValue("X-Refresh-Rejection").orElse(null));
            }
            return null;
        }
    }

    private void shop(int index) {
        try {
            new Shopper(index).run();
            completed.incrementAndGet();
        } catch (Abandon e) {
            gaveUp.incrementAndGet();
        } catch (RuntimeException e) {
            gaveUp.incrementAndGet();
            ReportLog.warn("soak: shopper %d stopped: %s", index, e.getMessage());
        }
    }

    private void pause(Duration duration) {
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, duration.toNanos() / 2));
        LockSupport.parkNanos(duration.toNanos() + jitter);
    }

    private static String route(String path) {
        int query = path.indexOf('?');
        return query < 0 ? path : path.substring(0, query);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ report

    private SoakReport report(
            Collection<FaultInjector.Window> windows, Collection<FaultInjector.TrackingSilence> silences) {
        long grace = GRACE.toNanos();
        long[] byClass = new long[6];
        long fiveXxDown = 0;
        long fiveXxOther = 0;
        List<String> unexpected = new ArrayList<>();
        Map<String, List<Long>> latencies = new LinkedHashMap<>();
        latencies.put("steady", new ArrayList<>());
        for (SoakConfig.ScheduledFault f : config.faults()) {
            latencies.putIfAbsent(f.fault().label(), new ArrayList<>());
        }
        long requests = 0;
        for (Exchange e : exchanges) {
            requests++;
            byClass[e.status() == 0 ? 0 : Math.min(5, e.status() / 100)]++;
            Optional<FaultInjector.Window> during = windows.stream()
                    .filter(w -> e.start() <= w.end() + grace && e.end() >= w.start())
                    .findFirst();
            if (e.status() >= 500) {
                boolean storeDown = windows.stream()
                        .anyMatch(w -> w.fault().storeDown() && e.start() <= w.end() + grace && e.end() >= w.start());
                if (storeDown && !e.openRoute()) {
                    fiveXxDown++;
                } else {
                    fiveXxOther++;
                    if (unexpected.size() < 10) {
                        unexpected.add(String.format(
                                java.util.Locale.ROOT,
                                "%d %s at %.2fs (%d ms)",
                                e.status(),
                                e.path(),
                                (e.start() - startNanos) / 1e9,
                                TimeUnit.NANOSECONDS.toMillis(e.end() - e.start())));
                    }
                }
            }
            if (e.status() != 0) {
                latencies
                        .get(during.map(w -> w.fault().label()).orElse("steady"))
                        .add(e.end() - e.start());
            }
        }
        Map<String, double[]> phases = new LinkedHashMap<>();
        for (Map.Entry<String, List<Long>> phase : latencies.entrySet()) {
            long[] sorted = phase.getValue().stream()
                    .mapToLong(Long::longValue)
                    .sorted()
                    .toArray();
            phases.put(phase.getKey(), new double[] {
                sorted.length,
                percentile(sorted, 0.50),
                percentile(sorted, 0.99),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6
            });
        }
        long unfinished = config.users() - completed.get() - gaveUp.get();
        return new SoakReport(
                config,
                requests,
                byClass,
                fiveXxDown,
                fiveXxOther,
                sessionsCreated.get(),
                sessionsLost.get(),
                cartAcknowledged.get(),
                cartLost.get(),
                revocationChecks.get(),
                stale.get(),
                refreshRejected.get(),
                tokensRejected.get(),
                completed.get(),
                gaveUp.get(),
                unfinished,
                phases,
                unexpected,
                NearCacheFigures.of(
                        silences, startNanos, checkTimes, staleTimes, staleWithinBound.get(), cartLate.get()));
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }
}
