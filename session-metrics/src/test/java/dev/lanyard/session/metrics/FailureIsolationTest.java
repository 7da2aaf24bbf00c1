package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionListener;
import dev.lanyard.session.internal.ModuleEvents;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Whatever a meter, a registry or a listener throws, the session call completes as if nothing happened. */
class FailureIsolationTest {

    /** Drives a whole lifecycle and checks the manager's answers, which must not depend on observers. */
    static void lifecycleSucceeds(Harness h) {
        SessionManager manager = h.manager();
        NewSession anonymous = h.newSession();
        Session resolved = manager.resolve(anonymous.id()).session().orElseThrow();
        Session saved = manager.save(
                        resolved, SessionUpdate.builder().put("cart", "apples").build())
                .orElseThrow();
        assertThat(saved.attributes()).containsEntry("cart", "apples");
        NewSession loggedIn = manager.login(saved, "alice", Harness.CLIENT);
        assertThat(loggedIn.session().userId()).contains("alice");
        assertThat(manager.resolve(anonymous.id()).isFound())
                .as("the pre-login ID is dead")
                .isFalse();
        NewSession rotated = manager.privilegeChanged(loggedIn.session()).orElseThrow();
        ModuleEvents.publish(manager, new SessionEvent.TokenRejected(h.clock().instant(), "EXPIRED"));
        ModuleEvents.publish(manager, new SessionEvent.FailOpen(h.clock().instant(), "checkout"));
        assertThat(manager.logout(rotated.session())).isTrue();
        NewSession other = h.login("bob");
        assertThat(manager.revoke(other.session().handle(), RevocationReason.ADMIN))
                .isTrue();
        assertThat(manager.resolve(rotated.id()).isFound()).isFalse();
    }

    private static List<ILoggingEvent> from(Harness h, String logger, Level level) {
        return h.logs().events().stream()
                .filter(e -> e.getLoggerName().equals(logger) && e.getLevel() == level)
                .toList();
    }

    /** A registry whose meters throw runtime exceptions on every recording. */
    @Nested
    class WhenMetersThrow {

        final List<SessionEvent> later = new CopyOnWriteArrayList<>();

        @RegisterExtension
        final Harness h = Harness.create()
                .registry(() -> new FailingMeterRegistry(() -> {
                    throw new IllegalStateException("meter exploded");
                }))
                .listenerAfterMetrics(later::add);

        @Test
        void everySessionCallStillSucceeds() {
            lifecycleSucceeds(h);

            assertThat(h.metrics().droppedMeasurements()).isGreaterThan(10);
        }

        @Test
        void listenersAfterTheMetricsStillSeeEveryEvent() {
            lifecycleSucceeds(h);

            assertThat(later)
                    .hasAtLeastOneElementOfType(SessionEvent.LoggedIn.class)
                    .hasAtLeastOneElementOfType(SessionEvent.Revoked.class)
                    .hasAtLeastOneElementOfType(SessionEvent.TokenRejected.class);
        }

        @Test
        void onlyTheFirstFailureIsLoggedAtWarn() {
            lifecycleSucceeds(h);

            List<ILoggingEvent> warnings = from(h, SessionMetrics.class.getName(), Level.WARN);
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).getThrowableProxy().getMessage()).isEqualTo("meter exploded");
            assertThat(from(h, SessionMetrics.class.getName(), Level.DEBUG))
                    .hasSize((int) h.metrics().droppedMeasurements() - 1);
        }
    }

    /**
     * A registry whose meters throw an {@link Error} (a broken exporter on the classpath): the binder
     * does not catch errors, so this proves that the manager's own guard stops what escapes a listener.
     */
    @Nested
    class WhenMetersThrowAnError {

        @RegisterExtension
        final Harness h = Harness.create()
                .registry(() -> new FailingMeterRegistry(() -> {
                    throw new NoClassDefFoundError("io/example/MissingExporter");
                }));

        @Test
        void everySessionCallStillSucceeds() {
            lifecycleSucceeds(h);

            assertThat(from(h, "dev.lanyard.session.internal.GuardedListeners", Level.WARN))
                    .isNotEmpty()
                    .allSatisfy(e -> assertThat(e.getFormattedMessage()).contains(SessionMetrics.class.getName()));
        }
    }

    /** A listener registered before the metrics that throws on every event. */
    @Nested
    class WhenAnotherListenerThrows {

        @RegisterExtension
        final Harness h = Harness.create().listenerBeforeMetrics(failing());

        private static SessionListener failing() {
            return event -> {
                throw new IllegalArgumentException("listener bug");
            };
        }

        @Test
        void everySessionCallStillSucceedsAndTheMetricsStillCount() {
            lifecycleSucceeds(h);

            assertThat(h.count(SessionMeters.LOGINS)).isEqualTo(2);
            assertThat(h.count(SessionMeters.ROTATED, SessionMeters.TAG_CAUSE, "privilege_change"))
                    .isEqualTo(1);
            assertThat(h.count(SessionMeters.REVOKED, SessionMeters.TAG_REASON, "admin"))
                    .isEqualTo(1);
            assertThat(h.count(SessionMeters.TOKEN_REJECTED, SessionMeters.TAG_REASON, "expired"))
                    .isEqualTo(1);
            assertThat(h.metrics().droppedMeasurements()).isZero();
        }
    }
}
