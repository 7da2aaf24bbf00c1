package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.memory.InMemorySessionStore;
import java.time.Duration;
import java.util.EventListener;
import org.junit.jupiter.api.Test;

class FilterBuilderTest {

    private final SessionManager manager = SessionManager.builder(InMemorySessionStore.create())
            .logEvents(false)
            .build();

    @Test
    void defaultsBuild() {
        LanyardSessionFilter filter = LanyardSessionFilter.builder(manager).build();
        FilterSettings settings = filter.settings();
        assertThat(settings.cookie.name()).isEqualTo("__Host-session");
        assertThat(settings.failureMode).isEqualTo(FailureMode.CLOSED);
        assertThat(settings.csrfMode).isEqualTo(CsrfMode.ORIGIN);
        assertThat(settings.requestIdHeader).isEqualTo("X-Request-Id");
        assertThat(settings.headerName).isNull();
        assertThat(settings.saveMode).isEqualTo(AttributeSaveMode.ON_GET_MUTABLE);
    }

    @Test
    void headerTransportMustBeADedicatedHeader() {
        assertThatThrownBy(() -> LanyardSessionFilter.builder(manager)
                        .headerName("Cookie")
                        .build())
                .hasMessageContaining("headerName");
        assertThatThrownBy(() -> LanyardSessionFilter.builder(manager)
                        .headerName("X Session")
                        .build())
                .hasMessageContaining("headerName");
    }

    @Test
    void retryAfterIsAtLeastOneSecond() {
        assertThatThrownBy(() -> LanyardSessionFilter.builder(manager)
                        .retryAfter(Duration.ofMillis(10))
                        .build())
                .hasMessageContaining("retryAfter");
    }

    @Test
    void guessingDetectionIsValidated() {
        assertThatThrownBy(() -> LanyardSessionFilter.builder(manager)
                        .guessingDetection(0, Duration.ofMinutes(1), 10)
                        .build())
                .hasMessageContaining("guessingThreshold");
        assertThatThrownBy(() -> LanyardSessionFilter.builder(manager)
                        .guessingDetection(5, Duration.ZERO, 10)
                        .build())
                .hasMessageContaining("guessingWindow");
        assertThatThrownBy(() -> LanyardSessionFilter.builder(manager)
                        .guessingDetection(5, Duration.ofMinutes(1), 0)
                        .build())
                .hasMessageContaining("guessingMaxClients");
    }

    @Test
    void trustedOriginsMustBeOrigins() {
        assertThatThrownBy(() -> LanyardSessionFilter.builder(manager)
                        .csrfTrustedOrigin("https://a.example/path")
                        .build())
                .hasMessageContaining("csrfTrustedOrigin");
        LanyardSessionFilter.builder(manager)
                .csrfTrustedOrigin("https://app.example:8443")
                .build();
    }

    @Test
    void listenersMustBeSessionListeners() {
        EventListener notASessionListener = new EventListener() {};
        assertThatThrownBy(() -> LanyardSessionFilter.builder(manager)
                        .listener(notASessionListener)
                        .build())
                .hasMessageContaining("HttpSessionListener");
    }

    @Test
    void duplicateRoutesAreRefused() {
        assertThatThrownBy(() -> LanyardSessionFilter.builder(manager)
                        .route(RoutePolicy.forPattern("/a/*").build())
                        .route(RoutePolicy.forPattern("/a/*").build())
                        .build())
                .hasMessageContaining("configured twice");
    }
}
