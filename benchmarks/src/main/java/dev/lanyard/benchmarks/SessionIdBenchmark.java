package dev.lanyard.benchmarks;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of minting and hashing session IDs, next to the floor: drawing the same 32 random
 * bytes from the same {@link SecureRandom}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SessionIdBenchmark {

    private final SecureRandom random = new SecureRandom();
    private final SessionId existing = SessionId.generate(random);
    private final String junk = "x".repeat(10_240);

    /** @return 32 random bytes: the floor of ID generation */
    @Benchmark
    public byte[] baseline() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return bytes;
    }

    /** @return a new ID's text */
    @Benchmark
    public String generate() {
        return SessionId.generate(random).value();
    }

    /** @return a new ID's handle: generation plus SHA-256 */
    @Benchmark
    public SessionHandle generateAndHash() {
        return SessionId.generate(random).handle();
    }

    /** @return the handle of a presented ID: parse plus SHA-256, the per-request cost */
    @Benchmark
    public SessionHandle parseAndHash() {
        return SessionId.parse(existing.value()).orElseThrow().handle();
    }

    /** @return the rejection of 10 KB of junk, which must cost next to nothing */
    @Benchmark
    public Optional<SessionId> rejectJunk() {
        return SessionId.parse(junk);
    }
}
