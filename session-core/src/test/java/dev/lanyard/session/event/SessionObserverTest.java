package dev.lanyard.session.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.memory.InMemorySessionStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The observer SPI's contract, without any tracing library: strict nesting, details at stop, never breaking a call. */
class SessionObserverTest {

    /** Records "start kind/operation" and "stop kind/operation outcome reason" lines. */
    private static final class Recording implements SessionObserver {
        final List<String> lines = new ArrayList<>();
        final List<ObservedOperation> stopped = new ArrayList<>();

        @Override
        public void onStart(ObservedOperation operation) {
            lines.add("start " + operation.kind() + "/" + operation.operation());
        }

        @Override
        public void onStop(ObservedOperation operation) {
            lines.add("stop " + operation.kind() + "/" + operation.operation() + " " + operation.outcomeValue() + " "
                    + operation.reason().orElse("-"));
            stopped.add(operation);
        }
    }

    @Test
    void storeCallsNestStrictlyInsideTheOperationThatMadeThem() {
        Recording observer = new Recording();
        SessionManager manager = SessionManager.builder(InMemorySessionStore.create())
                .logEvents(false)
                .observer(observer)
                .build();

        NewSession session = manager.create(ClientInfo.UNKNOWN);
        manager.resolve(session.id().value());

        assertThat(observer.lines)
                .containsExactly(
                        "start CREATE/create",
                        "start STORE_CALL/create",
                        "stop STORE_CALL/create success -",
                        "stop CREATE/create success -",
                        "start RESOLVE/resolve",
                        "start STORE_CALL/load",
                        "stop STORE_CALL/load success -",
                        "stop RESOLVE/resolve success -");
        ObservedOperation resolve = observer.stopped.get(observer.stopped.size() - 1);
        assertThat(resolve.handle()).contains(session.session().handle());
        assertThat(resolve.version()).hasValue(1);
        assertThat(observer.stopped.get(0).store()).contains("inmemory");
    }

    @Test
    void aRefusalCarriesItsReasonAndAnUnknownSessionItsHandle() {
        Recording observer = new Recording();
        SessionManager manager = SessionManager.builder(InMemorySessionStore.create())
                .logEvents(false)
                .observer(observer)
                .build();

        manager.resolve("A".repeat(43));

        assertThat(observer.lines).endsWith("stop RESOLVE/resolve refused unknown");
        assertThat(observer.stopped.get(observer.stopped.size() - 1).handle()).isPresent();
    }

    @Test
    void anObserverThatThrowsIsGuardedAndTheCallGoesOn() {
        SessionObserver broken = new SessionObserver() {
            @Override
            public void onStart(ObservedOperation operation) {
                throw new IllegalStateException("broken");
            }

            @Override
            public void onStop(ObservedOperation operation) {
                throw new IllegalStateException("broken");
            }
        };
        SessionManager manager = SessionManager.builder(InMemorySessionStore.create())
                .logEvents(false)
                .observer(broken)
                .build();

        NewSession session = manager.create(ClientInfo.UNKNOWN);

        assertThat(manager.resolve(session.id().value()).isFound()).isTrue();
        assertThat(manager.observer()).get().isNotSameAs(broken);
        assertThat(SessionObserver.guard(manager.observer().orElseThrow()))
                .isSameAs(manager.observer().orElseThrow());
    }

    @Test
    void aStoreKindIsTheClassNameWithoutItsSuffix() {
        assertThat(ObservedOperation.storeKind(InMemorySessionStore.create())).isEqualTo("inmemory");
        assertThat(ObservedOperation.storeKind(new Object())).isEqualTo("object");
    }

    @Test
    void noObserverMeansNoneIsReported() {
        SessionManager manager = SessionManager.builder(InMemorySessionStore.create())
                .logEvents(false)
                .build();

        assertThat(manager.observer()).isEmpty();
    }
}
