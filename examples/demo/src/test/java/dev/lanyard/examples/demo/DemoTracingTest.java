package dev.lanyard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.metrics.SessionObservations;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The demo's tracing wiring turns Lanyard's observations into OpenTelemetry spans, nested and keyed by session. */
class DemoTracingTest {

    private static final AttributeKey<String> HANDLE = AttributeKey.stringKey("lanyard.session.handle");
    private static final AttributeKey<String> VERSION = AttributeKey.stringKey("lanyard.session.version");

    @Test
    void aLoginAndAResolveBecomeSpansCarryingTheSessionsHandleAndVersion() {
        List<SpanData> spans = new CopyOnWriteArrayList<>();
        try (DemoTracing tracing = new DemoTracing(collectingInto(spans));
                InMemorySessionStore store = InMemorySessionStore.create()) {
            SessionManager manager = SessionManager.builder(store)
                    .logEvents(false)
                    .observer(SessionObservations.create(tracing.observations()))
                    .build();

            NewSession login = manager.login(null, "alice", ClientInfo.UNKNOWN);
            manager.resolve(login.id().value());

            SpanData loginSpan = named(spans, "lanyard login");
            SpanData resolveSpan = named(spans, "lanyard resolve");
            assertThat(loginSpan.getAttributes().get(HANDLE))
                    .isEqualTo(login.session().handle().toString());
            assertThat(resolveSpan.getAttributes().get(VERSION))
                    .isEqualTo(Long.toString(login.session().version()));
            assertThat(spans)
                    .filteredOn(s -> s.getName().equals("lanyard store admit"))
                    .singleElement()
                    .satisfies(s -> assertThat(s.getParentSpanId()).isEqualTo(loginSpan.getSpanId()));
            assertThat(spans)
                    .extracting(SpanData::getName)
                    .noneMatch(n -> n.contains(login.id().value()));
            for (SpanData span : spans) {
                assertThat(span.getAttributes().toString())
                        .doesNotContain(login.id().value());
            }
        }
    }

    @Test
    void theLogExporterPrintsASpanPerLine() {
        assertThat(DemoTracing.logExporter().export(List.of()).isSuccess()).isTrue();
    }

    private static SpanData named(List<SpanData> spans, String name) {
        return spans.stream()
                .filter(s -> s.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
    }

    private static SpanExporter collectingInto(List<SpanData> spans) {
        return new SpanExporter() {
            @Override
            public CompletableResultCode export(Collection<SpanData> batch) {
                spans.addAll(batch);
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode flush() {
                return CompletableResultCode.ofSuccess();
            }

            @Override
            public CompletableResultCode shutdown() {
                return CompletableResultCode.ofSuccess();
            }
        };
    }
}
