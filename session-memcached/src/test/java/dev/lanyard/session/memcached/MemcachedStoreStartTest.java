package dev.lanyard.session.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionStores;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.spi.SessionStore;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Opening needs no server, and the start-up warnings say what is risky. No server runs here. */
class MemcachedStoreStartTest {

    private ListAppender<ILoggingEvent> logs;
    private Logger storeLogger;

    @BeforeEach
    void captureLogs() {
        logs = new ListAppender<>();
        logs.start();
        storeLogger = (Logger) LoggerFactory.getLogger(MemcachedSessionStore.class);
        storeLogger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        storeLogger.detachAppender(logs);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theSchemeOpensTheStoreWithNoServerUpAndEachCallFailsTyped() throws Exception {
        try (SessionStore store =
                SessionStores.open("memcached://127.0.0.1:" + closedPort() + "?timeout=200ms&connectTimeout=200ms")) {
            assertThat(store).isInstanceOf(MemcachedSessionStore.class);
            long start = System.nanoTime();
            assertThatThrownBy(() ->
                            store.load(SessionId.generate(new SecureRandom()).handle()))
                    .isInstanceOf(StoreUnavailableException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void noCredentialsOffLoopbackIsWarnedAboutAndLoopbackIsNot() throws Exception {
        int port = closedPort();
        try (MemcachedSessionStore store = MemcachedSessionStore.open(MemcachedOptions.builder()
                .server("127.0.0.1:" + port)
                .connectTimeout(Duration.ofMillis(200))
                .build())) {
            assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains("no credentials"));
        }
        // TEST-NET-1 (RFC 5737): never routed; nothing is sent as the warning comes before any connection.
        StartupChecks checks = new StartupChecks(false, 100, java.util.concurrent.Executors.newSingleThreadExecutor());
        checks.checkAddresses(java.util.List.of(new InetSocketAddress("192.0.2.10", 11211)));
        assertThat(logs.list)
                .anyMatch(e -> e.getFormattedMessage().contains("192.0.2.10:11211")
                        && e.getFormattedMessage().contains("no credentials"));
        new StartupChecks(true, 100, java.util.concurrent.Executors.newSingleThreadExecutor())
                .checkAddresses(java.util.List.of(new InetSocketAddress("192.0.2.11", 11211)));
        assertThat(logs.list).noneMatch(e -> e.getFormattedMessage().contains("192.0.2.11"));
    }

    @Test
    void evictionsOnAreWarnedAboutAndOffAreNot() {
        InetSocketAddress server = InetSocketAddress.createUnresolved("cache-1", 11211);
        StartupChecks.warnAbout(server, Map.of("evictions", "off", "maxbytes", "67108864"));
        assertThat(logs.list).isEmpty();
        StartupChecks.warnAbout(server, Map.of("evictions", "on", "maxbytes", "67108864"));
        assertThat(logs.list)
                .singleElement()
                .satisfies(e -> assertThat(e.getFormattedMessage())
                        .contains("cache-1:11211", "evictions on", "67108864", "docs/memcached.md"));
    }
}
