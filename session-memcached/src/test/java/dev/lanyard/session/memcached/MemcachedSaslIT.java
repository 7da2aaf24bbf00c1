package dev.lanyard.session.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.memcached.testing.MemcachedProcess;
import dev.lanyard.session.spi.SessionRecord;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SASL PLAIN over the binary protocol against a memcached started with {@code -S} and a private
 * sasldb (made with {@code saslpasswd2}, Debian package {@code sasl2-bin}; PLAIN comes with
 * {@code libsasl2-modules}).
 */
class MemcachedSaslIT {

    private static final String USER = "lanyard";
    private static final String PASSWORD = "correct horse battery";

    private static Path saslDirectory;
    private static MemcachedProcess server;

    @BeforeAll
    static void startSaslMemcached() throws Exception {
        saslDirectory = Files.createTempDirectory("lanyard-sasl-");
        Path sasldb = saslDirectory.resolve("sasldb");
        Process saslpasswd;
        try {
            saslpasswd = new ProcessBuilder("saslpasswd2", "-p", "-a", "memcached", "-c", "-f", sasldb.toString(), USER)
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "saslpasswd2 is needed for the SASL test (apt-get install sasl2-bin" + " libsasl2-modules)", e);
        }
        try (OutputStream in = saslpasswd.getOutputStream()) {
            in.write(PASSWORD.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(saslpasswd.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(saslpasswd.exitValue()).as("saslpasswd2 exit status").isZero();
        Files.writeString(saslDirectory.resolve("memcached.conf"), "mech_list: plain\nsasldb_path: " + sasldb + "\n");
        server = MemcachedProcess.start(Map.of("SASL_CONF_PATH", saslDirectory.toString()), "-S");
    }

    @AfterAll
    static void stopSaslMemcached() throws IOException {
        if (server != null) {
            server.close();
        }
        if (saslDirectory != null) {
            try (var files = Files.list(saslDirectory)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(saslDirectory);
        }
    }

    private static MemcachedOptions.Builder options() {
        return MemcachedOptions.builder()
                .server(server.address())
                .keyPrefix("sasl-it:")
                .timeout(Duration.ofMillis(500))
                .connectTimeout(Duration.ofMillis(500));
    }

    private static SessionRecord record(SessionHandle handle) {
        Instant now = Instant.now();
        return SessionRecord.builder()
                .handle(handle)
                .userId("alice")
                .createdAt(now)
                .lastAccessedAt(now)
                .idleTimeout(Duration.ofMinutes(30))
                .absoluteExpiry(now.plus(Duration.ofHours(1)))
                .authenticatedAt(now)
                .build();
    }

    @Test
    void theRightCredentialsWork() {
        MemcachedOptions options = options().credentials(USER, PASSWORD).build();
        try (MemcachedSessionStore store = MemcachedSessionStore.open(options, Clock.systemUTC())) {
            SessionHandle handle = SessionId.generate(new SecureRandom()).handle();
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptionsInstanceOf(StoreUnavailableException.class)
                    .until(() -> store.create(record(handle), Duration.ofMinutes(5)));
            assertThat(store.load(handle))
                    .hasValueSatisfying(r -> assertThat(r.userId()).isEqualTo("alice"));
        }
    }

    @Test
    void theURIcarriesTheCredentials() {
        String location =
                "memcached://" + USER + ":" + PASSWORD.replace(" ", "%20") + "@" + server.address() + "?timeout=500ms";
        MemcachedOptions options = MemcachedOptions.fromUri(java.net.URI.create(location));
        assertThat(options.toString()).doesNotContain(PASSWORD);
        try (MemcachedSessionStore store = MemcachedSessionStore.open(options, Clock.systemUTC())) {
            SessionHandle handle = SessionId.generate(new SecureRandom()).handle();
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptionsInstanceOf(StoreUnavailableException.class)
                    .until(() -> store.create(record(handle), Duration.ofMinutes(5)));
        }
    }

    @Test
    void aWrongPasswordNeverReadsASessionAndFailsWithinTheTimeout() {
        SessionHandle written = SessionId.generate(new SecureRandom()).handle();
        try (MemcachedSessionStore good =
                MemcachedSessionStore.open(options().credentials(USER, PASSWORD).build(), Clock.systemUTC())) {
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptionsInstanceOf(StoreUnavailableException.class)
                    .until(() -> good.create(record(written), Duration.ofMinutes(5)));
        }
        try (MemcachedSessionStore bad =
                MemcachedSessionStore.open(options().credentials(USER, "wrong").build(), Clock.systemUTC())) {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> bad.load(written))
                        .isInstanceOf(StoreUnavailableException.class)
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("wrong"));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            }
        }
    }
}
