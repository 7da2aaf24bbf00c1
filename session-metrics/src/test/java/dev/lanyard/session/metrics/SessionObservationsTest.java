package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.SessionLimitExceededException;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.event.ObservedOperation;
import dev.lanyard.session.event.SessionObserver;
import dev.lanyard.session.jwt.AccessTokenIssuer;
import dev.lanyard.session.jwt.AccessTokenVerifier;
import dev.lanyard.session.jwt.KeyRing;
import dev.lanyard.session.jwt.RefreshTokenService;
import dev.lanyard.session.jwt.TokenAlgorithm;
import dev.lanyard.session.jwt.TokenKey;
import dev.lanyard.session.jwt.TokenKeySet;
import dev.lanyard.session.jwt.TokenPair;
import dev.lanyard.session.jwt.VerificationMode;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.tck.MutableClock;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every operation Lanyard observes yields one observation with the documented name and key values
 * (docs/metrics.md, "Tracing"); handles and versions are high-cardinality values only; no raw
 * session ID or token is ever recorded.
 */
class SessionObservationsTest {

    private static final Set<String> LOW_KEYS = Set.of("operation", "outcome", "reason", "store");
    private static final Set<String> HIGH_KEYS = Set.of("lanyard.session.handle", "lanyard.session.version");

    private final TestObservationRegistry registry = TestObservationRegistry.create();
    private final MutableClock clock = MutableClock.startingNow();
    private final RecordingRandom random = new RecordingRandom();
    private final Set<String> tokens = new HashSet<>();
    private SwitchableStore store;
    private SessionManager manager;
    /** A manager over the same sessions through a store the test can switch off. */
    private SessionManager failing;

    private AccessTokenIssuer issuer;
    private AccessTokenVerifier verifier;
    private RefreshTokenService refresh;

    @BeforeEach
    void wire() {
        wire(SessionPolicy.defaults());
    }

    private void wire(SessionPolicy policy) {
        InMemorySessionStore memory = InMemorySessionStore.create(clock);
        store = new SwitchableStore(memory);
        failing = SessionManager.builder(store)
                .clock(clock)
                .random(random)
                .logEvents(false)
                .observer(SessionObservations.create(registry))
                .build();
        manager = SessionManager.builder(memory)
                .clock(clock)
                .random(random)
                .policy(policy)
                .logEvents(false)
                .observer(SessionObservations.create(registry))
                .build();
        KeyRing keys = KeyRing.of(TokenKeySet.of(TokenKey.generate("k1", TokenAlgorithm.HS256)));
        issuer = AccessTokenIssuer.builder(keys)
                .issuer("https://auth.example.test")
                .audience("api")
                .clock(clock)
                .build();
        verifier = AccessTokenVerifier.builder(keys)
                .issuer("https://auth.example.test")
                .audience("api")
                .manager(manager)
                .build();
        refresh = RefreshTokenService.builder(manager, memory, issuer).build();
    }

    // ---------------------------------------------------------------- one observation per operation

    @Test
    void createIsOneObservationWithAStoreCallInside() {
        NewSession created = manager.create(ClientInfo.UNKNOWN);

        Observation.Context create = only("lanyard.session.create");
        assertThat(low(create))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("operation", "create", "outcome", "success", "reason", "none", "store", "none"));
        assertThat(high(create))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "lanyard.session.handle",
                        created.session().handle().toString(),
                        "lanyard.session.version",
                        "1"));
        Observation.Context call = only("lanyard.store.call");
        assertThat(low(call))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("operation", "create", "outcome", "success", "reason", "none", "store", "inmemory"));
        assertThat(parentName(call)).isEqualTo("lanyard.session.create");
        assertThat(create.getContextualName()).isEqualTo("lanyard create");
        assertThat(call.getContextualName()).isEqualTo("lanyard store create");
    }

    @Test
    void aFoundSessionResolvesWithItsHandleAndVersion() {
        NewSession created = manager.create(ClientInfo.UNKNOWN);
        registry.clear();

        manager.resolve(created.id().value());

        Observation.Context resolve = only("lanyard.session.resolve");
        assertThat(low(resolve))
                .containsEntry("outcome", "success")
                .containsEntry("reason", "none")
                .containsEntry("operation", "resolve");
        assertThat(high(resolve))
                .containsEntry(
                        "lanyard.session.handle", created.session().handle().toString())
                .containsEntry("lanyard.session.version", "1");
        assertThat(parentName(only("lanyard.store.call"))).isEqualTo("lanyard.session.resolve");
    }

    @Test
    void anUnknownOrMalformedIdIsRefusedWithItsStatus() {
        manager.resolve("A".repeat(43));
        assertThat(low(only("lanyard.session.resolve")))
                .containsEntry("outcome", "refused")
                .containsEntry("reason", "unknown");
        registry.clear();

        manager.resolve("not an id");

        assertThat(low(only("lanyard.session.resolve")))
                .containsEntry("outcome", "refused")
                .containsEntry("reason", "malformed");
        TestObservationRegistryAssert.assertThat(registry)
                .hasNumberOfObservationsWithNameEqualTo("lanyard.store.call", 0);
    }

    @Test
    void aSaveSaysWhatItWrote() {
        Session session = manager.create(ClientInfo.UNKNOWN).session();
        registry.clear();

        Session saved = manager.save(
                        session, SessionUpdate.builder().put("cart", "apples").build())
                .orElseThrow();

        assertThat(low(only("lanyard.session.save")))
                .containsEntry("outcome", "success")
                .containsEntry("reason", "attributes");
        assertThat(high(only("lanyard.session.save")))
                .containsKeys("lanyard.session.handle", "lanyard.session.version");
        registry.clear();

        manager.save(saved, SessionUpdate.none());

        assertThat(low(only("lanyard.session.save"))).containsEntry("reason", "unchanged");
    }

    @Test
    void aLoginCarriesTheNewHandleAndVersion() {
        Session anonymous = manager.create(ClientInfo.UNKNOWN).session();
        registry.clear();

        NewSession login = manager.login(anonymous, "alice", ClientInfo.UNKNOWN);

        Observation.Context observed = only("lanyard.session.login");
        assertThat(low(observed)).containsEntry("outcome", "success").containsEntry("operation", "login");
        assertThat(high(observed))
                .containsEntry(
                        "lanyard.session.handle", login.session().handle().toString())
                .containsEntry(
                        "lanyard.session.version", Long.toString(login.session().version()));
    }

    @Test
    void aLoginBeyondTheLimitIsRefused() {
        wire(SessionPolicy.builder().sessionLimit(SessionLimit.refuseBeyond(1)).build());
        manager.login(null, "alice", ClientInfo.UNKNOWN);
        registry.clear();

        assertThatThrownBy(() -> manager.login(null, "alice", ClientInfo.UNKNOWN))
                .isInstanceOf(SessionLimitExceededException.class);

        assertThat(low(only("lanyard.session.login")))
                .containsEntry("outcome", "refused")
                .containsEntry("reason", "limit_reached");
    }

    @Test
    void aRotationNamesItsCauseAndTheNewVersion() {
        Session session = manager.login(null, "alice", ClientInfo.UNKNOWN).session();
        registry.clear();

        NewSession rotated = manager.privilegeChanged(session).orElseThrow();

        Observation.Context rotate = only("lanyard.session.rotate");
        assertThat(low(rotate)).containsEntry("outcome", "success").containsEntry("reason", "privilege_change");
        assertThat(high(rotate))
                .containsEntry(
                        "lanyard.session.handle", rotated.session().handle().toString())
                .containsEntry("lanyard.session.version", Long.toString(session.version() + 1));
    }

    @Test
    void logoutRevokeAndRevokeAllAreRevocationsWithTheirReason() {
        Session first = manager.login(null, "alice", ClientInfo.UNKNOWN).session();
        Session second = manager.login(null, "alice", ClientInfo.UNKNOWN).session();
        manager.login(null, "alice", ClientInfo.UNKNOWN);
        registry.clear();

        manager.logout(first);
        manager.revoke(second.handle(), RevocationReason.ADMIN);
        manager.revokeAll("alice");

        assertThat(named("lanyard.session.revoke"))
                .extracting(c -> low(c).get("reason"))
                .containsExactly("logout", "admin", "user_wide");
        assertThat(high(named("lanyard.session.revoke").get(1)))
                .containsEntry("lanyard.session.handle", second.handle().toString());
    }

    @Test
    void aStoreFailureIsAnErrorOnTheCallAndItsParent() {
        Session session = manager.create(ClientInfo.UNKNOWN).session();
        store.down();
        registry.clear();

        assertThatThrownBy(() -> failing.save(
                        session, SessionUpdate.builder().put("a", "b").build()))
                .isInstanceOf(StoreUnavailableException.class);

        assertThat(low(only("lanyard.store.call")))
                .containsEntry("outcome", "error")
                .containsEntry("operation", "update")
                .containsEntry("store", "switchable");
        assertThat(only("lanyard.store.call").getError()).isInstanceOf(StoreUnavailableException.class);
        assertThat(low(only("lanyard.session.save"))).containsEntry("outcome", "error");
    }

    @Test
    void tokenVerificationCarriesTheTokensSessionAndVersionAndRefusalsTheirReason() {
        Session session = manager.login(null, "alice", ClientInfo.UNKNOWN).session();
        String token = keep(issuer.issue(session).value());
        registry.clear();

        verifier.verify(token, VerificationMode.CHECKED);

        Observation.Context verify = only("lanyard.token.verify");
        assertThat(low(verify))
                .containsEntry("operation", "verify")
                .containsEntry("outcome", "success")
                .containsEntry("reason", "checked");
        assertThat(high(verify))
                .containsEntry("lanyard.session.handle", session.handle().toString())
                .containsEntry("lanyard.session.version", Long.toString(session.version()));
        assertThat(parentName(only("lanyard.session.resolve"))).isEqualTo("lanyard.token.verify");
        registry.clear();

        clock.advance(Duration.ofHours(1));
        verifier.verify(token, VerificationMode.STATELESS);

        assertThat(low(only("lanyard.token.verify")))
                .containsEntry("outcome", "refused")
                .containsEntry("reason", "expired");
    }

    @Test
    void aRefreshCarriesTheSessionAndAReplayIsRefusedAsReused() {
        Session session = manager.login(null, "alice", ClientInfo.UNKNOWN).session();
        TokenPair first = keep(refresh.issue(session));
        registry.clear();

        TokenPair second = keep(refresh.refresh(first.refreshToken()).tokens().orElseThrow());

        Observation.Context observed = only("lanyard.token.refresh");
        assertThat(low(observed)).containsEntry("operation", "refresh").containsEntry("outcome", "success");
        assertThat(high(observed))
                .containsEntry("lanyard.session.handle", session.handle().toString());
        registry.clear();

        refresh.refresh(first.refreshToken());

        assertThat(low(only("lanyard.token.refresh")))
                .containsEntry("outcome", "refused")
                .containsEntry("reason", "reused");
        assertThat(parentName(only("lanyard.session.revoke"))).isEqualTo("lanyard.token.refresh");
        assertThat(second.refreshToken()).isNotEqualTo(first.refreshToken());
    }

    // ---------------------------------------------------------------- what may go where

    @Test
    void handlesAndVersionsAreHighCardinalityOnlyAndNoSecretIsEverRecorded() {
        everything();
        List<Observation.Context> all = all();
        Set<String> handles = random.handles();

        assertThat(all).hasSizeGreaterThan(30);
        for (Observation.Context context : all) {
            assertThat(low(context).keySet())
                    .as("low-cardinality keys of %s", context.getName())
                    .isEqualTo(LOW_KEYS);
            assertThat(HIGH_KEYS)
                    .as("high-cardinality keys of %s", context.getName())
                    .containsAll(high(context).keySet());
            for (String value : low(context).values()) {
                assertThat(value).matches("[a-z_]{1,32}");
                assertThat(handles).doesNotContain(value);
            }
        }
        assertThat(all).anySatisfy(c -> assertThat(high(c)).containsKey("lanyard.session.handle"));
        assertThat(random.secrets()).hasSizeGreaterThan(5);
        assertThat(tokens).hasSizeGreaterThan(3);
        List<String> leaks = new ArrayList<>();
        for (Observation.Context context : all) {
            for (String recorded : recorded(context)) {
                for (String secret : random.secrets()) {
                    if (recorded.contains(secret)) {
                        leaks.add(context.getName() + ": a raw session ID");
                    }
                }
                for (String token : tokens) {
                    if (recorded.contains(token) || recorded.contains(token.substring(token.lastIndexOf('.') + 1))) {
                        leaks.add(context.getName() + ": a token");
                    }
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void aMeterHandlerGetsBoundedTagsAndNeverAHandle() {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ObservationRegistry observations = ObservationRegistry.create();
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(meters));
        manager = SessionManager.builder(InMemorySessionStore.create(clock))
                .clock(clock)
                .random(random)
                .logEvents(false)
                .observer(SessionObservations.create(observations))
                .build();
        for (int i = 0; i < 200; i++) {
            NewSession session = manager.create(ClientInfo.UNKNOWN);
            manager.resolve(session.id().value());
            manager.login(session.session(), "user" + i, ClientInfo.UNKNOWN);
        }

        Set<String> tagKeys = meters.getMeters().stream()
                .flatMap(m -> m.getId().getTags().stream())
                .map(t -> t.getKey())
                .collect(Collectors.toSet());
        assertThat(tagKeys).isEqualTo(Set.of("operation", "outcome", "reason", "store", "error"));
        assertThat(meters.getMeters().stream()
                        .map(Meter::getId)
                        .map(Meter.Id::getName)
                        .distinct())
                .contains(
                        "lanyard.session.create",
                        "lanyard.session.resolve",
                        "lanyard.session.login",
                        "lanyard.store.call");
        assertThat(meters.getMeters()).hasSizeLessThan(40);
        String scrape = meters.scrape();
        assertThat(scrape).contains("lanyard_session_resolve_seconds_count").doesNotContain("handle");
        for (String handle : random.handles()) {
            assertThat(scrape).doesNotContain(handle);
        }
        meters.close();
    }

    // ---------------------------------------------------------------- cost and failure

    @Test
    void withoutAnObserverNothingIsObserved() {
        SessionManager plain = SessionManager.builder(InMemorySessionStore.create(clock))
                .clock(clock)
                .logEvents(false)
                .build();

        plain.resolve(plain.create(ClientInfo.UNKNOWN).id().value());

        assertThat(plain.observer()).isEmpty();
        TestObservationRegistryAssert.assertThat(registry).doesNotHaveAnyObservation();
    }

    @Test
    void anObserverThatThrowsNeverBreaksTheOperation() {
        List<String> seen = new ArrayList<>();
        SessionObserver broken = new SessionObserver() {
            @Override
            public void onStart(ObservedOperation operation) {
                seen.add(operation.kind().name());
                throw new IllegalStateException("broken tracer");
            }

            @Override
            public void onStop(ObservedOperation operation) {
                throw new LinkageError("broken tracer");
            }
        };
        SessionManager guarded = SessionManager.builder(InMemorySessionStore.create(clock))
                .clock(clock)
                .logEvents(false)
                .observer(broken)
                .build();

        NewSession created = guarded.create(ClientInfo.UNKNOWN);

        assertThat(guarded.resolve(created.id().value()).isFound()).isTrue();
        assertThat(seen).contains("CREATE", "STORE_CALL", "RESOLVE");
    }

    @Test
    void theApplicationsOpenObservationIsTheParent() {
        Observation request = Observation.start("http.server.requests", registry);
        try (Observation.Scope scope = request.openScope()) {
            manager.create(ClientInfo.UNKNOWN);
        } finally {
            request.stop();
        }

        assertThat(parentName(only("lanyard.session.create"))).isEqualTo("http.server.requests");
        TestObservationRegistryAssert.assertThat(registry).doesNotHaveAnyRemainingCurrentObservation();
    }

    // ---------------------------------------------------------------- helpers

    /** One of every observed operation, with its tokens kept for the secret scan. */
    private void everything() {
        NewSession anonymous = manager.create(ClientInfo.UNKNOWN);
        manager.resolve(anonymous.id().value());
        manager.resolve("garbage");
        Session saved = manager.save(
                        anonymous.session(),
                        SessionUpdate.builder().put("k", "v").build())
                .orElseThrow();
        NewSession login = manager.login(saved, "alice", ClientInfo.UNKNOWN);
        manager.resolve(login.id().value());
        NewSession changed = manager.changeId(login.session()).orElseThrow();
        NewSession stepped = manager.reauthenticated(changed.session()).orElseThrow();
        TokenPair pair = keep(refresh.issue(stepped.session()));
        verifier.verify(pair.accessToken().value(), VerificationMode.CHECKED);
        verifier.verify(pair.accessToken().value() + "x", VerificationMode.STATELESS);
        TokenPair next = keep(refresh.refresh(pair.refreshToken()).tokens().orElseThrow());
        refresh.refresh(pair.refreshToken());
        refresh.refresh(next.refreshToken());
        manager.logout(manager.login(null, "bob", ClientInfo.UNKNOWN).session());
        manager.login(null, "carol", ClientInfo.UNKNOWN);
        manager.revokeAll("carol");
        store.down();
        try {
            failing.resolve(anonymous.id().value());
        } catch (StoreUnavailableException expected) {
            // observed as an error
        }
    }

    private TokenPair keep(TokenPair pair) {
        tokens.add(pair.refreshToken());
        tokens.add(pair.accessToken().value());
        return pair;
    }

    private String keep(String token) {
        tokens.add(token);
        return token;
    }

    private List<Observation.Context> all() {
        List<Observation.Context> all = new ArrayList<>();
        TestObservationRegistryAssert.assertThat(registry).hasHandledContextsThatSatisfy(all::addAll);
        return all;
    }

    private List<Observation.Context> named(String name) {
        return all().stream().filter(c -> name.equals(c.getName())).toList();
    }

    private Observation.Context only(String name) {
        List<Observation.Context> named = named(name);
        assertThat(named).as("observations named %s", name).hasSize(1);
        return named.get(0);
    }

    private static String parentName(Observation.Context context) {
        ObservationView parent = context.getParentObservation();
        return parent == null ? null : parent.getContextView().getName();
    }

    private static Map<String, String> low(Observation.Context context) {
        Map<String, String> values = new LinkedHashMap<>();
        for (KeyValue kv : context.getLowCardinalityKeyValues()) {
            values.put(kv.getKey(), kv.getValue());
        }
        return values;
    }

    private static Map<String, String> high(Observation.Context context) {
        Map<String, String> values = new LinkedHashMap<>();
        for (KeyValue kv : context.getHighCardinalityKeyValues()) {
            values.put(kv.getKey(), kv.getValue());
        }
        return values;
    }

    /** Every text an observation holds: names, key values, the error's messages and the context's own text. */
    private static List<String> recorded(Observation.Context context) {
        List<String> texts = new ArrayList<>();
        texts.add(String.valueOf(context.getName()));
        texts.add(String.valueOf(context.getContextualName()));
        for (KeyValue kv : context.getAllKeyValues()) {
            texts.add(kv.getKey());
            texts.add(kv.getValue());
        }
        for (Throwable e = context.getError(); e != null; e = e.getCause()) {
            texts.add(String.valueOf(e.getMessage()));
            texts.add(e.toString());
        }
        texts.add(context.toString());
        if (context instanceof SessionObservationContext lanyard) {
            texts.add(lanyard.operation().toString());
        }
        return texts;
    }
}
