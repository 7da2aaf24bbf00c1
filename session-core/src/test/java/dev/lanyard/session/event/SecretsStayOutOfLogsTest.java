package dev.lanyard.session.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionLimit;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.spi.SessionDelta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Drives the whole lifecycle with every log level on and searches all output for raw IDs. */
class SecretsStayOutOfLogsTest {

    private final Logger lanyard = (Logger) LoggerFactory.getLogger("dev.lanyard");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Level previous;

    @BeforeEach
    void capture() {
        previous = lanyard.getLevel();
        lanyard.setLevel(Level.TRACE);
        appender.start();
        lanyard.addAppender(appender);
    }

    @AfterEach
    void release() {
        lanyard.detachAppender(appender);
        lanyard.setLevel(previous);
    }

    @Test
    void noRawSessionIdAppearsInAnyLogLineOrExceptionMessage() {
        InMemorySessionStore store = InMemorySessionStore.create();
        SessionManager manager = SessionManager.builder(store)
                .nodeId("node-a")
                .policy(SessionPolicy.builder()
                        .payloadSoftLimit(10)
                        .payloadHardLimit(100)
                        .sessionLimit(SessionLimit.evictBeyond(1))
                        .build())
                .listener(LoggingSessionListener.create("node-a").withUserIds())
                .build();
        List<String> secrets = new ArrayList<>();
        List<String> messages = new ArrayList<>();

        NewSession anonymous = manager.create(ClientInfo.of("Firefox/128", "192.0.2.1"));
        secrets.add(anonymous.id().value());
        Session s = manager.resolve(anonymous.id().value()).session().orElseThrow();
        manager.resolve("not-an-id");
        s = manager.save(
                        s,
                        SessionUpdate.builder().put("cart", "apples and pears").build())
                .orElseThrow();
        messages.add(catchThrowable(() -> manager.save(
                        manager.resolve(anonymous.id()).session().orElseThrow(),
                        SessionUpdate.builder().put("big", "x".repeat(500)).build()))
                .getMessage());
        NewSession loggedIn = manager.login(s, "alice", ClientInfo.UNKNOWN);
        secrets.add(loggedIn.id().value());
        manager.resolve(anonymous.id().value());
        NewSession second = manager.login(null, "alice", ClientInfo.UNKNOWN);
        secrets.add(second.id().value());
        NewSession moved = manager.changeId(second.session()).orElseThrow();
        secrets.add(moved.id().value());
        NewSession promoted = manager.privilegeChanged(moved.session()).orElseThrow();
        secrets.add(promoted.id().value());
        store.update(
                promoted.session().handle(),
                new SessionDelta(
                        Map.of("bad", new byte[] {99}),
                        Set.of(),
                        manager.clock().instant(),
                        null,
                        null,
                        Duration.ofMinutes(1),
                        Long.MAX_VALUE));
        manager.resolve(promoted.id()).session().orElseThrow().attribute("bad");
        NewSession third = manager.login(null, "bob", ClientInfo.UNKNOWN);
        secrets.add(third.id().value());
        manager.revoke(third.session().handle(), RevocationReason.ADMIN);
        manager.logout(loggedIn.session());
        messages.add(anonymous.toString());
        messages.add(anonymous.id().toString());
        messages.add(loggedIn.session().toString());

        List<String> logged = new ArrayList<>();
        for (ILoggingEvent event : appender.list) {
            logged.add(event.getFormattedMessage());
            if (event.getKeyValuePairs() != null) {
                event.getKeyValuePairs().forEach(kv -> logged.add(kv.key + "=" + kv.value));
            }
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                logged.add(t.getMessage());
            }
        }
        assertThat(logged).as("the lifecycle was logged").anyMatch(line -> line.contains("user logged in"));
        assertThat(logged)
                .anyMatch(line -> line.contains("attribute 'bad' of session") && line.contains("cannot be read"));
        for (String secret : secrets) {
            assertThat(logged).noneMatch(line -> line != null && line.contains(secret));
            assertThat(messages).noneMatch(line -> line != null && line.contains(secret));
        }
    }

    @Test
    void applicationTextCannotForgeALogLine() {
        assertThat(LoggingSessionListener.printable("/admin\nINFO forged=1"))
                .isEqualTo("/admin\\x0aINFO\\x20forged\\x3d1");
        assertThat(LoggingSessionListener.printable("plain")).isEqualTo("plain");
    }
}
