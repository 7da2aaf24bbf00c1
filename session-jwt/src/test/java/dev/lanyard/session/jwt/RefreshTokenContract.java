package dev.lanyard.session.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.spi.SessionStore;
import dev.lanyard.session.tck.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour of refresh-token rotation and reuse detection, written against
 * {@link AtomicValueStore} so that every store that offers it runs the same tests. Subclasses
 * supply the store (in-memory here; a Redis subclass only implements {@link #createStore}). The
 * tests advance a {@link MutableClock}; every expiry they check is decided from the family's own
 * timestamps against that clock, so a backend whose TTLs run on real time passes them too.
 */
public abstract class RefreshTokenContract {

    /** The store under test: the session store and its value-store power (usually one object). */
    protected record StoreUnderTest(SessionStore sessions, AtomicValueStore values) {}

    /**
     * Creates an empty store whose expiry follows {@code clock} where the backend allows it.
     *
     * @param clock the test clock
     * @return the store
     */
    protected abstract StoreUnderTest createStore(MutableClock clock);

    /** Releases what {@link #createStore} opened. */
    protected void closeStore(StoreUnderTest store) {
        store.sessions().close();
    }

    private static final Duration FAMILY_IDLE = Duration.ofHours(1);
    private static final Duration FAMILY_ABSOLUTE = Duration.ofHours(4);

    protected MutableClock clock;
    protected StoreUnderTest store;
    protected CountingStore counting;
    protected SessionManager manager;
    protected final List<SessionEvent> events = new CopyOnWriteArrayList<>();
    protected KeyRing keys;
    protected AccessTokenIssuer issuer;
    protected AccessTokenVerifier verifier;
    protected Session session;

    @BeforeEach
    void setUpContract() {
        clock = MutableClock.startingNow();
        store = createStore(clock);
        counting = new CountingStore(store.sessions(), store.values());
        manager = SessionManager.builder(counting)
                .clock(clock)
                .logEvents(false)
                .listener(events::add)
                .listener(RefreshFamilyListener.create(counting, clock))
                .policy(SessionPolicy.builder().idleTimeout(Duration.ofHours(2)).build())
                .build();
        keys = KeyRing.of(TokenKeySet.of(TokenKey.generate("h1", TokenAlgorithm.HS256)));
        issuer = AccessTokenIssuer.builder(keys)
                .issuer(Fixture.ISSUER)
                .audience(Fixture.AUDIENCE)
                .clock(clock)
                .build();
        verifier = AccessTokenVerifier.builder(keys)
                .issuer(Fixture.ISSUER)
                .audience(Fixture.AUDIENCE)
                .manager(manager)
                .build();
        session = manager.login(null, "alice", ClientInfo.UNKNOWN).session();
    }

    @AfterEach
    void tearDownContract() {
        closeStore(store);
    }

    protected RefreshTokenService.Builder service() {
        return RefreshTokenService.builder(manager, counting, issuer)
                .idleTimeout(FAMILY_IDLE)
                .absoluteTimeout(FAMILY_ABSOLUTE);
    }

    private static String refreshed(RefreshResult result) {
        return result.tokens()
                .orElseThrow(() -> new AssertionError("refresh failed: " + result))
                .refreshToken();
    }

    private boolean sessionAlive() {
        return manager.lookup(session.handle()).status() == ResolutionStatus.FOUND;
    }

    private long graceEvents() {
        return events.stream()
                .filter(e -> e instanceof SessionEvent.RefreshGraceUsed)
                .count();
    }

    private long reuseEvents() {
        return events.stream()
                .filter(e -> e instanceof SessionEvent.TokenReuseDetected)
                .count();
    }

    @Test
    void issueReturnsAVerifiableAccessTokenAndAnOpaque256BitRefreshToken() {
        TokenPair pair = service().build().issue(session);

        assertThat(pair.refreshToken()).matches("[A-Za-z0-9_-]{43}");
        assertThat(verifier.verify(pair.accessToken().value(), VerificationMode.CHECKED)
                        .isValid())
                .isTrue();
        assertThat(pair.toString())
                .doesNotContain(pair.refreshToken())
                .doesNotContain(pair.accessToken().value());
    }

    @Test
    void refreshReturnsANewPairAndRetiresThePresentedToken() {
        RefreshTokenService service = service().build();
        TokenPair first = service.issue(session);

        RefreshResult result = service.refresh(first.refreshToken());

        TokenPair next = result.tokens().orElseThrow();
        assertThat(next.refreshToken()).isNotEqualTo(first.refreshToken());
        assertThat(next.familyId()).isEqualTo(first.familyId());
        assertThat(next.accessToken().jti()).isNotEqualTo(first.accessToken().jti());
        assertThat(verifier.verify(next.accessToken().value(), VerificationMode.CHECKED)
                        .isValid())
                .isTrue();
        assertThat(service.refresh(next.refreshToken()).isSuccess()).isTrue();
    }

    @Test
    void replayingARetiredTokenRevokesTheFamilyAndTheSession() {
        RefreshTokenService service = service().build();
        TokenPair first = service.issue(session);
        String second = refreshed(service.refresh(first.refreshToken()));

        assertThat(service.refresh(first.refreshToken()).rejection()).contains(RefreshRejection.REUSED);

        assertThat(sessionAlive()).isFalse();
        assertThat(service.refresh(second).rejection()).contains(RefreshRejection.REVOKED);
        assertThat(reuseEvents()).isEqualTo(1);
        assertThat(events)
                .anySatisfy(e -> assertThat(e)
                        .isInstanceOfSatisfying(
                                SessionEvent.Revoked.class,
                                r -> assertThat(r.reason()).isEqualTo(RevocationReason.REUSE_DETECTED)));
        assertThat(verifier.verify(first.accessToken().value(), VerificationMode.CHECKED)
                        .rejection())
                .contains(RejectionReason.SESSION_NOT_FOUND);
    }

    @Test
    void aThousandSequentialRefreshesThenAReplayOfAnyRetiredTokenRevokesTheFamily() {
        RefreshTokenService service = service().build();
        List<String> chain = new ArrayList<>();
        chain.add(service.issue(session).refreshToken());
        for (int i = 0; i < 1000; i++) {
            chain.add(refreshed(service.refresh(chain.get(chain.size() - 1))));
        }
        assertThat(new HashSet<>(chain)).hasSize(1001);

        String retired = chain.get(new java.util.Random().nextInt(1000));
        assertThat(service.refresh(retired).rejection()).contains(RefreshRejection.REUSED);

        assertThat(service.refresh(chain.get(1000)).rejection()).contains(RefreshRejection.REVOKED);
        assertThat(sessionAlive()).isFalse();
    }

    @Test
    void everyRetiredGenerationIsRecognisedAsReuse() {
        for (int replayed = 0; replayed < 4; replayed++) {
            Session s =
                    manager.login(null, "user-" + replayed, ClientInfo.UNKNOWN).session();
            RefreshTokenService service = service().build();
            List<String> chain = new ArrayList<>(List.of(service.issue(s).refreshToken()));
            for (int i = 0; i < 4; i++) {
                chain.add(refreshed(service.refresh(chain.get(i))));
            }
            assertThat(service.refresh(chain.get(replayed)).rejection())
                    .as("generation " + replayed)
                    .contains(RefreshRejection.REUSED);
            assertThat(manager.lookup(s.handle()).isFound()).isFalse();
        }
    }

    @Test
    void twoThreadsRefreshingOneTokenWithinTheGraceGetTheSameSuccessor() throws Exception {
        RefreshTokenService service =
                service().gracePeriod(Duration.ofSeconds(10)).build();
        String token = service.issue(session).refreshToken();

        List<RefreshResult> results = race(service, token, 2);

        assertThat(results)
                .allSatisfy(r -> assertThat(r.isSuccess()).as(r.toString()).isTrue());
        assertThat(results.stream().map(RefreshTokenContract::refreshed).distinct())
                .hasSize(1);
        assertThat(sessionAlive()).isTrue();
        assertThat(service.refresh(refreshed(results.get(0))).isSuccess()).isTrue();
    }

    @Test
    void thirtyTwoThreadsRacingOneTokenWithoutGraceMintExactlyOneSuccessorAndNeverAFork() throws Exception {
        RefreshTokenService service = service().build();
        String token = service.issue(session).refreshToken();

        List<RefreshResult> results = race(service, token, 32);

        List<RefreshResult> winners =
                results.stream().filter(RefreshResult::isSuccess).toList();
        assertThat(winners).hasSize(1);
        assertThat(results.stream().filter(r -> r.rejection().orElse(null) == RefreshRejection.REUSED))
                .hasSize(1);
        // A loser sees the reuse, or the family already revoked, or (if it read the family before the
        // revocation and looked the session up after it) the session gone.
        assertThat(results.stream()
                        .filter(r -> !r.isSuccess())
                        .map(r -> r.rejection().orElseThrow()))
                .allMatch(r -> r == RefreshRejection.REUSED
                        || r == RefreshRejection.REVOKED
                        || r == RefreshRejection.SESSION_GONE);
        // The losers' replays are reuse under the strict rule: the family and session are revoked.
        assertThat(service.refresh(refreshed(winners.get(0))).rejection()).contains(RefreshRejection.REVOKED);
        assertThat(sessionAlive()).isFalse();
    }

    @Test
    void thirtyTwoThreadsRacingOneTokenWithGraceGetTheSuccessorAtMostTwiceAndTheRestIsReuse() throws Exception {
        // The grace hands the successor out once more (the second tab), never to every presenter.
        RefreshTokenService service =
                service().gracePeriod(Duration.ofSeconds(30)).build();
        String token = service.issue(session).refreshToken();

        List<RefreshResult> results = race(service, token, 32);

        List<RefreshResult> winners =
                results.stream().filter(RefreshResult::isSuccess).toList();
        assertThat(winners).hasSizeBetween(1, 2);
        assertThat(winners.stream().map(RefreshTokenContract::refreshed).distinct())
                .hasSize(1);
        assertThat(graceEvents()).isEqualTo(winners.size() - 1);
        assertThat(reuseEvents()).isEqualTo(1);
        assertThat(sessionAlive()).isFalse();
    }

    @Test
    void theGraceSuccessorIsHandedOutOnceAndEveryGraceUseIsAnEvent() {
        RefreshTokenService service =
                service().gracePeriod(Duration.ofSeconds(10)).build();
        String first = service.issue(session).refreshToken();
        String second = refreshed(service.refresh(first));

        // The second tab, within the grace: the same successor, and an event says so.
        assertThat(refreshed(service.refresh(first))).isEqualTo(second);
        assertThat(graceEvents()).isEqualTo(1);

        // A thief replaying the retired token inside the grace gets nothing: it is reuse.
        assertThat(service.refresh(first).rejection()).contains(RefreshRejection.REUSED);
        assertThat(reuseEvents()).isEqualTo(1);
        assertThat(sessionAlive()).isFalse();
    }

    @Test
    void aRetiredTokenPresentedAfterTheGraceIsReuse() {
        RefreshTokenService service =
                service().gracePeriod(Duration.ofSeconds(10)).build();
        String first = service.issue(session).refreshToken();
        String second = refreshed(service.refresh(first));
        assertThat(refreshed(service.refresh(first)))
                .as("within the grace: the same successor")
                .isEqualTo(second);

        clock.advance(Duration.ofSeconds(11));

        assertThat(service.refresh(first).rejection()).contains(RefreshRejection.REUSED);
        assertThat(sessionAlive()).isFalse();
    }

    @Test
    void theGraceCoversOnlyTheTokenRetiredLast() {
        RefreshTokenService service =
                service().gracePeriod(Duration.ofSeconds(10)).build();
        String first = service.issue(session).refreshToken();
        String second = refreshed(service.refresh(first));
        refreshed(service.refresh(second));

        assertThat(service.refresh(first).rejection()).contains(RefreshRejection.REUSED);
    }

    @Test
    void aFamilyUnusedForItsIdleTimeoutExpires() {
        RefreshTokenService service = service().build();
        String token = service.issue(session).refreshToken();
        clock.advance(FAMILY_IDLE.minusSeconds(1));
        token = refreshed(service.refresh(token));

        clock.advance(FAMILY_IDLE.plusSeconds(1));

        assertThat(service.refresh(token).rejection()).contains(RefreshRejection.EXPIRED_IDLE);
    }

    @Test
    void aFamilyEndsAtItsAbsoluteLifetimeHoweverItIsUsed() {
        RefreshTokenService service = service().build();
        TokenPair pair = service.issue(session);
        assertThat(pair.refreshExpiresAt()).isEqualTo(clock.instant().plus(FAMILY_ABSOLUTE));
        String token = pair.refreshToken();
        while (clock.instant().plus(Duration.ofMinutes(50)).isBefore(pair.refreshExpiresAt())) {
            clock.advance(Duration.ofMinutes(50));
            token = refreshed(service.refresh(token));
        }
        clock.advance(Duration.between(clock.instant(), pair.refreshExpiresAt()).plusSeconds(1));

        assertThat(service.refresh(token).rejection()).contains(RefreshRejection.EXPIRED_ABSOLUTE);
    }

    @Test
    void aFamilyNeverOutlivesItsSession() {
        RefreshTokenService service =
                service().absoluteTimeout(Duration.ofDays(30)).build();
        assertThat(service.issue(session).refreshExpiresAt()).isEqualTo(session.absoluteExpiry());
    }

    @Test
    void refreshFailsOnceTheSessionIsGone() {
        RefreshTokenService service = service().build();
        String token = service.issue(session).refreshToken();

        manager.logout(session);

        assertThat(service.refresh(token).rejection()).contains(RefreshRejection.SESSION_GONE);
        assertThat(service.refresh(token).rejection()).contains(RefreshRejection.REVOKED);
    }

    @Test
    void familiesFollowTheirSessionAcrossAPrivilegeChange() {
        RefreshTokenService service = service().build();
        TokenPair before = service.issue(session);

        Session promoted = manager.privilegeChanged(session).orElseThrow().session();

        TokenPair after = service.refresh(before.refreshToken()).tokens().orElseThrow();
        VerifiedToken token = verifier.verify(after.accessToken().value(), VerificationMode.CHECKED)
                .orElseThrow();
        assertThat(token.sessionHandle()).isEqualTo(promoted.handle());
        assertThat(token.version()).isEqualTo(promoted.version()).isEqualTo(session.version() + 1);
        assertThat(verifier.verify(before.accessToken().value(), VerificationMode.CHECKED)
                        .isValid())
                .as("the older access token is rejected at once")
                .isFalse();
        assertThat(service.refresh(after.refreshToken()).isSuccess()).isTrue();
    }

    @Test
    void reuseAfterARotationRevokesTheNewSession() {
        RefreshTokenService service = service().build();
        String first = service.issue(session).refreshToken();
        refreshed(service.refresh(first));
        Session promoted = manager.reauthenticated(session).orElseThrow().session();

        assertThat(service.refresh(first).rejection()).contains(RefreshRejection.REUSED);

        assertThat(manager.lookup(promoted.handle()).isFound()).isFalse();
    }

    @Test
    void withoutTheListenerARotationEndsTheFamily() {
        SessionManager plain = SessionManager.builder(counting)
                .clock(clock)
                .logEvents(false)
                .policy(SessionPolicy.builder().idleTimeout(Duration.ofHours(2)).build())
                .build();
        RefreshTokenService service =
                RefreshTokenService.builder(plain, counting, issuer).build();
        Session s = plain.login(null, "bob", ClientInfo.UNKNOWN).session();
        String token = service.issue(s).refreshToken();

        Session promoted = plain.privilegeChanged(s).orElseThrow().session();

        assertThat(service.refresh(token).rejection()).contains(RefreshRejection.SESSION_GONE);
        TokenPair fresh = service.issue(promoted);
        assertThat(verifier.verify(fresh.accessToken().value(), VerificationMode.STATELESS)
                        .orElseThrow()
                        .version())
                .isEqualTo(promoted.version());
    }

    @Test
    void revokingAnUnknownOrMalformedTokenSucceedsSilently() {
        RefreshTokenService service = service().build();
        assertThat(service.revoke("A".repeat(43))).isEmpty();
        assertThat(service.revoke("not a token")).isEmpty();
        assertThat(service.revoke(null)).isEmpty();
        assertThat(service.logout("A".repeat(43))).isFalse();
    }

    @Test
    void aRevokedFamilyRefreshesNoMoreButItsSessionLives() {
        RefreshTokenService service = service().build();
        String token = service.issue(session).refreshToken();

        assertThat(service.revoke(token)).contains(session.handle());

        assertThat(service.refresh(token).rejection()).contains(RefreshRejection.REVOKED);
        assertThat(service.revoke(token)).as("idempotent").isEmpty();
        assertThat(sessionAlive()).isTrue();
        assertThat(reuseEvents()).isZero();
    }

    @Test
    void logoutRevokesTheFamilyAndTheSession() {
        RefreshTokenService service = service().build();
        TokenPair pair = service.issue(session);

        assertThat(service.logout(pair.refreshToken())).isTrue();

        assertThat(sessionAlive()).isFalse();
        assertThat(verifier.verify(pair.accessToken().value(), VerificationMode.CHECKED)
                        .rejection())
                .contains(RejectionReason.SESSION_NOT_FOUND);
    }

    @Test
    void malformedTokensCostNoStoreCall() {
        RefreshTokenService service = service().build();
        int before = counting.calls.get();
        for (String bad : new String[] {null, "", "short", "A".repeat(44), "!".repeat(43), "A".repeat(42) + "="}) {
            assertThat(service.refresh(bad).rejection()).contains(RefreshRejection.MALFORMED);
        }
        assertThat(counting.calls.get()).isEqualTo(before);
        assertThat(service.refresh("A".repeat(43)).rejection()).contains(RefreshRejection.UNKNOWN);
    }

    @Test
    void theStoreHoldsHashesAndSealedValuesButNoUsableToken() {
        RefreshTokenService service =
                service().gracePeriod(Duration.ofSeconds(10)).build();
        TokenPair first = service.issue(session);
        TokenPair second = service.refresh(first.refreshToken()).tokens().orElseThrow();

        assertThat(store.values().get(RefreshTokenService.TOKEN_PREFIX + first.refreshToken()))
                .isEmpty();
        assertThat(store.values().get(RefreshTokenService.TOKEN_PREFIX + Hashes.sha256(first.refreshToken())))
                .isPresent();
        String family = new String(
                store.values()
                        .get(RefreshTokenService.FAMILY_PREFIX + first.familyId())
                        .orElseThrow(),
                StandardCharsets.US_ASCII);
        assertThat(family)
                .doesNotContain(first.refreshToken())
                .doesNotContain(second.refreshToken())
                .contains(Hashes.sha256(second.refreshToken()));
    }

    @Test
    void applicationClaimsAreIssuedOnEveryRefresh() {
        RefreshTokenService service =
                service().claims(s -> Map.of("uid", s.userId().orElseThrow())).build();
        TokenPair pair = service.issue(session);
        TokenPair next = service.refresh(pair.refreshToken()).tokens().orElseThrow();
        assertThat(verifier.verify(next.accessToken().value(), VerificationMode.STATELESS)
                        .orElseThrow()
                        .claim("uid"))
                .contains("alice");
    }

    /** Starts {@code threads} refreshes of one token at once and collects every result. */
    private static List<RefreshResult> race(RefreshTokenService service, String token, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<RefreshResult>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await(10, TimeUnit.SECONDS);
                    return service.refresh(token);
                }));
            }
            assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            List<RefreshResult> results = new ArrayList<>();
            for (Future<RefreshResult> future : futures) {
                results.add(future.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
