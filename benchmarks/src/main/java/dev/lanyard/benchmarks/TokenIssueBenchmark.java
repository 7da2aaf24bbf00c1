package dev.lanyard.benchmarks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.jwt.AccessTokenIssuer;
import dev.lanyard.session.jwt.IssuedToken;
import dev.lanyard.session.jwt.KeyRing;
import dev.lanyard.session.jwt.TokenAlgorithm;
import dev.lanyard.session.jwt.TokenKeySet;
import dev.lanyard.session.memory.InMemorySessionStore;
import java.security.GeneralSecurityException;
import java.util.Date;
import java.util.UUID;
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
 * Access-token issue next to bare Nimbus ({@code baseline}: build the same header and claims,
 * sign with the same key, serialize).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TokenIssueBenchmark {

    /** The signing algorithm. */
    @Param({"HS256", "ES256", "RS256"})
    public String algorithm;

    private TokenBenchmark.Keys keys;
    private JWSHeader header;
    private AccessTokenIssuer issuer;
    private Session session;

    /** Makes the key, a logged-in session and the issuer. */
    @Setup(Level.Trial)
    public void setUp() throws GeneralSecurityException, JOSEException {
        keys = TokenBenchmark.Keys.generate(TokenAlgorithm.valueOf(algorithm));
        header = new JWSHeader.Builder(JWSAlgorithm.parse(algorithm))
                .type(new JOSEObjectType("at+jwt"))
                .keyID("bench")
                .build();
        SessionManager manager = SessionManager.builder(InMemorySessionStore.create())
                .logEvents(false)
                .build();
        session = manager.login(null, "alice", ClientInfo.UNKNOWN).session();
        issuer = AccessTokenIssuer.builder(KeyRing.of(TokenKeySet.of(keys.key)))
                .issuer("https://auth.example")
                .audience("api")
                .build();
    }

    /** @return a token signed by bare Nimbus with the same claims: the floor */
    @Benchmark
    public String baseline() throws JOSEException {
        long now = System.currentTimeMillis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("https://auth.example")
                .audience("api")
                .subject("alice")
                .claim("sid", session.handle().value())
                .claim("ver", session.version())
                .jwtID(UUID.randomUUID().toString())
                .issueTime(new Date(now))
                .expirationTime(new Date(now + 300_000))
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(keys.nimbusSigner);
        return jwt.serialize();
    }

    /** @return a token issued by Lanyard */
    @Benchmark
    public IssuedToken issue() {
        return issuer.issue(session);
    }
}
