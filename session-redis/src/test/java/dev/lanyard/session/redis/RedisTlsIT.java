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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code rediss://} against a redis-server with a TLS port and a certificate from a private CA made with openssl. */
class RedisTlsIT {

    private static Path certificates;
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
        tlsPort = freePort();
        redis = TestRedis.localServer(
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
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
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
                .build()) {
            SessionManager manager =
                    SessionManager.builder(store).logEvents(false).build();
            NewSession s = manager.create(ClientInfo.UNKNOWN);
            assertThat(manager.resolve(s.id()).isFound()).isTrue();
        }
    }

    @Test
    void aServerCertificateFromAnUntrustedCaIsRefused() {
        assertThatThrownBy(() -> RedisSessionStore.open("rediss://localhost:" + tlsPort))
                .isInstanceOf(StoreUnavailableException.class);
    }
}
