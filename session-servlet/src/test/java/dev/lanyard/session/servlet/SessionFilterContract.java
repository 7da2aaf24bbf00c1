package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.lanyard.session.ReadMode;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.codec.DefaultAttributeCodec;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.servlet.app.ShopServlets;
import dev.lanyard.session.spi.NearCachingStore;
import dev.lanyard.session.spi.SessionDelta;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.tck.MutableClock;
import dev.lanyard.session.tck.gadgets.FlagGadget;
import dev.lanyard.session.tck.gadgets.GadgetFlag;
import dev.lanyard.session.tck.gadgets.GadgetRecords;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * The integration suite every container runs: a real server, real sockets, {@link HttpClient}.
 * A subclass only starts a container ({@link #start(Deployment)}).
 *
 * <p>Nodes are built by {@link #node(FaultInjectingStore, String)}: any number of servers can
 * share one store instance, which is how multi-node tests run (today on the in-memory store,
 * later on Redis with the same fixture).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SessionFilterContract {

    static final String COOKIE = CookieSettings.DEFAULT_NAME;
    private static final java.util.logging.Logger APACHE_LOGGER = java.util.logging.Logger.getLogger("org.apache");

    /** What to deploy: a filter instance (or the filter class with init-parameters), servlets, context attributes. */
    record Deployment(
            Filter filter,
            Map<String, String> initParameters,
            Map<String, HttpServlet> servlets,
            Map<String, Object> contextAttributes) {}

    /** A started server. */
    interface Running extends AutoCloseable {
        URI base();
    }

    /**
     * Starts a container on a free port of 127.0.0.1 with the filter mapped to {@code /*} for every
     * dispatcher type, first in the chain, and every servlet async-capable.
     *
     * @param deployment what to deploy
     * @return the running server
     * @throws Exception if it does not start
     */
    protected abstract Running start(Deployment deployment) throws Exception;

    MutableClock clock;
    FaultInjectingStore store;
    RecordingEvents events;
    TestApp.Recorder recorder;
    Running server;
    HttpClient client;
    Set<String> seenIds;
    ListAppender<ILoggingEvent> logs;

    @BeforeAll
    void startNode() throws Exception {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        APACHE_LOGGER.setLevel(java.util.logging.Level.INFO);
        logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        ((Logger) LoggerFactory.getLogger("dev.lanyard")).setLevel(Level.DEBUG);

        clock = MutableClock.startingNow();
        store = FaultInjectingStore.over(createBackingStore(clock));
        events = new RecordingEvents();
        recorder = new TestApp.Recorder();
        client = Browser.newClient();
        seenIds = Browser.newIdSet();
        server = start(node(store, "node-a"));
    }

    /** Where the sessions of a run of this suite live. */
    enum Backing {
        /** The in-memory store. */
        MEMORY,
        /** A private redis-server, through the Redis store. */
        REDIS,
        /** A private redis-server, through the Redis store with its near cache. */
        REDIS_NEAR_CACHE,
        /** Two private memcached servers, through the Memcached store (no user index, no timeout reports). */
        MEMCACHED,
        /** A private PostgreSQL, through the JDBC store. */
        POSTGRESQL
    }

    private RedisBacking redis;
    private MemcachedBacking memcached;
    private JdbcBacking jdbc;

    /**
     * Chooses the store every node of this run shares; every test, the multi-node ones included,
     * runs against it. Subclasses for Redis override this and nothing else.
     *
     * @return the backing, {@link Backing#MEMORY} by default
     */
    protected Backing backing() {
        return Backing.MEMORY;
    }

    /**
     * The real store every node of this suite shares, per {@link #backing()}.
     *
     * @param clock the suite's clock
     * @return a fresh store
     */
    protected SessionStore createBackingStore(MutableClock clock) {
        if (backing() == Backing.MEMORY) {
            return InMemorySessionStore.create(clock);
        }
        if (backing() == Backing.MEMCACHED) {
            memcached = new MemcachedBacking();
            return memcached.store(clock);
        }
        if (backing() == Backing.POSTGRESQL) {
            jdbc = new JdbcBacking();
            return jdbc.store(clock);
        }
        redis = new RedisBacking();
        return redis.store(clock, backing() == Backing.REDIS_NEAR_CACHE);
    }

    @AfterAll
    void stopNode() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
            if (store != null) {
                store.close();
            }
        } finally {
            if (redis != null) {
                redis.close();
            }
            if (memcached != null) {
                memcached.close();
            }
            if (jdbc != null) {
                jdbc.close();
            }
            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAppender(logs);
        }
    }

    /**
     * With a near cache a repeated read is answered locally; without one every read goes to the
     * store. Either way nothing else in this suite may change: the cache only changes speed.
     */
    @Test
    void readsComeFromWhereTheBackingPromises() {
        Browser b = browser();
        b.get("/counter");
        String handle = handleOf(b.cookie());
        if (backing() == Backing.REDIS_NEAR_CACHE) {
            assertThat(store).isInstanceOf(NearCachingStore.class);
            // a bound for a loaded machine, not a promise of how soon the near cache answers
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        b.get("/info");
                        List<SessionEvent.Resolved> resolved = events.of(SessionEvent.Resolved.class).stream()
                                .filter(r -> r.handle().value().equals(handle))
                                .toList();
                        return resolved.get(resolved.size() - 1).source() == SessionEvent.Source.NEAR_CACHE;
                    });
        } else {
            b.get("/info");
            assertThat(store).isNotInstanceOf(NearCachingStore.class);
            assertThat(events.of(SessionEvent.Resolved.class))
                    .isNotEmpty()
                    .allMatch(r -> r.source() == SessionEvent.Source.STORE);
        }
    }

    @BeforeEach
    void storeUp() {
        store.down = false;
    }

    /** A node's deployment on {@code sharedStore}: the programmatic configuration under test. */
    Deployment node(FaultInjectingStore sharedStore, String nodeId) {
        SessionManager manager = SessionManager.builder(sharedStore)
                .clock(clock)
                .listener(events)
                .nodeId(nodeId)
                .codec(DefaultAttributeCodec.builder()
                        .allowPackage("dev.lanyard.session.servlet")
                        .build())
                .build();
        LanyardSessionFilter filter = LanyardSessionFilter.builder(manager)
                .headerName("X-Session")
                .route(RoutePolicy.forPattern("/admin/*")
                        .idleTimeout(Duration.ofMinutes(5))
                        .build())
                .route(RoutePolicy.forPattern("/secure/*")
                        .stepUp(Duration.ofMinutes(10), StepUpAnswer.unauthorized())
                        .build())
                .route(RoutePolicy.forPattern("/secure-page/*")
                        .stepUp(Duration.ofMinutes(10), StepUpAnswer.redirectTo("/reauth-page"))
                        .build())
                .route(RoutePolicy.forPattern("/open/*")
                        .failureMode(FailureMode.OPEN)
                        .build())
                .route(RoutePolicy.forPattern("/store-only/*")
                        .read(ReadMode.STORE)
                        .build())
                .csrf(CsrfMode.TOKEN)
                .guessingDetection(5, Duration.ofMinutes(1), 100)
                .anonymousSessionRate(0, Duration.ofMinutes(1)) // every test client is 127.0.0.1
                .listener(recorder)
                .build();
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put(TestApp.RECORDER, recorder);
        return new Deployment(filter, Map.of(), TestApp.servlets(), attributes);
    }

    Browser browser() {
        return new Browser(client, server.base(), COOKIE, seenIds);
    }

    static String handleOf(String id) {
        return SessionId.parse(id).orElseThrow().handle().value();
    }

    // ------------------------------------------------------------------ the stock application

    @Test
    void stockCounterServletCountsAcrossRequests() {
        Browser b = browser();
        assertThat(b.get("/counter").body()).isEqualTo("count=1");
        assertThat(b.get("/counter").body()).isEqualTo("count=2");
        assertThat(b.get("/counter").body()).isEqualTo("count=3");
    }

    @Test
    void stockCartKeepsItemsChangedInPlace() {
        Browser b = browser();
        b.get("/cart?add=apple");
        b.get("/cart?add=pear");
        assertThat(b.get("/cart").body()).isEqualTo("cart=[apple, pear]");
    }

    @Test
    void newSessionCookieHasHardenedAttributesAndNoStore() {
        HttpResponse<String> response = browser().get("/counter");
        String setCookie = Browser.sessionCookie(response, COOKIE).orElseThrow();
        assertThat(setCookie).matches("__Host-session=[A-Za-z0-9_-]{43}; Path=/; Secure; HttpOnly; SameSite=Lax");
        assertThat(setCookie).doesNotContainIgnoringCase("Domain");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void requestThatChangesNoSessionIdSetsNoCookie() {
        Browser b = browser();
        b.get("/counter");
        HttpResponse<String> second = b.get("/info");
        assertThat(second.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(second.headers().firstValue("Cache-Control")).isEmpty();
    }

    @Test
    void anonymousRequestThatDoesNotAskForASessionCreatesNone() {
        int before = store.writes.get();
        HttpResponse<String> response = browser().get("/info");
        assertThat(response.body()).contains("session=none");
        assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(store.writes.get()).isEqualTo(before);
    }

    @Test
    void noJsessionidIsEverCreatedAndUrlsAreNotRewritten() {
        Browser b = browser();
        List<HttpResponse<String>> responses = List.of(
                b.get("/counter"),
                b.get("/counter;jsessionid=abc"),
                b.get("/info;jsessionid=" + "A".repeat(43)),
                b.get("/login?user=alice"),
                b.get("/info"));
        for (HttpResponse<String> r : responses) {
            assertThat(r.headers().allValues("Set-Cookie"))
                    .noneMatch(c -> c.toUpperCase().contains("JSESSIONID"));
            assertThat(r.statusCode()).isLessThan(500);
        }
        assertThat(responses.get(1).body()).isEqualTo("count=2");
        assertThat(responses.get(4).body()).contains("encoded=/x|/y");
    }

    @Test
    void getIdReturnsTheHandleNeverTheSecret() {
        Browser b = browser();
        b.get("/counter");
        String body = b.get("/info").body();
        String handle = handleOf(b.cookie());
        assertThat(body).contains("session=" + handle, "requested=" + handle, "requestedValid=true", "new=false");
        assertThat(body).doesNotContain(b.cookie());
    }

    @Test
    void sessionIsNewOnlyInTheRequestThatCreatedIt() {
        Browser b = browser();
        assertThat(b.get("/mdc").statusCode()).isEqualTo(200);
        assertThat(b.get("/info").body()).contains("new=false", "maxInactive=900", "context=true");
    }

    // ------------------------------------------------------------------ login, fixation, logout

    @Test
    void loginRotatesTheIdAndThePreLoginIdIsDead() {
        Browser b = browser();
        b.get("/counter");
        String preLogin = b.cookie();
        HttpResponse<String> login = b.get("/login?user=alice&roles=admin");
        assertThat(login.body()).isEqualTo("logged in as alice");
        assertThat(b.cookie()).isNotNull().isNotEqualTo(preLogin);
        assertThat(login.headers().firstValue("Cache-Control")).hasValue("no-store");

        String info = b.get("/info").body();
        assertThat(info).contains("user=alice", "admin=true");
        assertThat(b.get("/counter").body())
                .as("anonymous attributes survive login")
                .isEqualTo("count=2");

        Browser attacker = browser();
        attacker.cookie(preLogin);
        String replay = attacker.get("/info").body();
        assertThat(replay).contains("session=none", "user=none", "requestedValid=false");
    }

    @Test
    void privilegeChangeRotatesTheIdAndReplacesTheRoles() {
        Browser b = browser();
        b.get("/login?user=hana&roles=user");
        assertThat(b.get("/info").body()).contains("admin=false");
        String before = b.cookie();
        HttpResponse<String> promoted = b.get("/promote?roles=user,admin");
        assertThat(promoted.body()).isEqualTo("roles=[admin, user] versionGrew=true");
        assertThat(b.cookie()).isNotEqualTo(before);
        assertThat(b.get("/info").body()).contains("user=hana", "admin=true");
        Browser old = browser();
        old.cookie(before);
        assertThat(old.get("/info").body()).contains("user=none");
    }

    @Test
    void logoutRemovesTheServerRecordAndClearsTheCookie() {
        Browser b = browser();
        b.get("/login?user=bob");
        String id = b.cookie();
        HttpResponse<String> logout = b.get("/logout");
        assertThat(logout.body()).isEqualTo("logout=true");
        assertThat(Browser.sessionCookie(logout, COOKIE).orElseThrow()).contains("Max-Age=0", "Path=/", "Secure");
        assertThat(logout.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(store.holds(SessionHandle.of(handleOf(id)))).isFalse();

        Browser replay = browser();
        replay.cookie(id);
        assertThat(replay.get("/info").body()).contains("session=none", "user=none");
    }

    @Test
    void changeSessionIdRotatesAndNotifiesIdListeners() {
        Browser b = browser();
        b.get("/counter");
        String before = b.cookie();
        String body = b.get("/change-id").body();
        assertThat(b.cookie()).isNotEqualTo(before);
        String newHandle = handleOf(b.cookie());
        assertThat(body).contains("before=" + handleOf(before), "after=" + newHandle, "sessionId=" + newHandle);
        assertThat(recorder.lines).contains("sessionIdChanged " + handleOf(before) + " -> " + newHandle);
        assertThat(b.get("/counter").body()).isEqualTo("count=2");
    }

    @Test
    void invalidateEndsTheSessionAndFiresListeners() {
        Browser b = browser();
        b.get("/attr?name=colour&value=blue");
        String handle = handleOf(b.cookie());
        String body = b.get("/invalidate").body();
        assertThat(body).contains("after=ISE", "getSession(false)=null");
        assertThat(recorder.lines)
                .containsSubsequence(
                        "sessionCreated " + handle,
                        "attributeAdded colour=blue",
                        "sessionDestroyed " + handle,
                        "attributeRemoved colour=blue");
        assertThat(b.cookie()).isNull();
        assertThat(store.holds(SessionHandle.of(handle))).isFalse();
    }

    @Test
    void aSessionThatTimesOutIsDestroyedAsInAContainerWithItsAttributesReadable() {
        Browser b = browser();
        b.get("/short-lived?tag=gone");
        String handle = handleOf(b.cookie());
        clock.advance(Duration.ofSeconds(2));
        if (!store.reportsTimeouts()) {
            // A store that cannot report timeouts (Memcached) promises only that the session is gone, silently.
            assertThat(b.get("/attrs").body()).isEqualTo("{}");
            assertThat(recorder.lines).doesNotContain("sessionDestroyed " + handle);
            return;
        }
        // The in-memory store reports when its sweep runs (here, now); Redis when the session's TTL ends.
        store.sweepTimeouts();
        // The listeners run one after another on the thread that heard of the timeout: wait for the last
        // of them, not for the first, before reading the whole sequence.
        await("the listeners of the session that timed out")
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(recorder.lines)
                        .containsSubsequence(
                                "sessionDestroyed " + handle,
                                "destroyed " + handle + " with {bound=BoundValue(gone), colour=blue}",
                                "valueUnbound bound gone",
                                "attributeRemoved bound=BoundValue(gone)",
                                "attributeRemoved colour=blue"));
        assertThat(recorder.lines)
                .filteredOn(("sessionDestroyed " + handle)::equals)
                .hasSize(1);
        assertThat(events.of(SessionEvent.Expired.class))
                .anyMatch(e -> e.handle().value().equals(handle));
        assertThat(b.get("/attrs").body()).isEqualTo("{}");
    }

    @Test
    void bindingAndAttributeListenersFireAsInAContainer() {
        Browser b = browser();
        b.get("/bind?tag=one");
        b.get("/bind?tag=two");
        b.get("/bind?remove=1");
        assertThat(recorder.lines)
                .containsSubsequence(
                        "valueBound bound one",
                        "attributeAdded bound=BoundValue(one)",
                        "valueBound bound two",
                        "valueUnbound bound one",
                        "attributeReplaced bound=BoundValue(one)",
                        "valueUnbound bound two",
                        "attributeRemoved bound=BoundValue(two)");
    }

    @Test
    void userCanListAndRevokeOnlyTheirOwnSessions() {
        Browser phone = browser();
        phone.get("/login?user=carol");
        Browser laptop = browser();
        laptop.get("/login?user=carol");
        Browser other = browser();
        other.get("/login?user=dave");

        if (store instanceof dev.lanyard.session.spi.UserIndexedStore) {
            assertThat(laptop.get("/devices").body()).contains(handleOf(phone.cookie()), handleOf(laptop.cookie()));
        } else {
            // A store without a user index (Memcached) cannot list a user's sessions: refused, never a wrong list.
            assertThat(laptop.get("/devices").statusCode()).isEqualTo(500);
        }
        assertThat(other.get("/revoke?handle=" + handleOf(phone.cookie())).body())
                .isEqualTo("revoked=false");
        assertThat(phone.get("/info").body()).contains("user=carol");

        assertThat(laptop.get("/revoke?handle=" + handleOf(phone.cookie())).body())
                .isEqualTo("revoked=true");
        assertThat(phone.get("/info").body()).contains("user=none");
        assertThat(laptop.get("/info").body()).contains("user=carol");
    }

    @Test
    void signingOutEverywhereElseKeepsOnlyThisDevice() {
        Browser phone = browser();
        phone.get("/login?user=gwen");
        Browser tablet = browser();
        tablet.get("/login?user=gwen");
        Browser laptop = browser();
        laptop.get("/login?user=gwen");
        Browser other = browser();
        other.get("/login?user=hank");

        if (!(store instanceof dev.lanyard.session.spi.UserIndexedStore)) {
            // A store without a user index (Memcached) cannot find the others: refused, and nothing is half done.
            assertThat(laptop.get("/revoke-others").statusCode()).isEqualTo(500);
            for (Browser device : List.of(phone, tablet, laptop)) {
                assertThat(device.get("/info").body()).contains("user=gwen");
            }
            return;
        }
        String answer = laptop.get("/revoke-others").body();
        assertThat(answer).contains("revoked=2").contains("handle=" + handleOf(laptop.cookie()));
        assertThat(phone.get("/info").body()).contains("user=none");
        assertThat(tablet.get("/info").body()).contains("user=none");
        assertThat(laptop.get("/info").body()).contains("user=gwen");
        assertThat(other.get("/info").body()).contains("user=hank");
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    void twentyParallelRequestsSettingDifferentAttributesAllSurvive() {
        Browser b = browser();
        b.get("/counter");
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String path = "/attr?name=a" + i + "&value=v" + i;
                all.add(CompletableFuture.supplyAsync(() -> b.get(path), pool));
            }
            all.forEach(f -> assertThat(f.join().statusCode()).isEqualTo(200));
        } finally {
            pool.shutdownNow();
        }
        String attributes = b.get("/attrs").body();
        for (int i = 0; i < 20; i++) {
            assertThat(attributes).contains("a" + i + "=v" + i);
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badSessionCookiesNeverCauseAServerErrorNorAStoreCall() throws Exception {
        Map<String, byte[]> table = new LinkedHashMap<>();
        table.put("empty", ascii("Cookie: " + COOKIE + "="));
        table.put("10 KB", ascii("Cookie: " + COOKIE + "=" + "a".repeat(10 * 1024)));
        table.put("non-ASCII", ("Cookie: " + COOKIE + "=" + "é".repeat(43)).getBytes(StandardCharsets.UTF_8));
        table.put("NUL", ascii("Cookie: " + COOKIE + "=" + "a".repeat(20) + "\0" + "a".repeat(22)));
        table.put("wrong prefix", ascii("Cookie: __Secure-session=" + "A".repeat(43)));
        table.put("quoted junk", ascii("Cookie: " + COOKIE + "=\"<script>\""));
        table.put("no value separator", ascii("Cookie: " + COOKIE));
        table.put("semicolons only", ascii("Cookie: ;;;; ;"));
        table.put(
                "duplicated, one line",
                ascii("Cookie: " + COOKIE + "=" + "A".repeat(43) + "; " + COOKIE + "=" + "B".repeat(43)));
        for (Map.Entry<String, byte[]> row : table.entrySet()) {
            int calls = store.calls();
            String response = RawHttp.get(server.base(), "/info", row.getValue());
            assertThat(RawHttp.status(response)).as(row.getKey()).isLessThan(500);
            assertThat(response).as(row.getKey()).doesNotContain("Exception", "\tat ", "JSESSIONID");
            assertThat(store.calls()).as(row.getKey() + ": store calls").isEqualTo(calls);
            if (RawHttp.status(response) == 200) {
                assertThat(response).as(row.getKey()).contains("session=none");
            }
        }
    }

    @Test
    void badSessionHeadersNeverCauseAServerError() throws Exception {
        List<byte[]> rows = List.of(
                ascii("X-Session: " + "x".repeat(10 * 1024)),
                ascii("X-Session: \"\""),
                ("X-Session: " + "ü".repeat(43)).getBytes(StandardCharsets.UTF_8),
                ascii("X-Request-Id: " + "r".repeat(5000)),
                ascii("X-Request-Id: a b\tc"),
                ascii("Origin: null"),
                ascii("Sec-Fetch-Site: ???"));
        for (byte[] row : rows) {
            String response = RawHttp.get(server.base(), "/info", row);
            assertThat(RawHttp.status(response)).isLessThan(500);
            assertThat(response).doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void duplicatedCookieLinesMakeTheRequestAnonymous() throws Exception {
        Browser b = browser();
        b.get("/counter");
        int calls = store.calls();
        String response = RawHttp.get(
                server.base(),
                "/info",
                ascii("Cookie: " + COOKIE + "=" + b.cookie()),
                ascii("Cookie: " + COOKIE + "=" + "T".repeat(43)));
        assertThat(RawHttp.status(response)).isEqualTo(200);
        assertThat(response).contains("session=none");
        assertThat(store.calls()).isEqualTo(calls);
    }

    @Test
    void unknownIdCostsOneStoreReadAndIsCleared() {
        Browser b = browser();
        b.cookie("U".repeat(43));
        int loads = store.loads.get();
        int writes = store.writes.get();
        HttpResponse<String> response = b.get("/info");
        assertThat(response.body()).contains("session=none", "requestedValid=false");
        assertThat(store.loads.get() - loads).isEqualTo(1);
        assertThat(store.writes.get()).isEqualTo(writes);
        assertThat(Browser.sessionCookie(response, COOKIE).orElseThrow()).contains("Max-Age=0");
    }

    @Test
    void aStoreOnlyRouteAlwaysReadsTheStore() {
        Browser b = browser();
        b.get("/counter");
        String handle = handleOf(b.cookie());
        b.get("/info");
        b.get("/info");
        int loads = store.loads.get();

        HttpResponse<String> response = b.get("/store-only/x");

        assertThat(response.body()).contains("requestedValid=true");
        assertThat(store.loads.get() - loads).isEqualTo(1);
        List<SessionEvent.Resolved> resolved = events.of(SessionEvent.Resolved.class).stream()
                .filter(r -> r.handle().value().equals(handle))
                .toList();
        assertThat(resolved.get(resolved.size() - 1).source()).isEqualTo(SessionEvent.Source.STORE);
    }

    @Test
    void aKnownSessionCostsOneReadAndNoWriteWhenNothingChanged() {
        Browser b = browser();
        b.get("/counter");
        int loads = store.loads.get();
        int writes = store.writes.get();
        b.get("/info");
        assertThat(store.loads.get() - loads).isEqualTo(1);
        assertThat(store.writes.get() - writes).isZero();
    }

    @Test
    void aBurstOfBadIdsFromOneClientRaisesAGuessingEvent() {
        clock.advance(Duration.ofMinutes(2));
        int before = events.of(SessionEvent.GuessingSuspected.class).size();
        Browser b = browser();
        for (int i = 0; i < 5; i++) {
            b.cookie(("G" + i).repeat(20).substring(0, 43 - 3) + "abc");
            assertThat(b.get("/info").statusCode()).isEqualTo(200);
        }
        List<SessionEvent.GuessingSuspected> raised = events.of(SessionEvent.GuessingSuspected.class);
        assertThat(raised).hasSize(before + 1);
        assertThat(raised.get(raised.size() - 1).client()).isEqualTo("127.0.0.0/24");
    }

    // ------------------------------------------------------------------ store failure

    @Test
    void storeDownOnAFailClosedRouteAnswers503Promptly() {
        Browser b = browser();
        b.get("/closed/x");
        store.down = true;
        long start = System.nanoTime();
        HttpResponse<String> response = b.get("/closed/x");
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("5");
        assertThat(response.body()).doesNotContain("Exception", "\tat ");
        assertThat(elapsed).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void storeDownWhenCreatingASessionOnAFailClosedRouteAnswers503() {
        store.down = true;
        HttpResponse<String> response = browser().get("/counter");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void storeDownOnAFailOpenRouteServesAnonymouslyAndPublishesAnEvent() {
        Browser b = browser();
        assertThat(b.get("/open/x").body()).isEqualTo("count=1");
        String id = b.cookie();
        int failOpens = events.of(SessionEvent.FailOpen.class).size();
        store.down = true;
        HttpResponse<String> response = b.get("/open/x");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).as("a request-scoped session, never stored").isEqualTo("count=1");
        assertThat(response.headers().allValues("Set-Cookie"))
                .as("the client keeps its cookie")
                .isEmpty();
        assertThat(events.of(SessionEvent.FailOpen.class))
                .hasSize(failOpens + 1)
                .last()
                .extracting(SessionEvent.FailOpen::route)
                .isEqualTo("/open/*");
        store.down = false;
        assertThat(b.cookie()).isEqualTo(id);
        assertThat(b.get("/open/x").body()).as("the real session is back").isEqualTo("count=2");
    }

    // ------------------------------------------------------------------ commit points

    @Test
    void sessionCannotBeCreatedAfterTheResponseIsCommitted() {
        HttpResponse<String> response = browser().get("/late");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("refused: cannot create a session after the response has been committed");
        assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    }

    @Test
    void redirectCarriesTheNewSessionAndItsChanges() {
        Browser b = browser();
        HttpResponse<String> redirect = b.get("/redirect");
        assertThat(redirect.statusCode()).isEqualTo(302);
        assertThat(Browser.sessionCookie(redirect, COOKIE)).isPresent();
        assertThat(b.get("/attrs").body()).contains("redirected=yes");
    }

    @Test
    void servlet61RedirectOverloadIsHookedToo() {
        Browser b = browser();
        HttpResponse<String> redirect = b.get("/redirect-61");
        assertThat(redirect.statusCode())
                .as("303 through the 6.1 overload, 302 on 6.0 containers")
                .isEqualTo(TestApp.sendRedirect61().isPresent() ? 303 : 302);
        assertThat(Browser.sessionCookie(redirect, COOKIE)).isPresent();
        assertThat(b.get("/attrs").body()).contains("redirected61=yes");
    }

    @Test
    void bodyLargerThanTheBufferStillCarriesTheCookieAndLaterChangesAreSaved() {
        Browser b = browser();
        HttpResponse<String> big = b.get("/big");
        assertThat(big.body()).hasSize(2000 * 101);
        assertThat(Browser.sessionCookie(big, COOKIE)).isPresent();
        assertThat(b.get("/attrs").body()).contains("afterCommit=yes", "big=yes");
    }

    @Test
    void asyncRequestSendsTheCookieAndSavesWhenComplete() {
        Browser b = browser();
        HttpResponse<String> response = b.get("/async");
        assertThat(response.body()).isEqualTo("async done");
        assertThat(Browser.sessionCookie(response, COOKIE)).isPresent();
        assertThat(b.get("/attrs").body()).contains("async=yes");
    }

    @Test
    void sessionCreatedInsideAnIncludeIsSent() {
        Browser b = browser();
        HttpResponse<String> response = b.get("/include");
        assertThat(response.body()).isEqualTo("outer;count=1");
        assertThat(Browser.sessionCookie(response, COOKIE)).isPresent();
        assertThat(b.get("/counter").body()).isEqualTo("count=2");
    }

    @Test
    void anIncludeFromTheServletContextThatFlushesStillCarriesTheNewSession() {
        Browser b = browser();
        HttpResponse<String> response = b.get("/context-include");
        assertThat(response.body()).isEqualTo("count=1;fragment");
        assertThat(Browser.sessionCookie(response, COOKIE))
                .as("the cookie went out before the fragment committed")
                .isPresent();
        assertThat(b.get("/counter").body()).isEqualTo("count=2");
    }

    @Test
    void errorPageSeesTheLanyardSessionAndNeverTheContainers() {
        Browser b = browser();
        HttpResponse<String> response = b.get("/teapot");
        assertThat(response.statusCode()).isEqualTo(TestApp.ERROR_STATUS);
        assertThat(response.headers().allValues("Set-Cookie"))
                .noneMatch(c -> c.toUpperCase().contains("JSESSIONID"));
        assertThat(response.body()).startsWith("error page; session=");
        assertThat(Browser.sessionCookie(response, COOKIE)).isPresent();
        assertThat(response.body()).endsWith(handleOf(b.cookie()));
        assertThat(b.get("/attrs").body()).contains("errorPage=yes");
    }

    @Test
    void applicationFailureStillSavesTheSession() {
        Browser b = browser();
        HttpResponse<String> response = b.get("/boom");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(b.get("/attrs").body()).contains("beforeBoom=yes");
    }

    // ------------------------------------------------------------------ route policies

    @Test
    void stepUpRouteAnswers401UntilTheUserReauthenticates() {
        Browser b = browser();
        b.get("/login?user=erin");
        assertThat(b.get("/secure/x").statusCode()).isEqualTo(200);
        clock.advance(Duration.ofMinutes(11));
        int demanded = events.of(SessionEvent.StepUpRequired.class).size();
        HttpResponse<String> refused = b.get("/secure/x");
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(events.of(SessionEvent.StepUpRequired.class)).hasSize(demanded + 1);
        String before = b.cookie();
        assertThat(b.get("/reauth").body()).isEqualTo("reauthenticated");
        assertThat(b.cookie()).isNotEqualTo(before);
        assertThat(b.get("/secure/x").statusCode()).isEqualTo(200);
    }

    @Test
    void stepUpRouteCanRedirectAndRefusesAnonymousRequests() {
        HttpResponse<String> anonymous = browser().get("/secure-page/x");
        assertThat(anonymous.statusCode()).isEqualTo(302);
        assertThat(anonymous.headers().firstValue("Location").orElseThrow()).endsWith("/reauth-page");
        assertThat(browser().get("/secure/x").statusCode()).isEqualTo(401);
    }

    @Test
    void routeIdleWindowEndsASessionIdleForLongerThanIt() {
        Browser b = browser();
        b.get("/login?user=frank");
        String id = b.cookie();
        assertThat(b.get("/admin/x").body()).contains("user=frank");
        clock.advance(Duration.ofMinutes(6));
        HttpResponse<String> late = b.get("/admin/x");
        assertThat(late.body()).contains("user=none", "session=none");
        assertThat(Browser.sessionCookie(late, COOKIE).orElseThrow()).contains("Max-Age=0");
        assertThat(store.holds(SessionHandle.of(handleOf(id)))).isFalse();
    }

    // ------------------------------------------------------------------ CSRF

    @Test
    void csrfTokenIsRequiredForUnsafeRequestsWithASession() {
        Browser b = browser();
        String token = b.get("/csrf-token").body();
        assertThat(token).hasSize(43);
        assertThat(b.post("/form", "a=1", "Content-Type", "application/x-www-form-urlencoded")
                        .statusCode())
                .isEqualTo(403);
        assertThat(b.post(
                                "/form",
                                "a=1",
                                "Content-Type",
                                "application/x-www-form-urlencoded",
                                "X-CSRF-Token",
                                "x".repeat(43))
                        .statusCode())
                .isEqualTo(403);
        assertThat(b.post("/form", "a=1", "Content-Type", "application/x-www-form-urlencoded", "X-CSRF-Token", token)
                        .statusCode())
                .isEqualTo(200);
        assertThat(b.post("/form", "a=1&_csrf=" + token, "Content-Type", "application/x-www-form-urlencoded")
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void csrfRejectsCrossSiteUnsafeRequestsEvenWithAToken() {
        Browser b = browser();
        String token = b.get("/csrf-token").body();
        HttpResponse<String> forged = b.post("/form", "a=1", "X-CSRF-Token", token, "Origin", "https://evil.example");
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).doesNotContain(token);
        assertThat(b.post("/form", "a=1", "X-CSRF-Token", token, "Sec-Fetch-Site", "cross-site")
                        .statusCode())
                .isEqualTo(403);
        assertThat(b.post(
                                "/form",
                                "a=1",
                                "X-CSRF-Token",
                                token,
                                "Sec-Fetch-Site",
                                "same-origin",
                                "Origin",
                                server.base().toString().replaceAll("/$", ""))
                        .statusCode())
                .isEqualTo(200);
        assertThat(browser().post("/form", "a=1").statusCode())
                .as("no session, nothing to forge")
                .isEqualTo(200);
    }

    // ------------------------------------------------------------------ transport and correlation

    @Test
    void headerTransportServesApiClientsWithoutCookies() {
        Browser api = browser();
        HttpResponse<String> first = api.get("/counter", "X-Session", "");
        String id = first.headers().firstValue("X-Session").orElseThrow();
        seenIds.add(id);
        assertThat(first.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(api.get("/counter", "X-Session", id).body()).isEqualTo("count=2");
        assertThat(api.post("/form", "a=1", "X-Session", id).statusCode())
                .as("no CSRF check for headers")
                .isEqualTo(200);
    }

    @Test
    void requestIdIsEchoedAndTheMdcHoldsItWithTheSessionHandle() {
        Browser b = browser();
        HttpResponse<String> response = b.get("/mdc", "X-Request-Id", "trace-42");
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("trace-42");
        assertThat(response.body()).contains("requestId=trace-42", "before=null", "session=" + handleOf(b.cookie()));
        HttpResponse<String> generated = b.get("/mdc", "X-Request-Id", "bad id!");
        String id = generated.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(id).matches("[0-9a-f-]{36}");
        assertThat(generated.body()).contains("requestId=" + id, "before=" + handleOf(b.cookie()));
    }

    // ------------------------------------------------------------------ a second node

    @Test
    void aSecondNodeOnTheSameStoreServesTheSessionAndSeesTheLogout() throws Exception {
        try (Running nodeB = start(node(store, "node-b"))) {
            Browser onA = browser();
            onA.get("/login?user=gina");
            assertThat(onA.get("/counter").body()).isEqualTo("count=1");
            Browser onB = onA.on(nodeB.base());
            assertThat(onB.get("/counter").body()).isEqualTo("count=2");
            assertThat(onB.get("/info").body()).contains("user=gina");
            onB.get("/logout");
            Browser replayOnA = onA.on(server.base());
            assertThat(replayOnA.get("/info").body()).contains("user=none", "session=none");
            assertThat(events.of(SessionEvent.AffinityRebind.class)).isNotEmpty();
        }
    }

    // ------------------------------------------------------------------ init-parameters

    @Test
    void filterCanBeConfiguredByInitParameters() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("store", "memory:");
        params.put("cookieName", "sid");
        params.put("cookieSecure", "false");
        params.put("cookieSameSite", "strict");
        params.put("anonymousIdleTimeout", "10m");
        params.put("route:/secure/*", "stepUp=PT5M; onStepUp=redirect:/sign-in");
        params.put("logEvents", "false");
        Map<String, HttpServlet> servlets = TestApp.servlets();
        try (Running configured = start(new Deployment(null, params, servlets, Map.of()))) {
            Browser b = new Browser(client, configured.base(), "sid", seenIds);
            HttpResponse<String> first = b.get("/counter");
            assertThat(Browser.sessionCookie(first, "sid").orElseThrow())
                    .matches("sid=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict");
            assertThat(b.get("/counter").body()).isEqualTo("count=2");
            assertThat(b.get("/info").body()).contains("maxInactive=600");
            HttpResponse<String> stepUp = b.get("/secure/x");
            assertThat(stepUp.statusCode()).isEqualTo(302);
            assertThat(stepUp.headers().firstValue("Location").orElseThrow()).endsWith("/sign-in");
        }
    }

    // ------------------------------------------------------------------ drop-in: the application's own classes

    /** Where init-parameters point a drop-in deployment: this run's store, by URI. */
    String storeUri() {
        return switch (backing()) {
            case MEMORY -> "memory:";
            case MEMCACHED -> memcached.uri();
            case POSTGRESQL -> jdbc.uri();
            default -> redis.uri();
        };
    }

    /**
     * A node of an ordinary application that keeps its own {@code ShopCart} in HttpSession, on the
     * shared store, configured as little as a web.xml user would: a plain-HTTP cookie and the
     * application's package allowed, nothing else. {@code dev.lanyard.session.tck.gadgets} is
     * not allowed.
     */
    Deployment dropIn(FaultInjectingStore sharedStore, String nodeId) {
        SessionManager manager = SessionManager.builder(sharedStore)
                .clock(clock)
                .listener(events)
                .nodeId(nodeId)
                .attributeCodec(DefaultAttributeCodec.builder()
                        .allowedPackages("dev.lanyard.session.servlet.app")
                        .build())
                .build();
        LanyardSessionFilter filter = LanyardSessionFilter.builder(manager)
                .cookie(CookieSettings.builder().name("sid").secure(false).build())
                .build();
        Map<String, HttpServlet> servlets = new LinkedHashMap<>(TestApp.servlets());
        servlets.putAll(ShopServlets.servlets());
        return new Deployment(filter, Map.of(), servlets, Map.of());
    }

    // ------------------------------------------------------------------ ID renewal

    static final Duration RENEWAL_INTERVAL = Duration.ofMinutes(10);
    static final Duration RENEWAL_OVERLAP = Duration.ofSeconds(30);

    /** A node that renews IDs older than {@link #RENEWAL_INTERVAL}, on the shared store. */
    Deployment renewing(FaultInjectingStore sharedStore, String nodeId) {
        return renewing(sharedStore, nodeId, new TestApp.Gate());
    }

    Deployment renewing(FaultInjectingStore sharedStore, String nodeId, TestApp.Gate gate) {
        SessionManager manager = SessionManager.builder(sharedStore)
                .clock(clock)
                .listener(events)
                .nodeId(nodeId)
                .codec(DefaultAttributeCodec.builder()
                        .allowPackage("dev.lanyard.session.servlet")
                        .build())
                .build();
        LanyardSessionFilter filter = LanyardSessionFilter.builder(manager)
                .idRenewalInterval(RENEWAL_INTERVAL)
                .idRenewalOverlap(RENEWAL_OVERLAP)
                .anonymousSessionRate(0, Duration.ofMinutes(1))
                .build();
        return new Deployment(
                filter, Map.of(), TestApp.servlets(), Map.of(TestApp.RECORDER, recorder, TestApp.GATE, gate));
    }

    /**
     * On a store without {@code AtomicValueStore} (Memcached) the filter refuses renewal at build:
     * asserts that refusal and answers {@code true}, so a renewal test checks it and ends there.
     */
    private boolean renewalIsRefusedHere() {
        if (backing() != Backing.MEMCACHED) {
            return false;
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> renewing(store, "node-r", new TestApp.Gate()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("idRenewalInterval");
        return true;
    }

    private Running startRenewing(TestApp.Gate gate) throws Exception {
        return start(renewing(store, "node-r", gate));
    }

    private Browser holding(Running node, String id) {
        Browser copy = browser().on(node.base());
        copy.cookie(id);
        return copy;
    }

    private List<SessionEvent.Rotated> renewals() {
        return events.of(SessionEvent.Rotated.class).stream()
                .filter(r -> r.cause() == dev.lanyard.session.RotationCause.RENEWAL)
                .toList();
    }

    @Test
    void anIdOlderThanTheRenewalIntervalIsRenewedWithItsAttributesAndLogin() throws Exception {
        if (renewalIsRefusedHere()) {
            return;
        }
        try (Running node = startRenewing(new TestApp.Gate())) {
            Browser b = browser().on(node.base());
            b.get("/login?user=rita&roles=admin");
            b.get("/attr?name=color&value=red");
            String old = b.cookie();
            clock.advance(RENEWAL_INTERVAL.minusSeconds(1));
            assertThat(Browser.sessionCookie(b.get("/info"), COOKIE)).isEmpty();
            int renewedBefore = renewals().size();

            clock.advance(Duration.ofSeconds(2));
            HttpResponse<String> renewing = b.get("/info");

            assertThat(Browser.sessionCookie(renewing, COOKIE)).isPresent();
            assertThat(b.cookie()).isNotNull().isNotEqualTo(old);
            assertThat(renewals()).hasSize(renewedBefore + 1);
            assertThat(b.get("/info").body()).contains("user=rita", "admin=true", "requestedValid=true");
            assertThat(b.get("/attrs").body()).contains("color=red");
        }
    }

    @Test
    void aRequestStillCarryingTheRenewedIdWithinTheOverlapIsServedAndGetsNoNewId() throws Exception {
        if (renewalIsRefusedHere()) {
            return;
        }
        try (Running node = startRenewing(new TestApp.Gate())) {
            Browser tab1 = browser().on(node.base());
            tab1.get("/login?user=otto");
            String old = tab1.cookie();
            clock.advance(RENEWAL_INTERVAL.plusSeconds(1));
            tab1.get("/info");
            String renewed = tab1.cookie();
            assertThat(renewed).isNotEqualTo(old);
            int renewedBefore = renewals().size();

            Browser tab2 = holding(node, old);
            clock.advance(RENEWAL_OVERLAP.minusSeconds(1));
            HttpResponse<String> late = tab2.get("/attr?name=fromTab2&value=yes");
            HttpResponse<String> info = tab2.get("/info");

            assertThat(late.statusCode()).isEqualTo(200);
            assertThat(Browser.sessionCookie(late, COOKIE)).isEmpty();
            assertThat(Browser.sessionCookie(info, COOKIE)).isEmpty();
            assertThat(info.body()).contains("user=otto", "requestedValid=true", "session=" + handleOf(renewed));
            assertThat(tab2.cookie()).isEqualTo(old);
            assertThat(renewals()).hasSize(renewedBefore);
            assertThat(tab1.get("/attrs").body()).contains("fromTab2=yes");
            assertThat(tab1.cookie()).isEqualTo(renewed);
        }
    }

    @Test
    void aRequestThatResolvedTheOldIdBeforeTheRenewalKeepsItsChangesAndTheCookie() throws Exception {
        if (renewalIsRefusedHere()) {
            return;
        }
        TestApp.Gate gate = new TestApp.Gate();
        try (Running node = startRenewing(gate)) {
            Browser tab1 = browser().on(node.base());
            tab1.get("/login?user=ines");
            String old = tab1.cookie();
            clock.advance(RENEWAL_INTERVAL.plusSeconds(1));
            Browser tab2 = holding(node, old);
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                CompletableFuture<HttpResponse<String>> inFlight =
                        CompletableFuture.supplyAsync(() -> tab2.get("/gated-attr?name=slow&value=kept"), pool);
                assertThat(gate.entered.await(10, java.util.concurrent.TimeUnit.SECONDS))
                        .isTrue();
                int renewedBefore = renewals().size();

                tab1.get("/info");
                String renewed = tab1.cookie();
                gate.release.countDown();
                HttpResponse<String> late = inFlight.get(15, java.util.concurrent.TimeUnit.SECONDS);

                assertThat(renewed).isNotEqualTo(old);
                assertThat(late.statusCode()).isEqualTo(200);
                assertThat(Browser.sessionCookie(late, COOKIE)).isEmpty();
                assertThat(renewals()).hasSize(renewedBefore + 1);
                assertThat(tab1.get("/attrs").body()).contains("slow=kept");
                assertThat(tab1.get("/info").body()).contains("user=ines");
            } finally {
                gate.release.countDown();
                pool.shutdownNow();
            }
        }
    }

    @Test
    void afterTheOverlapTheRenewedIdIsRefused() throws Exception {
        if (renewalIsRefusedHere()) {
            return;
        }
        try (Running node = startRenewing(new TestApp.Gate())) {
            Browser b = browser().on(node.base());
            b.get("/login?user=ursula");
            String old = b.cookie();
            clock.advance(RENEWAL_INTERVAL.plusSeconds(1));
            b.get("/info");
            String renewed = b.cookie();

            clock.advance(RENEWAL_OVERLAP.plusSeconds(1));
            Browser attacker = holding(node, old);
            HttpResponse<String> refused = attacker.get("/info");

            assertThat(refused.body()).contains("user=none", "session=none", "requestedValid=false");
            assertThat(b.get("/info").body()).contains("user=ursula");
            assertThat(b.cookie()).isEqualTo(renewed);
        }
    }

    @Test
    void aLogoutWithinTheOverlapEndsTheOldIdToo() throws Exception {
        if (renewalIsRefusedHere()) {
            return;
        }
        try (Running node = startRenewing(new TestApp.Gate())) {
            Browser b = browser().on(node.base());
            b.get("/login?user=lotte");
            String old = b.cookie();
            clock.advance(RENEWAL_INTERVAL.plusSeconds(1));
            b.get("/info");

            b.get("/logout");

            assertThat(holding(node, old).get("/info").body()).contains("user=none", "session=none");
        }
    }

    @Test
    void withoutARenewalIntervalAnOldIdIsKept() {
        Browser b = browser();
        b.get("/login?user=nora");
        String id = b.cookie();
        int renewedBefore = renewals().size();
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(20));
            HttpResponse<String> response = b.get("/info");
            assertThat(response.body()).contains("user=nora");
            assertThat(Browser.sessionCookie(response, COOKIE)).isEmpty();
        }
        assertThat(b.cookie()).isEqualTo(id);
        assertThat(renewals()).hasSize(renewedBefore);
    }

    @Test
    void anIdIsNotRenewedOnAResponseCommittedBehindTheFilter() throws Exception {
        if (renewalIsRefusedHere()) {
            return;
        }
        try (Running node = startRenewing(new TestApp.Gate())) {
            Browser b = browser().on(node.base());
            b.get("/login?user=carl");
            String old = b.cookie();
            clock.advance(RENEWAL_INTERVAL.plusSeconds(1));
            int renewedBefore = renewals().size();

            HttpResponse<String> raw = b.get("/raw-flush");

            assertThat(raw.body()).isEqualTo("raw");
            assertThat(Browser.sessionCookie(raw, COOKIE)).isEmpty();
            assertThat(renewals()).hasSize(renewedBefore);
            clock.advance(RENEWAL_OVERLAP.plusSeconds(1));
            assertThat(b.cookie()).isEqualTo(old);
            HttpResponse<String> next = b.get("/info");
            assertThat(next.body()).contains("user=carl");
            assertThat(b.cookie()).isNotEqualTo(old);
        }
    }

    @Test
    void anIdDueForRenewalIsRenewedBeforeTheApplicationFlushesTheResponse() throws Exception {
        if (renewalIsRefusedHere()) {
            return;
        }
        try (Running node = startRenewing(new TestApp.Gate())) {
            Browser b = browser().on(node.base());
            b.get("/login?user=flora");
            String old = b.cookie();
            clock.advance(RENEWAL_INTERVAL.plusSeconds(1));

            HttpResponse<String> flushed = b.get("/flushing-fragment");

            assertThat(Browser.sessionCookie(flushed, COOKIE)).isPresent();
            assertThat(b.cookie()).isNotEqualTo(old);
            clock.advance(RENEWAL_OVERLAP.plusSeconds(1));
            assertThat(b.get("/info").body()).contains("user=flora");
        }
    }

    @Test
    void aChangedIdCountsAsFreshForRenewal() throws Exception {
        if (renewalIsRefusedHere()) {
            return;
        }
        try (Running node = startRenewing(new TestApp.Gate())) {
            Browser b = browser().on(node.base());
            b.get("/login?user=chad");
            clock.advance(RENEWAL_INTERVAL.minusMinutes(1));
            b.get("/change-id");
            String changed = b.cookie();
            int renewedBefore = renewals().size();

            clock.advance(Duration.ofMinutes(2));
            HttpResponse<String> response = b.get("/info");

            assertThat(Browser.sessionCookie(response, COOKIE)).isEmpty();
            assertThat(b.cookie()).isEqualTo(changed);
            assertThat(renewals()).hasSize(renewedBefore);
        }
    }

    private void writeStraightIntoTheStore(Browser b, String name, byte[] bytes) {
        store.update(
                SessionId.parse(b.cookie()).orElseThrow().handle(),
                new SessionDelta(
                        Map.of(name, bytes),
                        Set.of(),
                        clock.instant(),
                        null,
                        null,
                        Duration.ofMinutes(30),
                        Long.MAX_VALUE));
    }

    @Test
    void dropInAnApplicationClassSurvivesAcrossRequestsAndNodes() throws Exception {
        try (Running a = start(dropIn(store, "node-a"));
                Running b = start(dropIn(store, "node-b"))) {
            Browser onA = new Browser(client, a.base(), "sid", seenIds);
            assertThat(onA.get("/shop?add=apple").body()).startsWith("cart=[apple]");
            assertThat(onA.get("/shop?add=pear").body()).startsWith("cart=[apple, pear]");
            Browser onB = onA.on(b.base());
            assertThat(onB.get("/shop?add=plum").body()).startsWith("cart=[apple, pear, plum]");
            assertThat(onA.get("/shop").body()).startsWith("cart=[apple, pear, plum]");
        }
    }

    @Test
    void dropInANonAllowedClassIsRefusedAtSetAttributeWithTheFixAndTheSessionIsIntact() throws Exception {
        GadgetFlag.RAN.set(0);
        try (Running a = start(dropIn(store, "node-a"))) {
            Browser b = new Browser(client, a.base(), "sid", seenIds);
            b.get("/login?user=ivy");
            b.get("/shop?add=apple");
            String cookie = b.cookie();
            HttpResponse<String> refused = b.get("/shop-gadget");
            assertThat(refused.statusCode()).isEqualTo(200);
            assertThat(refused.body())
                    .startsWith("refused: attribute 'gadget' holds a " + FlagGadget.class.getName())
                    .contains("init-param allowedPackages=dev.lanyard.session.tck.gadgets")
                    .contains("DefaultAttributeCodec.builder().allowedPackages(\"dev.lanyard.session.tck.gadgets\")");
            assertThat(b.cookie()).isEqualTo(cookie);
            assertThat(b.get("/shop").body()).isEqualTo("cart=[apple] user=ivy");
            assertThat(b.get("/shop-peek?name=gadget").body()).isEqualTo("gadget=null user=ivy");
            assertThat(logged())
                    .anyMatch(e -> e.getLevel() == Level.WARN
                            && e.getFormattedMessage().contains("'gadget' holds a " + FlagGadget.class.getName()));
        }
        assertThat(GadgetFlag.RAN.get()).isZero();
    }

    @Test
    void dropInAnAttributeWhoseClassDisappearedIsDroppedAloneAndTheUserStaysLoggedIn() throws Exception {
        try (Running a = start(dropIn(store, "node-a"))) {
            Browser b = new Browser(client, a.base(), "sid", seenIds);
            b.get("/login?user=jon&roles=admin");
            b.get("/shop?add=apple");
            // what the previous release wrote under "wishlist": a class this release no longer has
            writeStraightIntoTheStore(b, "wishlist", GadgetRecords.naming("dev.lanyard.session.servlet.app.Wishlist"));

            assertThat(b.get("/shop-peek?name=wishlist").body()).isEqualTo("wishlist=null user=jon");
            assertThat(b.get("/shop").body()).isEqualTo("cart=[apple] user=jon");
            assertThat(b.get("/info").body()).contains("user=jon", "admin=true");
            String handle = handleOf(b.cookie());
            assertThat(events.of(SessionEvent.AttributeUnreadable.class)).anySatisfy(e -> {
                assertThat(e.handle().value()).isEqualTo(handle);
                assertThat(e.attribute()).isEqualTo("wishlist");
                assertThat(e.className()).isEqualTo("dev.lanyard.session.servlet.app.Wishlist");
            });
            assertThat(logged())
                    .anyMatch(e -> e.getLevel() == Level.WARN
                            && e.getFormattedMessage().contains("attribute 'wishlist'")
                            && e.getFormattedMessage().contains("dev.lanyard.session.servlet.app.Wishlist"));
            assertThat(store.load(SessionId.parse(b.cookie()).orElseThrow().handle())
                            .orElseThrow()
                            .attributes())
                    .as("the unreadable value is removed from the store")
                    .doesNotContainKey("wishlist")
                    .containsKey("cart");
        }
    }

    @Test
    void dropInGadgetRecordsWrittenIntoTheStoreAreDroppedAndRunNothing() throws Exception {
        GadgetFlag.RAN.set(0);
        try (Running a = start(dropIn(store, "node-a"))) {
            Browser b = new Browser(client, a.base(), "sid", seenIds);
            b.get("/login?user=kim");
            b.get("/shop?add=apple");
            List<byte[]> records = new ArrayList<>();
            GadgetRecords.WELL_KNOWN.forEach(name -> records.add(GadgetRecords.naming(name)));
            records.add(GadgetRecords.of(new FlagGadget()));
            for (byte[] record : records) {
                writeStraightIntoTheStore(b, "x", record);
                HttpResponse<String> peek = b.get("/shop-peek?name=x");
                assertThat(peek.statusCode()).isEqualTo(200);
                assertThat(peek.body()).isEqualTo("x=null user=kim");
            }
            assertThat(b.get("/shop").body()).isEqualTo("cart=[apple] user=kim");
        }
        assertThat(GadgetFlag.RAN.get()).as("no gadget code ran").isZero();
    }

    @Test
    void dropInConfiguredByInitParametersAloneKeepsTheApplicationsClass() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("store", storeUri());
        params.put("cookieName", "sid");
        params.put("cookieSecure", "false");
        params.put("allowedPackages", "dev.lanyard.session.servlet.app");
        Map<String, HttpServlet> servlets = new LinkedHashMap<>(TestApp.servlets());
        servlets.putAll(ShopServlets.servlets());
        try (Running a = start(new Deployment(null, params, servlets, Map.of()));
                Running b = start(new Deployment(null, params, servlets, Map.of()))) {
            Browser onA = new Browser(client, a.base(), "sid", seenIds);
            assertThat(onA.get("/shop?add=apple").body()).startsWith("cart=[apple]");
            assertThat(onA.get("/shop?add=pear").body()).startsWith("cart=[apple, pear]");
            assertThat(onA.get("/shop-gadget").body()).startsWith("refused: attribute 'gadget'");
            assertThat(onA.get("/shop").body()).startsWith("cart=[apple, pear]");
            if (backing() != Backing.MEMORY) {
                assertThat(onA.on(b.base()).get("/shop?add=plum").body()).startsWith("cart=[apple, pear, plum]");
            }
        }
    }

    @Test
    void dropInWithoutAllowedPackagesTheCartIsRefusedWhereItIsSetNotLostLater() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("store", storeUri());
        params.put("cookieName", "sid");
        params.put("cookieSecure", "false");
        Map<String, HttpServlet> servlets = new LinkedHashMap<>(TestApp.servlets());
        servlets.putAll(ShopServlets.servlets());
        try (Running a = start(new Deployment(null, params, servlets, Map.of()))) {
            Browser b = new Browser(client, a.base(), "sid", seenIds);
            b.get("/counter");
            String cookie = b.cookie();
            HttpResponse<String> response = b.get("/shop?add=apple");
            assertThat(response.statusCode())
                    .as("the servlet's setAttribute threw")
                    .isEqualTo(500);
            assertThat(b.get("/counter").body()).as("the session is intact").isEqualTo("count=2");
            assertThat(b.cookie()).isEqualTo(cookie);
            assertThat(logged())
                    .anyMatch(e -> e.getLevel() == Level.WARN
                            && e.getFormattedMessage()
                                    .contains("attribute 'cart' holds a dev.lanyard.session.servlet.app.ShopCart")
                            && e.getFormattedMessage()
                                    .contains("init-param allowedPackages=dev.lanyard.session.servlet.app"));
        }
    }

    @Test
    void aSiblingSubdomainCannotPostWithTheCookieUnderTheDefaultConfiguration() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("store", "memory:");
        params.put("cookieName", "sid");
        params.put("cookieSecure", "false");
        params.put("logEvents", "false"); // no csrf parameter: the default
        try (Running configured = start(new Deployment(null, params, TestApp.servlets(), Map.of()))) {
            Browser b = new Browser(client, configured.base(), "sid", seenIds);
            b.get("/counter");
            String self = configured.base().toString().replaceAll("/$", "");

            // SameSite=Lax sends the cookie with a POST from shop.example.com to www.example.com.
            HttpResponse<String> sibling = b.post("/form", "a=1", "Sec-Fetch-Site", "same-site");
            HttpResponse<String> oldBrowser = b.post("/form", "a=1", "Origin", "http://evil.localhost");

            assertThat(sibling.statusCode()).isEqualTo(403);
            assertThat(oldBrowser.statusCode()).isEqualTo(403);
            assertThat(b.post("/form", "a=1", "Sec-Fetch-Site", "same-origin", "Origin", self)
                            .statusCode())
                    .as("positive control: the site's own form")
                    .isEqualTo(200);
            assertThat(b.post("/form", "a=1").statusCode())
                    .as("a non-browser client")
                    .isEqualTo(200);
        }
    }

    @Test
    void oneClientCreatingAnonymousSessionsBeyondTheRateIsServedWithoutStoringThem() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("store", "memory:");
        params.put("cookieName", "sid");
        params.put("cookieSecure", "false");
        params.put("anonymousSessionLimit", "5");
        params.put("anonymousSessionWindow", "PT1M");
        params.put("logEvents", "false");
        try (Running configured = start(new Deployment(null, params, TestApp.servlets(), Map.of()))) {
            int stored = 0;
            int served = 0;
            for (int i = 0; i < 20; i++) { // a script without a cookie jar
                HttpResponse<String> r = new Browser(client, configured.base(), "sid", seenIds).get("/counter");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("count=1");
                served++;
                if (Browser.sessionCookie(r, "sid").isPresent()) {
                    stored++;
                }
            }
            assertThat(served).isEqualTo(20);
            assertThat(stored)
                    .as("sessions stored for one client within the window")
                    .isEqualTo(5);
        }
    }

    @Test
    void aPersistentCookieNeverOutlivesTheSessionsAbsoluteTimeout() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("store", "memory:");
        params.put("cookieName", "sid");
        params.put("cookieSecure", "false");
        params.put("absoluteTimeout", "PT2H");
        params.put("cookieMaxAge", "P30D"); // "remember me" asks for a month
        params.put("logEvents", "false");
        try (Running configured = start(new Deployment(null, params, TestApp.servlets(), Map.of()))) {
            Browser b = new Browser(client, configured.base(), "sid", seenIds);
            String cookie = Browser.sessionCookie(b.get("/counter"), "sid").orElseThrow();
            java.util.regex.Matcher maxAge =
                    java.util.regex.Pattern.compile("Max-Age=(\\d+)").matcher(cookie);
            assertThat(maxAge.find())
                    .as(cookie.replaceAll("=[A-Za-z0-9_-]{43}", "=<id>"))
                    .isTrue();
            assertThat(Long.parseLong(maxAge.group(1)))
                    .as("Max-Age, in seconds")
                    .isPositive()
                    .isLessThanOrEqualTo(Duration.ofHours(2).toSeconds());
        }
    }

    // ------------------------------------------------------------------ secrets

    @Test
    @Order(Integer.MAX_VALUE)
    void noRawSessionIdAppearsInAnyLogLine() {
        assertThat(seenIds).as("the suite saw session IDs").hasSizeGreaterThan(20);
        assertThat(logged()).as("the suite produced logs").isNotEmpty();
        List<String> lines = new ArrayList<>();
        for (ILoggingEvent event : logged()) {
            StringBuilder line =
                    new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
            if (event.getThrowableProxy() != null) {
                line.append(' ').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
            line.append(' ').append(event.getMDCPropertyMap());
            lines.add(line.toString());
        }
        for (String id : seenIds) {
            assertThat(lines).as("log lines holding a raw session ID").noneMatch(l -> l.contains(id));
        }
        assertThat(lines)
                .as("handles are logged")
                .anyMatch(l -> seenIds.stream().anyMatch(id -> l.contains(handleOf(id))));
    }

    /**
     * The events logged so far, copied under the appender's lock: the server's threads may still be logging, and
     * logback's {@code AppenderBase} appends while holding that lock.
     */
    List<ILoggingEvent> logged() {
        synchronized (logs) {
            return new ArrayList<>(logs.list);
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
