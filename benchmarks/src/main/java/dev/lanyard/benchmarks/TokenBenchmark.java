package dev.lanyard.benchmarks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.jwt.AccessTokenIssuer;
import dev.lanyard.session.jwt.AccessTokenVerifier;
import dev.lanyard.session.jwt.KeyRing;
import dev.lanyard.session.jwt.TokenAlgorithm;
import dev.lanyard.session.jwt.TokenKey;
import dev.lanyard.session.jwt.TokenKeySet;
import dev.lanyard.session.jwt.TokenVerification;
import dev.lanyard.session.jwt.VerificationMode;
import dev.lanyard.session.memory.InMemorySessionStore;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.text.ParseException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Access-token verification next to bare Nimbus ({@code baseline}: {@code JWSObject.parse} plus
 * {@code JWSVerifier.verify} of the same token with the same key). Lanyard adds the header checks,
 * the key pinning, the claims checks and, in {@code CHECKED} mode, a session look-up (in-memory
 * store here).
 *
 * <p>{@code baselineWithClaims} is a second floor: bare Nimbus that also reads the claims set, as
 * any real verification must (to check {@code exp}); compare {@code statelessCold} with both.
 *
 * <p>Goals (issue 5): cold stateless verification within 1.2x of bare Nimbus; a verified-token
 * cache hit at least 10x faster than a cold ES256 or RS256 verification.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TokenBenchmark {

    /** The signing algorithm. */
    @Param({"HS256", "ES256", "RS256"})
    public String algorithm;

    private String token;
    private JWSVerifier nimbus;
    private AccessTokenVerifier cold;
    private AccessTokenVerifier cached;
    private AccessTokenVerifier checkedCold;
    private AccessTokenVerifier checkedCached;

    /** Makes the key, a logged-in session on the in-memory store, one token and the verifiers. */
    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException, JOSEException {
        Keys keys = Keys.generate(TokenAlgorithm.valueOf(algorithm));
        nimbus = keys.nimbusVerifier;
        KeyRing ring = KeyRing.of(TokenKeySet.of(keys.key));
        SessionManager manager = SessionManager.builder(InMemorySessionStore.create())
                .logEvents(false)
                .build();
        Session session = manager.login(null, "alice", ClientInfo.UNKNOWN).session();
        token = AccessTokenIssuer.builder(ring)
                .issuer("https://auth.example")
                .audience("api")
                .build()
                .issue(session)
                .value();
        cold = verifier(ring, null, 0);
        cached = verifier(ring, null, AccessTokenVerifier.DEFAULT_CACHE_SIZE);
        checkedCold = verifier(ring, manager, 0);
        checkedCached = verifier(ring, manager, AccessTokenVerifier.DEFAULT_CACHE_SIZE);
        for (AccessTokenVerifier v : new AccessTokenVerifier[] {cold, cached}) {
            if (!v.verify(token, VerificationMode.STATELESS).isValid()) {
                throw new IllegalStateException("the benchmark token does not verify");
            }
        }
        if (!checkedCold.verify(token, VerificationMode.CHECKED).isValid() || !baseline()) {
            throw new IllegalStateException("the benchmark token does not verify");
        }
    }

    private static AccessTokenVerifier verifier(KeyRing ring, SessionManager manager, int cacheSize) {
        AccessTokenVerifier.Builder builder = AccessTokenVerifier.builder(ring)
                .issuer("https://auth.example")
                .audience("api")
                .verifiedTokenCache(cacheSize);
        if (manager != null) {
            builder.manager(manager);
        }
        return builder.build();
    }

    /** @return bare Nimbus: parse and verify the signature, nothing else (the floor) */
    @Benchmark
    public boolean baseline() {
        try {
            return com.nimbusds.jose.JWSObject.parse(token).verify(nimbus);
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @return bare Nimbus as an application would use it: parse, verify the signature, then read the
     *     claims set (no token can be accepted without reading {@code exp}); the floor that includes
     *     the payload's JSON parse, which {@link #baseline()} leaves out
     */
    @Benchmark
    public Object baselineWithClaims() {
        try {
            com.nimbusds.jwt.SignedJWT jwt = com.nimbusds.jwt.SignedJWT.parse(token);
            if (!jwt.verify(nimbus)) {
                throw new IllegalStateException("the benchmark token does not verify");
            }
            return jwt.getJWTClaimsSet().getExpirationTime();
        } catch (ParseException | JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return stateless verification with the verified-token cache off */
    @Benchmark
    public TokenVerification statelessCold() {
        return cold.verify(token, VerificationMode.STATELESS);
    }

    /** @return stateless verification answered by the verified-token cache (claims still checked) */
    @Benchmark
    public TokenVerification statelessCached() {
        return cached.verify(token, VerificationMode.STATELESS);
    }

    /** @return checked verification (session look-up on the in-memory store), cache off */
    @Benchmark
    public TokenVerification checkedCold() {
        return checkedCold.verify(token, VerificationMode.CHECKED);
    }

    /** @return checked verification with the signature check answered by the cache */
    @Benchmark
    public TokenVerification checkedCached() {
        return checkedCached.verify(token, VerificationMode.CHECKED);
    }

    /** A Lanyard key and the bare Nimbus signer and verifier of the same key material. */
    static final class Keys {
        final TokenKey key;
        final JWSVerifier nimbusVerifier;
        final com.nimbusds.jose.JWSSigner nimbusSigner;

        private Keys(TokenKey key, JWSVerifier verifier, com.nimbusds.jose.JWSSigner signer) {
            this.key = key;
            this.nimbusVerifier = verifier;
            this.nimbusSigner = signer;
        }

        static Keys generate(TokenAlgorithm algorithm) throws GeneralSecurityException, JOSEException {
            switch (algorithm) {
                case HS256: {
                    byte[] secret = new byte[32];
                    new SecureRandom().nextBytes(secret);
                    return new Keys(
                            TokenKey.hmac("bench", algorithm, secret),
                            new MACVerifier(secret),
                            new com.nimbusds.jose.crypto.MACSigner(secret));
                }
                case ES256: {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec("secp256r1"));
                    KeyPair pair = generator.generateKeyPair();
                    return new Keys(
                            TokenKey.ec("bench", pair),
                            new ECDSAVerifier((ECPublicKey) pair.getPublic()),
                            new com.nimbusds.jose.crypto.ECDSASigner(
                                    (java.security.interfaces.ECPrivateKey) pair.getPrivate()));
                }
                case RS256: {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(2048);
                    KeyPair pair = generator.generateKeyPair();
                    return new Keys(
                            TokenKey.rsa("bench", pair),
                            new RSASSAVerifier((RSAPublicKey) pair.getPublic()),
                            new com.nimbusds.jose.crypto.RSASSASigner(pair.getPrivate()));
                }
                default:
                    throw new IllegalArgumentException("not benchmarked: " + algorithm);
            }
        }
    }
}
