package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.tck.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GuessingDetectorTest {

    private final MutableClock clock = MutableClock.startingNow();
    private final RecordingEvents events = new RecordingEvents();
    private final SessionManager manager = SessionManager.builder(InMemorySessionStore.create(clock))
            .clock(clock)
            .listener(events)
            .logEvents(false)
            .build();
    private final GuessingDetector detector = new GuessingDetector(manager, 3, Duration.ofMinutes(1), 2);

    @Test
    void reachingTheThresholdInTheWindowRaisesOneEvent() {
        for (int i = 0; i < 10; i++) {
            detector.badId("192.0.2.0/24");
        }
        assertThat(events.of(SessionEvent.GuessingSuspected.class))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.client()).isEqualTo("192.0.2.0/24");
                    assertThat(e.attempts()).isEqualTo(3);
                });
    }

    @Test
    void badIdsSpreadOverWindowsRaiseNothing() {
        for (int i = 0; i < 10; i++) {
            detector.badId("192.0.2.0/24");
            detector.badId("192.0.2.0/24");
            clock.advance(Duration.ofMinutes(1));
        }
        assertThat(events.of(SessionEvent.GuessingSuspected.class)).isEmpty();
    }

    @Test
    void aNewWindowCanRaiseAgain() {
        for (int i = 0; i < 3; i++) {
            detector.badId("198.51.100.0/24");
        }
        clock.advance(Duration.ofMinutes(2));
        for (int i = 0; i < 3; i++) {
            detector.badId("198.51.100.0/24");
        }
        assertThat(events.of(SessionEvent.GuessingSuspected.class)).hasSize(2);
    }

    @Test
    void clientsAreCountedApart() {
        detector.badId("a");
        detector.badId("b");
        detector.badId("a");
        detector.badId("b");
        assertThat(events.of(SessionEvent.GuessingSuspected.class)).isEmpty();
    }

    @Test
    void memoryIsBoundedByTheNumberOfClientsTracked() {
        for (int i = 0; i < 1000; i++) {
            detector.badId("10.0." + i + ".0/24");
        }
        assertThat(detector.trackedClients()).isEqualTo(2);
    }

    @Test
    void unknownAddressesShareOneCounter() {
        detector.badId("");
        detector.badId("");
        detector.badId("");
        assertThat(events.of(SessionEvent.GuessingSuspected.class))
                .singleElement()
                .extracting(SessionEvent.GuessingSuspected::client)
                .isEqualTo("unknown");
    }
}
