package dev.lanyard.session.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.tck.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessTokenVerifierTest {

    private final byte[] hmacSecret = new byte[32];
    private TokenKey hs;
    private TokenKey es;
    private TokenKey rs;

    private Fixture f;
    private KeyRing keys;
    private Session session;

    @BeforeAll
    void keys() {
        new java.security.SecureRandom().nextBytes(hmacSecret);
        hs = TokenKey.hmac("h1", TokenAlgorithm.HS256, hmacSecret);
        es = TokenKey.generate("e1", TokenAlgorithm.ES256);
        rs = TokenKey.generate("r1", TokenAlgorithm.RS256);
    }

    @BeforeEach
    void setUp() {
        f = new Fixture();
        keys = KeyRing.of(TokenKeySet.builder()
                .signingKey(hs)
                .verificationKey(es)
                .verificationKey(rs)
                .build());
        session = f.login("alice");
    }

    private AccessTokenVerifier verifier() {
        return f.verifier(keys).build();
    }

    @Test
    void issuedTokensOfEveryAlgorithmVerifyAndCarryTheSessionClaims() throws Exception {
        for (TokenKey key : List.of(hs, es, rs)) {
            IssuedToken issued =
                    f.issuer(KeyRing.of(TokenKeySet.of(key))).build().issue(session);
            SignedJWT parsed = SignedJWT.parse(issued.value());
            assertThat(parsed.getHeader().getType().getType()).isEqualTo("at+jwt");
            assertThat(parsed.getHeader().getKeyID()).isEqualTo(key.keyId());

            VerifiedToken token =
                    verifier().verify(issued.value(), VerificationMode.CHECKED).orElseThrow();

            assertThat(token.subject()).isEqualTo("alice");
            assertThat(token.sessionHandle()).isEqualTo(session.handle());
            assertThat(token.version()).isEqualTo(session.version());
            assertThat(token.jti()).isEqualTo(issued.jti()).hasSize(22);
            assertThat(token.keyId()).isEqualTo(key.keyId());
            assertThat(token.expiresAt()).isEqualTo(token.issuedAt().plus(AccessTokenIssuer.DEFAULT_LIFETIME));
            assertThat(token.claims())
                    .containsEntry("iss", Fixture.ISSUER)
                    .containsEntry("aud", List.of(Fixture.AUDIENCE));
            assertThat(token.session()).isPresent();
        }
    }

    @Test
    void applicationClaimsAreCarried() {
        String value = f.issuer(keys)
                .build()
                .issue(session, Map.of("roles", List.of("admin"), "tenant", "t-1"))
                .value();
        VerifiedToken token =
                verifier().verify(value, VerificationMode.STATELESS).orElseThrow();
        assertThat(token.claim("roles")).contains(List.of("admin"));
        assertThat(token.claim("tenant")).contains("t-1");
    }

    @Test
    void reservedClaimsCannotBeOverridden() {
        AccessTokenIssuer issuer = f.issuer(keys).build();
        for (String reserved : AccessTokenIssuer.RESERVED_CLAIMS) {
            assertThatThrownBy(() -> issuer.issue(session, Map.of(reserved, "x")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(reserved);
        }
    }

    @Test
    void anonymousSessionsGetNoAccessToken() {
        Session anonymous = f.manager.create(ClientInfo.UNKNOWN).session();
        assertThatThrownBy(() -> f.issuer(keys).build().issue(anonymous)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tokenNeverOutlivesItsSession() {
        Fixture shortLived = new Fixture(SessionPolicy.builder()
                .absoluteTimeout(Duration.ofMinutes(2))
                .idleTimeout(Duration.ofSeconds(90))
                .anonymousIdleTimeout(Duration.ofSeconds(90))
                .touchInterval(Duration.ofSeconds(30))
                .build());
        Session s = shortLived.login("bob");
        IssuedToken token = shortLived.issuer(keys).build().issue(s);
        assertThat(token.expiresAt())
                .isBeforeOrEqualTo(s.absoluteExpiry())
                .isBefore(token.issuedAt().plus(AccessTokenIssuer.DEFAULT_LIFETIME));
    }

    @Test
    void checkedModeRejectsAtOnceAfterLogoutWhileStatelessAcceptsUntilExpiry() {
        String value = f.issuer(keys).build().issue(session).value();
        AccessTokenVerifier verifier = verifier();

        f.manager.logout(session);

        assertThat(verifier.verify(value, VerificationMode.CHECKED).rejection())
                .contains(RejectionReason.SESSION_NOT_FOUND);
        assertThat(verifier.verify(value, VerificationMode.STATELESS).isValid()).isTrue();
        f.advance(AccessTokenIssuer.DEFAULT_LIFETIME.plus(verifier.clockSkew()));
        assertThat(verifier.verify(value, VerificationMode.STATELESS).rejection())
                .contains(RejectionReason.EXPIRED);
    }

    @Test
    void privilegeChangeBumpsTheVersionAndCheckedModeRejectsTheOlderTokenAtOnce() {
        String before = f.issuer(keys).build().issue(session).value();
        AccessTokenVerifier verifier = verifier();

        Session after = f.manager.privilegeChanged(session).orElseThrow().session();

        assertThat(after.version()).isEqualTo(session.version() + 1);
        assertThat(verifier.verify(before, VerificationMode.CHECKED).isValid()).isFalse();
        assertThat(verifier.verify(before, VerificationMode.STATELESS).isValid())
                .as("stateless: valid until exp")
                .isTrue();
        String fresh = f.issuer(keys).build().issue(after).value();
        assertThat(verifier.verify(fresh, VerificationMode.CHECKED)
                        .orElseThrow()
                        .version())
                .isEqualTo(after.version());
        f.advance(AccessTokenIssuer.DEFAULT_LIFETIME.plus(verifier.clockSkew()));
        assertThat(verifier.verify(before, VerificationMode.STATELESS).rejection())
                .contains(RejectionReason.EXPIRED);
    }

    @Test
    void checkedModeRejectsATokenOfAnOlderVersionOfALiveSession() {
        long now = f.clock.instant().getEpochSecond();
        String claims = Forge.claims(now, session.handle().value())
                .replace("\"sub\":\"admin\"", "\"sub\":\"alice\"")
                .replace("\"ver\":1", "\"ver\":" + (session.version() - 1));
        String older = Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\"}", claims, hmacSecret);

        assertThat(verifier().verify(older, VerificationMode.CHECKED).rejection())
                .contains(RejectionReason.SESSION_VERSION_STALE);
        assertThat(verifier().verify(older, VerificationMode.STATELESS).isValid())
                .isTrue();
    }

    @Test
    void checkedModeRejectsATokenWhoseSubjectIsNotTheSessionsUser() {
        long now = f.clock.instant().getEpochSecond();
        String claims =
                Forge.claims(now, session.handle().value()).replace("\"ver\":1", "\"ver\":" + session.version());
        String token = Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\"}", claims, hmacSecret);
        assertThat(verifier().verify(token, VerificationMode.CHECKED).rejection())
                .contains(RejectionReason.SESSION_NOT_FOUND);
    }

    @Test
    void checkedVerificationCostsExactlyOneStoreRead() {
        MutableClock clock = MutableClock.startingNow();
        CountingStore store = new CountingStore(InMemorySessionStore.create(clock));
        SessionManager manager =
                SessionManager.builder(store).clock(clock).logEvents(false).build();
        Session s = manager.login(null, "carol", ClientInfo.UNKNOWN).session();
        String value = AccessTokenIssuer.builder(keys)
                .issuer(Fixture.ISSUER)
                .audience(Fixture.AUDIENCE)
                .clock(clock)
                .build()
                .issue(s)
                .value();
        AccessTokenVerifier verifier = AccessTokenVerifier.builder(keys)
                .issuer(Fixture.ISSUER)
                .audience(Fixture.AUDIENCE)
                .manager(manager)
                .build();

        int before = store.calls.get();
        assertThat(verifier.verify(value, VerificationMode.CHECKED).isValid()).isTrue();
        assertThat(store.calls.get() - before).isEqualTo(1);

        before = store.calls.get();
        assertThat(verifier.verify(value, VerificationMode.STATELESS).isValid()).isTrue();
        assertThat(store.calls.get() - before).isZero();
    }

    @Test
    void aStoreOutageInCheckedModeIsThrownNotReportedAsARejection() {
        MutableClock clock = MutableClock.startingNow();
        CountingStore store = new CountingStore(InMemorySessionStore.create(clock));
        SessionManager manager =
                SessionManager.builder(store).clock(clock).logEvents(false).build();
        Session s = manager.login(null, "erin", ClientInfo.UNKNOWN).session();
        String value = f.issuer(keys).clock(clock).build().issue(s).value();
        AccessTokenVerifier verifier = AccessTokenVerifier.builder(keys)
                .issuer(Fixture.ISSUER)
                .audience(Fixture.AUDIENCE)
                .manager(manager)
                .build();

        store.down.set(true);

        assertThatThrownBy(() -> verifier.verify(value, VerificationMode.CHECKED))
                .isInstanceOf(dev.lanyard.session.StoreUnavailableException.class)
                .hasMessageNotContaining(value);
        assertThat(verifier.verify(value, VerificationMode.STATELESS).isValid())
                .as("no store needed")
                .isTrue();
    }

    @Test
    void checkedModeWithoutAManagerIsAConfigurationError() {
        AccessTokenVerifier bare = AccessTokenVerifier.builder(keys)
                .issuer(Fixture.ISSUER)
                .audience(Fixture.AUDIENCE)
                .build();
        assertThatThrownBy(() -> bare.verify("x", VerificationMode.CHECKED)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void deniedTokenIsRejectedInBothModesUntilItExpires() {
        TokenDenyList denyList = TokenDenyList.create(f.store, f.clock);
        AccessTokenVerifier verifier = f.verifier(keys).denyList(denyList).build();
        AccessTokenIssuer issuer = f.issuer(keys).build();
        IssuedToken victim = issuer.issue(session);
        IssuedToken other = issuer.issue(session);

        assertThat(denyList.deny(victim)).isTrue();

        assertThat(verifier.verify(victim.value(), VerificationMode.STATELESS).rejection())
                .contains(RejectionReason.DENIED);
        assertThat(verifier.verify(victim.value(), VerificationMode.CHECKED).rejection())
                .contains(RejectionReason.DENIED);
        assertThat(verifier.verify(other.value(), VerificationMode.STATELESS).isValid())
                .isTrue();
        assertThat(f.store.get(TokenDenyList.key(victim.jti()))).isPresent();

        f.advance(AccessTokenIssuer.DEFAULT_LIFETIME.plus(verifier.clockSkew()));
        assertThat(f.store.get(TokenDenyList.key(victim.jti())))
                .as("kept only until exp + skew")
                .isEmpty();
        assertThat(verifier.verify(victim.value(), VerificationMode.STATELESS).rejection())
                .contains(RejectionReason.EXPIRED);
    }

    @Test
    void aDeniedTokenCannotVerifyAgainWithinTheVerifiersClockSkew() {
        AccessTokenIssuer issuer = f.issuer(keys).build();
        IssuedToken victim = issuer.issue(session);
        Duration skew = Duration.ofMinutes(5);

        // The attack: a deny-list kept for the default 30 s behind a verifier that tolerates 5 min.
        assertThatThrownBy(() -> f.verifier(keys)
                        .clockSkew(skew)
                        .denyList(TokenDenyList.create(f.store, f.clock))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("denyList")
                .hasMessageContaining("clockSkew");

        // Tied to the skew, the entry outlives every moment the token could still verify.
        TokenDenyList denyList = TokenDenyList.create(f.store, f.clock, skew);
        AccessTokenVerifier verifier =
                f.verifier(keys).clockSkew(skew).denyList(denyList).build();
        assertThat(denyList.deny(victim)).isTrue();
        f.advance(AccessTokenIssuer.DEFAULT_LIFETIME.plus(Duration.ofMinutes(4)));
        assertThat(verifier.verify(victim.value(), VerificationMode.STATELESS).rejection())
                .contains(RejectionReason.DENIED);
    }

    @Test
    void denyingAnExpiredTokenWritesNothing() {
        TokenDenyList denyList = TokenDenyList.create(f.store, f.clock);
        IssuedToken token = f.issuer(keys).build().issue(session);
        f.advance(Duration.ofHours(1));
        assertThat(denyList.deny(token)).isFalse();
        assertThat(f.store.get(TokenDenyList.key(token.jti()))).isEmpty();
    }

    @Test
    void oldKeyTokensVerifyAfterRotationUntilTheKeyIsRetired() {
        KeyRing ring = KeyRing.of(TokenKeySet.of(TokenKey.generate("k1", TokenAlgorithm.ES256)));
        AccessTokenIssuer issuer = f.issuer(ring).build();
        AccessTokenVerifier verifier = f.verifier(ring).build();
        String old = issuer.issue(session).value();

        ring.rotateTo(TokenKey.generate("k2", TokenAlgorithm.ES256));
        IssuedToken fresh = issuer.issue(session);

        assertThat(fresh.keyId()).isEqualTo("k2");
        assertThat(verifier.verify(old, VerificationMode.STATELESS)
                        .orElseThrow()
                        .keyId())
                .isEqualTo("k1");
        assertThat(verifier.verify(fresh.value(), VerificationMode.STATELESS).isValid())
                .isTrue();

        ring.retire("k1");

        assertThat(verifier.verify(old, VerificationMode.STATELESS).rejection())
                .contains(RejectionReason.KEY_ID_UNKNOWN);
        assertThat(verifier.verify(fresh.value(), VerificationMode.STATELESS).isValid())
                .isTrue();
    }

    @Test
    void aCachedTokenIsNotHonouredOnceItsKeyIsReplacedUnderTheSameId() {
        KeyRing ring = KeyRing.of(TokenKeySet.of(TokenKey.generate("k1", TokenAlgorithm.ES256)));
        AccessTokenVerifier verifier = f.verifier(ring).build();
        String token = f.issuer(ring).build().issue(session).value();
        assertThat(verifier.verify(token, VerificationMode.STATELESS).isValid()).isTrue();
        assertThat(verifier.cachedTokens()).isEqualTo(1);

        ring.replace(TokenKeySet.of(TokenKey.generate("k1", TokenAlgorithm.ES256)));

        assertThat(verifier.verify(token, VerificationMode.STATELESS).rejection())
                .contains(RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void cachedTokensStillExpireAndStillNeedTheirSessionInCheckedMode() {
        KeyRing ring = KeyRing.of(TokenKeySet.of(es));
        AccessTokenVerifier verifier = f.verifier(ring).build();
        String token = f.issuer(ring).build().issue(session).value();
        assertThat(verifier.verify(token, VerificationMode.CHECKED).isValid()).isTrue();
        assertThat(verifier.verify(token, VerificationMode.CHECKED).isValid()).isTrue();
        assertThat(verifier.cachedTokens()).isEqualTo(1);

        f.manager.logout(session);
        assertThat(verifier.verify(token, VerificationMode.CHECKED).rejection())
                .contains(RejectionReason.SESSION_NOT_FOUND);
        assertThat(verifier.verify(token, VerificationMode.STATELESS).isValid()).isTrue();

        f.advance(AccessTokenIssuer.DEFAULT_LIFETIME.plus(verifier.clockSkew()));
        assertThat(verifier.verify(token, VerificationMode.STATELESS).rejection())
                .contains(RejectionReason.EXPIRED);
    }

    @Test
    void theVerifiedTokenCacheIsBounded() {
        KeyRing ring = KeyRing.of(TokenKeySet.of(es));
        AccessTokenVerifier verifier = f.verifier(ring).verifiedTokenCache(3).build();
        AccessTokenIssuer issuer = f.issuer(ring).build();
        for (int i = 0; i < 10; i++) {
            assertThat(verifier.verify(issuer.issue(session).value(), VerificationMode.STATELESS)
                            .isValid())
                    .isTrue();
        }
        assertThat(verifier.cachedTokens()).isEqualTo(3);
    }

    @Test
    void hmacTokensSkipTheCache() {
        AccessTokenVerifier verifier = verifier();
        assertThat(verifier.verify(f.issuer(keys).build().issue(session).value(), VerificationMode.STATELESS)
                        .isValid())
                .isTrue();
        assertThat(verifier.cachedTokens()).isZero();
    }

    @Test
    void directEncryptedTokensRoundTrip() {
        KeyRing ring = KeyRing.of(TokenKeySet.builder()
                .signingKey(es)
                .encryptionKey(EncryptionKey.generateDirect("d1"))
                .build());
        String token = f.issuer(ring)
                .encrypted()
                .build()
                .issue(session, Map.of("email", "alice@example.test"))
                .value();

        assertThat(token.split("\\.", -1)).hasSize(5);
        assertThat(token).doesNotContain(Forge.b64("alice@example.test").substring(0, 12));
        AccessTokenVerifier verifier = f.verifier(ring).requireEncryption().build();
        assertThat(verifier.verify(token, VerificationMode.CHECKED)
                        .orElseThrow()
                        .claim("email"))
                .contains("alice@example.test");
        assertThat(verifier.verify(token, VerificationMode.CHECKED).isValid())
                .as("from the cache")
                .isTrue();
    }

    @Test
    void rsaOaepEncryptedTokensRoundTrip() {
        var pair = Fixture.rsaPair(2048);
        EncryptionKey key = EncryptionKey.rsaOaep256(
                "x1", (java.security.interfaces.RSAPublicKey) pair.getPublic(), pair.getPrivate());
        KeyRing ring = KeyRing.of(
                TokenKeySet.builder().signingKey(hs).encryptionKey(key).build());
        String token = f.issuer(ring).encrypted().build().issue(session).value();
        assertThat(f.verifier(ring)
                        .build()
                        .verify(token, VerificationMode.STATELESS)
                        .isValid())
                .isTrue();
    }

    @Test
    void tamperedCiphertextIsRejected() {
        KeyRing ring = KeyRing.of(TokenKeySet.builder()
                .signingKey(hs)
                .encryptionKey(EncryptionKey.generateDirect("d1"))
                .build());
        String token = f.issuer(ring).encrypted().build().issue(session).value();
        String[] p = token.split("\\.", -1);
        char c = p[3].charAt(5);
        p[3] = p[3].substring(0, 5) + (c == 'A' ? 'B' : 'A') + p[3].substring(6);
        assertThat(f.verifier(ring)
                        .build()
                        .verify(String.join(".", p), VerificationMode.STATELESS)
                        .rejection())
                .contains(RejectionReason.DECRYPTION_FAILED);
    }

    @Test
    void plainTokensAreRejectedWhenEncryptionIsRequired() {
        KeyRing ring = KeyRing.of(TokenKeySet.builder()
                .signingKey(hs)
                .encryptionKey(EncryptionKey.generateDirect("d1"))
                .build());
        String plain = f.issuer(ring).build().issue(session).value();
        assertThat(f.verifier(ring)
                        .requireEncryption()
                        .build()
                        .verify(plain, VerificationMode.STATELESS)
                        .rejection())
                .contains(RejectionReason.ENCRYPTION_REQUIRED);
    }

    @Test
    void clockSkewComesFromTheSessionPolicy() {
        Fixture strict = new Fixture(
                SessionPolicy.builder().clockSkew(Duration.ofSeconds(5)).build());
        Session s = strict.login("dave");
        AccessTokenVerifier verifier = strict.verifier(keys).build();
        IssuedToken token = strict.issuer(keys).build().issue(s);
        assertThat(verifier.clockSkew()).isEqualTo(Duration.ofSeconds(5));

        strict.clock.advance(
                Duration.between(strict.clock.instant(), token.expiresAt().plusSeconds(4)));
        assertThat(verifier.verify(token.value(), VerificationMode.STATELESS).isValid())
                .isTrue();
        strict.clock.advance(Duration.ofSeconds(2));
        assertThat(verifier.verify(token.value(), VerificationMode.STATELESS).rejection())
                .contains(RejectionReason.EXPIRED);
    }

    @Test
    void rejectionsArePublishedAsEventsWithTheReasonName() {
        AccessTokenVerifier verifier = verifier();
        verifier.verify("not-a-token", VerificationMode.STATELESS);
        verifier.verify("x".repeat(10_000), VerificationMode.STATELESS);
        assertThat(f.rejectedReasons()).containsExactly("MALFORMED", "TOO_LARGE");
    }

    @Test
    void orElseThrowNamesTheReasonOnly() {
        TokenVerification result = verifier().verify("a.b.c", VerificationMode.STATELESS);
        assertThatThrownBy(result::orElseThrow)
                .isInstanceOf(TokenRejectedException.class)
                .hasMessage("access token rejected: MALFORMED");
    }

    @Test
    void builderRejectsMissingIssuerAndAudience() {
        assertThatThrownBy(() -> AccessTokenVerifier.builder(keys).audience("a").build())
                .hasMessageContaining("issuer");
        assertThatThrownBy(() -> AccessTokenIssuer.builder(keys).issuer("i").build())
                .hasMessageContaining("audience");
        assertThatThrownBy(() -> AccessTokenIssuer.builder(keys).lifetime(Duration.ofDays(2)))
                .hasMessageContaining("lifetime");
        assertThat(Instant.EPOCH).isNotNull();
    }
}
