package dev.lanyard.session.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.memcached.testing.MemcachedProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several servers, one killed in the middle of traffic and then started again, empty: its sessions
 * resolve as absent (counted), sessions on the survivors are untouched, and nothing that was revoked
 * or lost comes back.
 */
class MemcachedFailoverIT {

    private static final int SESSIONS = 60;

    @ParameterizedTest(name = "{0} servers")
    @ValueSource(ints = {2, 3})
    void aDeadServerLosesItsSessionsOnlyAndComesBackEmpty(int servers) throws Exception {
        try (MemcachedSupport support = MemcachedSupport.local(servers);
                MemcachedSessionStore store = MemcachedSessionStore.open(
                        // 2 s: a loaded two-core machine can hold a command on a healthy server past 500 ms while the
                        // client's selector handles the victim's dead connection; what is tested is failure, not speed
                        support.options()
                                .timeout(Duration.ofSeconds(2))
                                .connectTimeout(Duration.ofMillis(300))
                                .build(),
                        Clock.systemUTC())) {
            SessionManager manager =
                    SessionManager.builder(store).nodeId("node-a").build();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            MemcachedStoreMetrics.of(store).bindTo(registry);
            MemcachedProcess victim = support.processes.get(0);
            String victimAddress = victim.address();

            List<NewSession> sessions = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                NewSession s = manager.login(null, "user-" + i, ClientInfo.UNKNOWN);
                manager.save(s.session(), SessionUpdate.builder().put("n", i).build());
                sessions.add(s);
            }
            Map<NewSession, String> home = new HashMap<>();
            for (NewSession s : sessions) {
                home.put(s, serverOf(support, s));
            }
            List<NewSession> onVictim = sessions.stream()
                    .filter(s -> home.get(s).equals(victimAddress))
                    .toList();
            List<NewSession> onSurvivors = sessions.stream()
                    .filter(s -> !home.get(s).equals(victimAddress))
                    .toList();
            assertThat(onVictim)
                    .as("ketama spreads %d sessions over %d servers", SESSIONS, servers)
                    .isNotEmpty();
            assertThat(onSurvivors).isNotEmpty();

            // Revoked before the crash, on every server: must stay revoked through the crash and the restart.
            List<NewSession> revoked = List.of(onVictim.get(0), onSurvivors.get(0));
            for (NewSession s : revoked) {
                assertThat(manager.logout(manager.resolve(s.id()).session().orElseThrow()))
                        .isTrue();
            }
            List<NewSession> liveOnSurvivors = onSurvivors.subList(1, onSurvivors.size());

            // Traffic on the survivors' sessions, bounded in count and time, while the victim is killed.
            AtomicInteger survivorFailures = new AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<RuntimeException> firstFailure =
                    new java.util.concurrent.atomic.AtomicReference<>();
            AtomicInteger writes = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch running = new CountDownLatch(1);
            ExecutorService traffic = Executors.newSingleThreadExecutor();
            Future<?> done = traffic.submit(() -> {
                long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (int round = 0; round < 2_000 && !stop.get() && System.nanoTime() < until; round++) {
                    NewSession s = liveOnSurvivors.get(round % liveOnSurvivors.size());
                    try {
                        Session current = manager.resolve(s.id()).session().orElseThrow();
                        manager.save(
                                current,
                                SessionUpdate.builder().put("touched", round).build());
                        writes.incrementAndGet();
                    } catch (RuntimeException e) {
                        survivorFailures.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                    running.countDown();
                }
            });
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            victim.kill();
            int writesAtKill = writes.get();
            await().atMost(Duration.ofSeconds(10)).until(() -> writes.get() > writesAtKill + 50);
            stop.set(true);
            done.get(30, TimeUnit.SECONDS);
            traffic.shutdownNow();
            assertThat(survivorFailures.get())
                    .as("requests on surviving servers that failed, the first: %s", firstFailure.get())
                    .isZero();

            // The victim's sessions resolve as absent, not as an error, and are counted.
            // Until the client has seen the connection drop, a read may time out instead (unavailable, not absent).
            java.util.concurrent.atomic.AtomicReference<Object> lastSeen =
                    new java.util.concurrent.atomic.AtomicReference<>();
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .conditionEvaluationListener(condition -> {
                        if (condition.getRemainingTimeInMS() <= 0) {
                            org.slf4j.LoggerFactory.getLogger(MemcachedFailoverIT.class)
                                    .error("the victim's session last read as {}", lastSeen.get());
                        }
                    })
                    .until(() -> {
                        try {
                            ResolutionStatus status = manager.resolve(
                                            onVictim.get(1 % onVictim.size()).id())
                                    .status();
                            lastSeen.set(status);
                            return status == ResolutionStatus.UNKNOWN;
                        } catch (StoreUnavailableException e) {
                            lastSeen.set(e + (e.getCause() == null ? "" : " <- " + e.getCause()));
                            return false;
                        }
                    });
            for (NewSession s : onVictim) {
                assertThat(manager.resolve(s.id()).status()).isEqualTo(ResolutionStatus.UNKNOWN);
            }
            assertThat(store.stats().lostToDeadServer()).isGreaterThanOrEqualTo(onVictim.size());
            // ...and the operator sees them as a meter, not only through stats().
            assertThat(registry.get("lanyard.memcached.sessions.lost")
                            .tag("cause", "dead_server")
                            .functionCounter()
                            .count())
                    .isEqualTo(store.stats().lostToDeadServer())
                    .isGreaterThanOrEqualTo(onVictim.size());
            for (NewSession s : liveOnSurvivors) {
                Session found = manager.resolve(s.id()).session().orElseThrow();
                assertThat(found.attributes()).containsEntry("n", sessions.indexOf(s));
            }
            // A revocation on a survivor during the outage holds too.
            NewSession revokedDuringOutage = liveOnSurvivors.get(0);
            assertThat(manager.logout(
                            manager.resolve(revokedDuringOutage.id()).session().orElseThrow()))
                    .isTrue();

            // The victim comes back empty: nothing it held, revoked or not, comes back.
            victim.restart();
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsInstanceOf(StoreUnavailableException.class)
                    .until(() -> {
                        NewSession probe = manager.create(ClientInfo.UNKNOWN);
                        return serverOf(support, probe).equals(victimAddress);
                    });
            for (NewSession s : onVictim) {
                assertThat(manager.resolve(s.id()).status()).isEqualTo(ResolutionStatus.UNKNOWN);
            }
            for (NewSession s : revoked) {
                assertThat(manager.resolve(s.id()).status()).isEqualTo(ResolutionStatus.UNKNOWN);
            }
            assertThat(manager.resolve(revokedDuringOutage.id()).status()).isEqualTo(ResolutionStatus.UNKNOWN);
            for (NewSession s : liveOnSurvivors.subList(1, liveOnSurvivors.size())) {
                assertThat(manager.resolve(s.id()).session().orElseThrow().attributes())
                        .containsEntry("n", sessions.indexOf(s));
            }
        }
    }

    /** @return the address of the server that holds the session's item, read directly */
    private static String serverOf(MemcachedSupport support, NewSession s) {
        for (String server : support.servers) {
            if (new DirectMemcached(List.of(server))
                    .holds(support.key(s.session().handle()))) {
                return server;
            }
        }
        return "none";
    }
}
