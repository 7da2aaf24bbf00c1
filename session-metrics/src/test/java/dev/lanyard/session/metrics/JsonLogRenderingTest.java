package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.event.LoggingSessionListener;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.internal.ModuleEvents;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** How logstash-logback-encoder renders the lifecycle lines: key-value pairs and the MDC become fields. */
class JsonLogRenderingTest {

    @RegisterExtension
    final Harness h = Harness.create();

    private final LogstashEncoder encoder = new LogstashEncoder();
    private final JsonMapper json = JsonMapper.builder().build();

    @BeforeEach
    void startEncoder() {
        encoder.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        encoder.start();
    }

    @AfterEach
    void stop() {
        encoder.stop();
        MDC.clear();
    }

    private List<JsonNode> renderedAt(Level level) {
        return h.logs().events().stream()
                .filter(e -> e.getLoggerName().equals(LoggingSessionListener.LOGGER_NAME) && e.getLevel() == level)
                .map(this::render)
                .toList();
    }

    private JsonNode render(ILoggingEvent event) {
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(line.strip()).as("one JSON document per line").doesNotContain("\n");
        return json.readTree(line);
    }

    @Test
    void fieldsBecomeTopLevelJsonFieldsWithTheirTypes() {
        MDC.put("requestId", "req-7f3a");
        NewSession session = h.login("alice");
        h.manager().logout(h.resolve(session));

        List<JsonNode> info = renderedAt(Level.INFO);

        // Login and logout at INFO; the logout's revocation is DEBUG so one logout is one INFO line.
        assertThat(info).hasSize(2);
        JsonNode login = info.get(0);
        assertThat(login.get("message").asString()).startsWith("user logged in handle=");
        assertThat(login.get("level").asString()).isEqualTo("INFO");
        assertThat(login.get("logger_name").asString()).isEqualTo(LoggingSessionListener.LOGGER_NAME);
        assertThat(login.get("requestId").asString()).isEqualTo("req-7f3a");
        assertThat(login.get("version").isNumber()).isTrue();
        assertThat(login.get("version").asLong()).isEqualTo(1);
        assertThat(login.get("node").asString()).isEqualTo("node-a");
        assertThat(login.get("handle").asString())
                .isEqualTo(session.session().handle().value());
        assertThat(login.has("user")).isFalse();
        assertThat(info.get(1).get("message").asString()).startsWith("user logged out handle=");
    }

    @Test
    void hostileTextStaysInsideItsField() {
        NewSession session = h.login("alice");
        ModuleEvents.publish(
                h.manager(),
                new SessionEvent.StepUpRequired(
                        h.clock().instant(),
                        session.session().handle(),
                        "admin\"}\n{\"level\":\"ERROR\",\"message\":\"forged"));

        JsonNode stepUp = renderedAt(Level.DEBUG).stream()
                .filter(n -> n.get("message").asString().startsWith("step-up required"))
                .findFirst()
                .orElseThrow();

        assertThat(stepUp.get("level").asString()).isEqualTo("DEBUG");
        assertThat(stepUp.get("route").asString())
                .startsWith("admin")
                .doesNotContain("\n")
                .doesNotContain("\"");
    }
}
