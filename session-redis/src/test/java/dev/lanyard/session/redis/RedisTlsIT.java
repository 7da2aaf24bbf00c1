package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.redis.testing.RedisProcess;
import dev.lanyard.session.redis.testing.TestRedis;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code rediss://} against a redis-server with a TLS port and a certificate from a private CA made with openssl. */
class RedisTlsIT {

    private static Path certificates;
    /** The command timeout, and so the first handshake's: long enough for a cold TLS stack on a loaded machine. */
    private static final Duration HANDSHAKE = Duration.ofSeconds(10);

    private static RedisProcess redis;
    private static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        certificates = Files.createTempDirectory("lanyard-tls-");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "ca.key",
                "-out",
                "ca.crt",
                "-days",
                "2",
                "-subj",
                "/CN=lanyard-test-ca");
        openssl(
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=localhost");
        Files.writeString(certificates.resolve("ext.cnf"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        openssl(
                "x509",
                "-req",
                "-in",
                "server.csr",
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                "server.crt",
                "-days",
                "2",
                "-extfile",
                "ext.cnf");
        // The TLS port is picked before the server binds it: start again on fresh ports if it was taken meanwhile.
        redis = RedisProcess.onFreePort(() -> {
            tlsPort = RedisProcess.freePort(false);
            return TestRedis.localServer(
                    "--tls-port",
                    Integer.toString(tlsPort),
                    "--tls-cert-file",
                    certificates.resolve("server.crt").toString(),
                    "--tls-key-file",
                    certificates.resolve("server.key").toString(),
                    "--tls-ca-cert-file",
                    certificates.resolve("ca.crt").toString(),
                    "--tls-auth-clients",
                    "no");
        });
    }

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .directory(certificates.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("the TLS test needs openssl on the PATH; `openssl " + args[0] + "` failed");
        }
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.close();
        }
        if (certificates != null) {
            try (var paths = Files.walk(certificates)) {
                paths.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // leftover temporary files are harmless
            }
        }
    }

    @Test
    void aRedissLocationWithTheCaConnectsAndStoresSessions() {
        try (RedisSessionStore store = RedisSessionStore.builder()
                .location("rediss://localhost:" + tlsPort)
                .trustedCertificates(certificates.resolve("ca.crt"))
                // The first TLS handshake of the JVM must finish within the first connection's timeout, which
                // follows the command timeout (3 s at least): on a loaded machine it took longer, and the store
                // started as not reachable yet. This test is about TLS, not speed.
                .commandTimeout(HANDSHAKE)
                .build()) {
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();
            NewSession s = manager.create(ClientInfo.UNKNOWN);
            assertThat(manager.resolve(s.id()).isFound()).isTrue();
        }
    }

    @Test
    void aServerCertificateFromAnUntrustedCaIsRefused() {
        // The refusal reaches the caller only from a handshake that finished within its timeout.
        assertThatThrownBy(() -> RedisSessionStore.open(
                        "rediss://localhost:" + tlsPort + "?timeout=" + HANDSHAKE.toSeconds() + "s"))
                .isInstanceOf(StoreUnavailableException.class);
    }
}
