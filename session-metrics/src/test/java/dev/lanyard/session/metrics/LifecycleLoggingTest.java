package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.event.LoggingSessionListener;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.internal.ModuleEvents;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.MDC;
import org.slf4j.event.KeyValuePair;

/**
 * The structured log lines that docs/metrics.md describes, as core's {@link LoggingSessionListener}
 * writes them next to the metrics: fields as key-value pairs and as text, levels that keep INFO
 * quiet, the correlation ID from the MDC, and text that cannot forge a line.
 */
class LifecycleLoggingTest {

    @RegisterExtension
    final Harness h = Harness.create();

    @AfterEach
    void clearMdc() {
        MDC.clear();
    }

    private List<ILoggingEvent> lifecycleEvents() {
        return h.logs().events().stream()
                .filter(e -> e.getLoggerName().equals(LoggingSessionListener.LOGGER_NAME))
                .toList();
    }

    private static Map<String, Object> fields(ILoggingEvent event) {
        Map<String, Object> fields = new HashMap<>();
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            pairs.forEach(p -> fields.put(p.key, p.value));
        }
        return fields;
    }

    @Test
    void aLoginIsOneInfoLineWithItsFieldsAsKeyValuesAndAsText() {
        NewSession session = h.login("alice");

        List<ILoggingEvent> info = lifecycleEvents().stream()
                .filter(e -> e.getLevel() == Level.INFO)
                .toList();
        assertThat(info).hasSize(1);
        ILoggingEvent login = info.get(0);
        String handle = session.session().handle().value();
        Map<String, Object> fields = fields(login);
        assertThat(String.valueOf(fields.get("handle"))).isEqualTo(handle);
        assertThat(fields)
                .containsEntry("version", 1L)
                .containsEntry("sessions", 1)
                .containsEntry("node", "node-a")
                .doesNotContainKey("user");
        assertThat(login.getFormattedMessage())
                .isEqualTo("user logged in handle=" + handle + " version=1 sessions=1 node=node-a");
    }

    @Test
    void userIdsStayOutOfTheLogUnlessEnabled() {
        h.login("alice@example.org");

        assertThat(h.logs().events()).map(LogCapture::render).noneMatch(line -> line.contains("alice@example.org"));
    }

    @Test
    void theRequestPathLogsNothingAtInfo() {
        NewSession session = h.newSession();
        for (int i = 0; i < 50; i++) {
            Session s = h.resolve(session);
            h.manager().save(s, SessionUpdate.builder().put("n", i).build());
            h.clock().advance(SessionPolicy.DEFAULT_TOUCH_INTERVAL);
            h.manager().save(h.resolve(session), SessionUpdate.none());
        }

        assertThat(lifecycleEvents())
                .isNotEmpty()
                .allSatisfy(e -> assertThat(e.getLevel().isGreaterOrEqual(Level.INFO))
                        .as(e.getFormattedMessage())
                        .isFalse());
    }

    @Test
    void eachLifecycleLineCarriesTheCorrelationIdFromTheMdc() {
        MDC.put("requestId", "req-7f3a");

        NewSession session = h.login("alice");
        h.manager().logout(h.resolve(session));

        assertThat(lifecycleEvents())
                .hasSizeGreaterThan(3)
                .allSatisfy(e -> assertThat(e.getMDCPropertyMap()).containsEntry("requestId", "req-7f3a"));
    }

    @Test
    void suspiciousEventsAreWarnings() {
        NewSession session = h.login("alice");
        ModuleEvents.publish(
                h.manager(),
                new SessionEvent.TokenReuseDetected(
                        h.clock().instant(), session.session().handle()));
        ModuleEvents.publish(
                h.manager(), new SessionEvent.GuessingSuspected(h.clock().instant(), "198.51.100.0/24", 64));

        assertThat(lifecycleEvents().stream().filter(e -> e.getLevel() == Level.WARN))
                .map(ILoggingEvent::getMessage)
                .containsExactly(
                        "refresh token reuse detected; family revoked handle="
                                + session.session().handle() + " node=node-a",
                        "session ID guessing suspected client=198.51.100.0/24 attempts=64 node=node-a");
    }

    @Test
    void applicationTextCannotForgeALineOrAField() {
        NewSession session = h.login("alice");
        ModuleEvents.publish(
                h.manager(),
                new SessionEvent.StepUpRequired(
                        h.clock().instant(),
                        session.session().handle(),
                        "admin\n2026-01-01 INFO dev.lanyard.session.events - user logged in user=\"root\""));

        ILoggingEvent stepUp = lifecycleEvents().get(lifecycleEvents().size() - 1);
        assertThat(stepUp.getFormattedMessage())
                .doesNotContain("\n")
                .doesNotContain("\"")
                .doesNotContain(" INFO ");
        assertThat(String.valueOf(fields(stepUp).get("route")))
                .doesNotContain("\n")
                .doesNotContain("\"");
    }

    /** A manager whose application allows user IDs in logs. */
    @Nested
    class WithUserIds {

        @RegisterExtension
        final Harness withUsers = Harness.create().logUserIds();

        @Test
        void aUserIdIsLoggedEscaped() {
            withUsers.login("eve\" admin=\"true");

            ILoggingEvent login = withUsers.logs().events().stream()
                    .filter(e ->
                            e.getLoggerName().equals(LoggingSessionListener.LOGGER_NAME) && e.getLevel() == Level.INFO)
                    .findFirst()
                    .orElseThrow();
            assertThat(login.getFormattedMessage())
                    .contains("user=eve\\x22\\x20admin\\x3d\\x22true ")
                    .doesNotContain("admin=");
            assertThat(fields(login)).containsEntry("user", "eve\\x22\\x20admin\\x3d\\x22true");
        }
    }
}
