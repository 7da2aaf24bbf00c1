package dev.lanyard.session.jwt;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.CompressionAlgorithm;
import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.jwk.RSAKey;
import dev.lanyard.session.Session;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One test per attack on access-token verification, each forging the token as an attacker
 * would and asserting rejection with the right reason (and the published event).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessTokenAttackTest {

    private final byte[] hmacSecret = new byte[32];
    private KeyPair rsaPair;
    private KeyPair ecPair;
    private KeyPair encryptionPair;
    private KeyPair attackerPair;
    private TokenKey hs;
    private TokenKey rs;
    private TokenKey es;
    private EncryptionKey rsaOaep;

    private Fixture f;
    private KeyRing keys;
    private AccessTokenVerifier verifier;
    private Session session;
    private long now;

    @BeforeAll
    void keys() {
        new java.security.SecureRandom().nextBytes(hmacSecret);
        rsaPair = Fixture.rsaPair(2048);
        ecPair = Fixture.ecPair("secp256r1");
        encryptionPair = Fixture.rsaPair(2048);
        attackerPair = Fixture.rsaPair(2048);
        hs = TokenKey.hmac("h1", TokenAlgorithm.HS256, hmacSecret);
        rs = TokenKey.rsa("r1", rsaPair);
        es = TokenKey.ec("e1", ecPair);
        rsaOaep =
                EncryptionKey.rsaOaep256("x1", (RSAPublicKey) encryptionPair.getPublic(), encryptionPair.getPrivate());
    }

    @BeforeEach
    void setUp() {
        f = new Fixture();
        keys = KeyRing.of(TokenKeySet.builder()
                .signingKey(hs)
                .verificationKey(rs)
                .verificationKey(es)
                .decryptionKey(rsaOaep)
                .build());
        verifier = f.verifier(keys).build();
        session = f.login("alice");
        now = f.clock.instant().getEpochSecond();
    }

    private String claims() {
        return Forge.claims(now, session.handle().value());
    }

    private void assertRejected(String token, RejectionReason reason) {
        TokenVerification result = verifier.verify(token, VerificationMode.STATELESS);
        assertThat(result.isValid()).as("token must be rejected").isFalse();
        assertThat(result.rejection()).contains(reason);
        assertThat(f.rejectedReasons()).containsExactly(reason.name());
    }

    @Test
    void theForgedClaimsWouldPassWhenProperlySigned() {
        String token = Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\"}", claims(), hmacSecret);
        assertThat(verifier.verify(token, VerificationMode.STATELESS).isValid()).isTrue();
    }

    @Test
    void algNoneIsRejected() {
        assertRejected(
                Forge.unsigned("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"r1\"}", claims()),
                RejectionReason.UNSECURED);
    }

    @Test
    void hmacSignedWithTheRsaPublicKeyBytesIsRejected() {
        byte[] der = rsaPair.getPublic().getEncoded();
        assertRejected(
                Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"r1\"}", claims(), der),
                RejectionReason.ALGORITHM_MISMATCH);
    }

    @Test
    void hmacSignedWithTheRsaPublicKeyPemTextIsRejected() {
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(US_ASCII))
                        .encodeToString(rsaPair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        assertRejected(
                Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"r1\"}", claims(), pem.getBytes(US_ASCII)),
                RejectionReason.ALGORITHM_MISMATCH);
    }

    @Test
    void hmacSignedWithTheEcPublicKeyBytesIsRejected() {
        assertRejected(
                Forge.hmac(
                        "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"e1\"}",
                        claims(),
                        ecPair.getPublic().getEncoded()),
                RejectionReason.ALGORITHM_MISMATCH);
    }

    @Test
    void anotherAlgorithmOfTheSameKeyTypeIsRejected() {
        assertRejected(
                Forge.hmac("{\"alg\":\"HS512\",\"typ\":\"at+jwt\",\"kid\":\"h1\"}", claims(), hmacSecret),
                RejectionReason.ALGORITHM_MISMATCH);
    }

    @Test
    void embeddedJwkWithTheAttackersKeyIsRejected() {
        String jwk = new RSAKey.Builder((RSAPublicKey) attackerPair.getPublic())
                .build()
                .toJSONString();
        String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"r1\",\"jwk\":" + jwk + "}";
        assertRejected(Forge.rsa(header, claims(), attackerPair.getPrivate()), RejectionReason.HEADER_KEY);
    }

    @Test
    void jkuHeaderIsRejected() {
        String header =
                "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"r1\",\"jku\":\"https://evil.example/jwks.json\"}";
        assertRejected(Forge.rsa(header, claims(), attackerPair.getPrivate()), RejectionReason.HEADER_KEY);
    }

    @Test
    void x5uHeaderIsRejected() {
        String header =
                "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"r1\",\"x5u\":\"https://evil.example/cert.pem\"}";
        assertRejected(Forge.rsa(header, claims(), attackerPair.getPrivate()), RejectionReason.HEADER_KEY);
    }

    @Test
    void x5cHeaderIsRejected() {
        String cert =
                Base64.getEncoder().encodeToString(attackerPair.getPublic().getEncoded());
        String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"r1\",\"x5c\":[\"" + cert + "\"]}";
        assertRejected(Forge.rsa(header, claims(), attackerPair.getPrivate()), RejectionReason.HEADER_KEY);
    }

    @Test
    void headerKeysAreRejectedEvenWhenTheSignatureIsGenuine() {
        String header = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\",\"jku\":\"https://evil.example/k\"}";
        assertRejected(Forge.hmac(header, claims(), hmacSecret), RejectionReason.HEADER_KEY);
    }

    @Test
    void unknownCriticalHeaderIsRejected() {
        String header = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\",\"crit\":[\"foo\"],\"foo\":1}";
        assertRejected(Forge.hmac(header, claims(), hmacSecret), RejectionReason.CRITICAL_HEADER);
    }

    @Test
    void emptyCriticalHeaderListIsRejected() {
        // RFC 7515 4.1.11: crit, when present, must not be an empty list.
        String header = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\",\"crit\":[]}";
        assertRejected(Forge.hmac(header, claims(), hmacSecret), RejectionReason.CRITICAL_HEADER);
    }

    @Test
    void criticalHeaderNamingAKnownParameterIsRejected() {
        // Nothing in this verifier understands a critical extension, so every crit value is unknown.
        String header = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\",\"crit\":[\"exp\"]}";
        assertRejected(Forge.hmac(header, claims(), hmacSecret), RejectionReason.CRITICAL_HEADER);
    }

    @Test
    void aTokenForSeveralAudiencesIsRejectedByDefault() {
        String header = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\"}";
        // Positive control: the same claims with this service as sole audience pass.
        String sole = claims().replace("\"aud\":\"api\"", "\"aud\":[\"api\"]");
        assertThat(verifier.verify(Forge.hmac(header, sole, hmacSecret), VerificationMode.STATELESS)
                        .isValid())
                .isTrue();

        // A token minted for another relying party that also names us is replayed here.
        String shared = claims().replace("\"aud\":\"api\"", "\"aud\":[\"billing\",\"api\"]");
        assertRejected(Forge.hmac(header, shared, hmacSecret), RejectionReason.WRONG_AUDIENCE);
    }

    @Test
    void severalAudiencesPassOnlyWhenTheVerifierSaysSo() {
        String header = "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\"}";
        String shared = claims().replace("\"aud\":\"api\"", "\"aud\":[\"billing\",\"api\"]");
        AccessTokenVerifier lenient =
                f.verifier(keys).audienceRule(AudienceRule.ANY_OF).build();
        assertThat(lenient.verify(Forge.hmac(header, shared, hmacSecret), VerificationMode.STATELESS)
                        .isValid())
                .isTrue();
        String other = claims().replace("\"aud\":\"api\"", "\"aud\":[\"billing\",\"mail\"]");
        assertThat(lenient.verify(Forge.hmac(header, other, hmacSecret), VerificationMode.STATELESS)
                        .rejection())
                .contains(RejectionReason.WRONG_AUDIENCE);
    }

    @Test
    void wrongTypIsRejected() {
        assertRejected(
                Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"JWT\",\"kid\":\"h1\"}", claims(), hmacSecret),
                RejectionReason.WRONG_TYPE);
    }

    @Test
    void missingTypIsRejected() {
        assertRejected(
                Forge.hmac("{\"alg\":\"HS256\",\"kid\":\"h1\"}", claims(), hmacSecret), RejectionReason.WRONG_TYPE);
    }

    @Test
    void applicationPrefixedTypIsAccepted() {
        String token =
                Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"application/at+jwt\",\"kid\":\"h1\"}", claims(), hmacSecret);
        assertThat(verifier.verify(token, VerificationMode.STATELESS).isValid()).isTrue();
    }

    @Test
    void unknownKidIsRejected() {
        assertRejected(
                Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"zz\"}", claims(), hmacSecret),
                RejectionReason.KEY_ID_UNKNOWN);
    }

    @Test
    void missingKidIsRejected() {
        assertRejected(
                Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", claims(), hmacSecret),
                RejectionReason.KEY_ID_MISSING);
    }

    @Test
    void tamperedPayloadIsRejected() {
        String genuine = f.issuer(keys).build().issue(session).value();
        String[] parts = genuine.split("\\.");
        String forged = parts[0] + "." + Forge.b64(claims()) + "." + parts[2];
        assertRejected(forged, RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void signatureByAnUnknownSecretIsRejected() {
        assertRejected(
                Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\"}", claims(), new byte[32]),
                RejectionReason.BAD_SIGNATURE);
    }

    @Test
    void expiredTokenIsRejected() {
        String token = f.issuer(keys).build().issue(session).value();
        f.advance(AccessTokenIssuer.DEFAULT_LIFETIME.plus(verifier.clockSkew()));
        assertRejected(token, RejectionReason.EXPIRED);
    }

    @Test
    void missingExpIsRejected() {
        String noExp = claims().replaceAll(",\"exp\":\\d+", "");
        assertRejected(
                Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\"}", noExp, hmacSecret),
                RejectionReason.CLAIMS_INVALID);
    }

    @Test
    void expOfTheWrongTypeIsRejected() {
        String badExp = claims().replaceAll("\"exp\":\\d+", "\"exp\":\"tomorrow\"");
        assertRejected(
                Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\"}", badExp, hmacSecret),
                RejectionReason.CLAIMS_INVALID);
    }

    @Test
    void futureNotBeforeIsRejected() {
        String c = claims().replace("}", ",\"nbf\":" + (now + 600) + "}");
        assertRejected(
                Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\"}", c, hmacSecret),
                RejectionReason.NOT_YET_VALID);
    }

    @Test
    void futureIssuedAtIsRejected() {
        String c = claims().replace("\"iat\":" + now, "\"iat\":" + (now + 600));
        assertRejected(
                Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\"}", c, hmacSecret),
                RejectionReason.ISSUED_IN_FUTURE);
    }

    @Test
    void futureIssuedAtWithinTheSkewIsAccepted() {
        String c = claims().replace("\"iat\":" + now, "\"iat\":" + (now + 10));
        String token = Forge.hmac("{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"h1\"}", c, hmacSecret);
        assertThat(verifier.verify(token, VerificationMode.STATELESS).isValid()).isTrue();
    }

    @Test
    void wrongIssuerIsRejected() {
        String token = AccessTokenIssuer.builder(keys)
                .issuer("https://evil.example")
                .audience(Fixture.AUDIENCE)
                .clock(f.clock)
                .build()
                .issue(session)
                .value();
        assertRejected(token, RejectionReason.WRONG_ISSUER);
    }

    @Test
    void wrongAudienceIsRejected() {
        String token = AccessTokenIssuer.builder(keys)
                .issuer(Fixture.ISSUER)
                .audience("billing")
                .clock(f.clock)
                .build()
                .issue(session)
                .value();
        assertRejected(token, RejectionReason.WRONG_AUDIENCE);
    }

    @Test
    void oversizedTokenIsRejectedBeforeParsing() {
        String genuineButHuge = f.issuer(keys)
                .build()
                .issue(session, Map.of("pad", "x".repeat(9000)))
                .value();
        assertRejected(genuineButHuge, RejectionReason.TOO_LARGE);
    }

    @Test
    void megabytesOfGarbageAreRejectedAsTooLarge() {
        assertRejected("e".repeat(5_000_000), RejectionReason.TOO_LARGE);
    }

    @Test
    void compressedJweIsRejected() throws Exception {
        String inner = f.issuer(keys).build().issue(session).value();
        JWEObject jwe = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM)
                        .compressionAlgorithm(CompressionAlgorithm.DEF)
                        .contentType("JWT")
                        .keyID("x1")
                        .build(),
                new Payload(inner));
        jwe.encrypt(new RSAEncrypter((RSAPublicKey) encryptionPair.getPublic()));
        assertRejected(jwe.serialize(), RejectionReason.COMPRESSED);
    }

    @Test
    void encryptedButUnsignedClaimsAreRejected() throws Exception {
        // Anyone holding the public encryption key can produce this; Nimbus's processor accepts it.
        JWEObject jwe = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM)
                        .keyID("x1")
                        .build(),
                new Payload(claims()));
        jwe.encrypt(new RSAEncrypter((RSAPublicKey) encryptionPair.getPublic()));
        assertRejected(jwe.serialize(), RejectionReason.UNSIGNED_ENCRYPTED);
    }

    @Test
    void encryptedClaimsClaimingToBeAJwtAreRejected() throws Exception {
        JWEObject jwe = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM)
                        .contentType("JWT")
                        .keyID("x1")
                        .build(),
                new Payload(claims()));
        jwe.encrypt(new RSAEncrypter((RSAPublicKey) encryptionPair.getPublic()));
        assertRejected(jwe.serialize(), RejectionReason.UNSIGNED_ENCRYPTED);
    }

    @Test
    void encryptedAlgNoneTokenIsRejected() throws Exception {
        String none = Forge.unsigned("{\"alg\":\"none\",\"typ\":\"at+jwt\",\"kid\":\"h1\"}", claims());
        JWEObject jwe = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM)
                        .contentType("JWT")
                        .keyID("x1")
                        .build(),
                new Payload(none));
        jwe.encrypt(new RSAEncrypter((RSAPublicKey) encryptionPair.getPublic()));
        assertRejected(jwe.serialize(), RejectionReason.UNSIGNED_ENCRYPTED);
    }

    @Test
    void encryptedTokenWithAnotherKeyManagementAlgorithmIsRejected() throws Exception {
        String inner = f.issuer(keys).build().issue(session).value();
        JWEObject jwe = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A128GCM)
                        .contentType("JWT")
                        .keyID("x1")
                        .build(),
                new Payload(inner));
        jwe.encrypt(new RSAEncrypter((RSAPublicKey) encryptionPair.getPublic()));
        assertRejected(jwe.serialize(), RejectionReason.ALGORITHM_MISMATCH);
    }

    @Test
    void encryptedTokenForAnUnknownKeyIsRejected() throws Exception {
        String inner = f.issuer(keys).build().issue(session).value();
        JWEObject jwe = new JWEObject(
                new JWEHeader.Builder(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM)
                        .contentType("JWT")
                        .keyID("x9")
                        .build(),
                new Payload(inner));
        jwe.encrypt(new RSAEncrypter((RSAPublicKey) attackerPair.getPublic()));
        assertRejected(jwe.serialize(), RejectionReason.KEY_ID_UNKNOWN);
    }

    @Test
    void malformedTextsAreRejectedAsMalformed() {
        for (String junk : new String[] {
            "",
            "abc",
            "a.b",
            "a.b.c.d",
            "a.b.c.d.e.f",
            "!!!.???.***",
            "e30.e30.",
            Forge.b64("{\"alg\":") + "." + Forge.b64("{}") + ".c2ln"
        }) {
            TokenVerification result = verifier.verify(junk, VerificationMode.STATELESS);
            assertThat(result.rejection()).as(junk).contains(RejectionReason.MALFORMED);
        }
        assertThat(verifier.verify(null, VerificationMode.STATELESS).rejection())
                .contains(RejectionReason.MALFORMED);
    }
}
