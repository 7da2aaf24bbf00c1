package dev.lanyard.session.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.internal.ModuleEvents;
import dev.lanyard.session.memory.InMemorySessionStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * An application (this package) holds a manager and wants its listeners to hear a lifecycle event
 * that never happened, for example a refresh-grace use or a token reuse that would revoke a victim's
 * sessions through an alerting listener.
 */
class ForgedEventsTest {

    private final List<SessionEvent> heard = new CopyOnWriteArrayList<>();
    private final SessionManager manager = SessionManager.builder(InMemorySessionStore.create())
            .listener(heard::add)
            .build();

    @Test
    void theManagerOffersApplicationsNoWayToPublishAnEvent() {
        Method[] open = SessionManager.class.getMethods();

        assertThat(Arrays.stream(open)
                        .filter(m -> Arrays.asList(m.getParameterTypes()).contains(SessionEvent.class)))
                .as("public methods of SessionManager that take an event")
                .isEmpty();
        assertThat(Arrays.stream(SessionManager.class.getDeclaredMethods())
                        .filter(m -> m.getName().equals("publish"))
                        .map(Method::getModifiers))
                .as("publish is package-private")
                .allSatisfy(
                        modifiers -> assertThat(Modifier.isPublic(modifiers)).isFalse());
    }

    @Test
    void lanyardsModulesStillReachTheListenersThroughTheInternalPublication() {
        SessionEvent grace = new SessionEvent.TokenRejected(Instant.EPOCH, "EXPIRED");

        ModuleEvents.publish(manager, grace);

        assertThat(heard).contains(grace);
    }

    @Test
    void nobodyCanInstallASecondPublication() {
        assertThat(manager).isNotNull(); // the manager's class has installed its publication
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ModuleEvents.install((m, e) -> {}))
                .isInstanceOf(IllegalStateException.class);
    }
}
