package dev.lanyard.examples.demo;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lanyard's observations as OpenTelemetry spans: an {@link ObservationRegistry} whose tracing
 * handler (Micrometer Tracing's OpenTelemetry bridge) turns every observation into a span, and a
 * span exporter that prints each finished span to the log. Give {@link #observations()} to
 * {@code SessionObservations.create(...)}; close it to stop. Thread-safe.
 */
final class DemoTracing implements AutoCloseable {

    /** The logger spans are printed to (at INFO; the demo's logback.xml sets its level from {@code LANYARD_SPANS}). */
    static final String SPAN_LOGGER = "dev.lanyard.examples.demo.spans";

    private final SdkTracerProvider provider;
    private final ObservationRegistry observations = ObservationRegistry.create();

    /**
     * @param exporter where finished spans go ({@link #logExporter()} in the demo)
     */
    DemoTracing(SpanExporter exporter) {
        provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build();
        OtelCurrentTraceContext context = new OtelCurrentTraceContext();
        OtelTracer tracer = new OtelTracer(
                provider.get("lanyard-demo"),
                context,
                event -> {},
                new OtelBaggageManager(context, List.of(), List.of()));
        observations.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
    }

    /** @return the registry to observe with */
    ObservationRegistry observations() {
        return observations;
    }

    /** @return an exporter that prints each span as one line on {@link #SPAN_LOGGER} */
    static SpanExporter logExporter() {
        return new LogExporter();
    }

    @Override
    public void close() {
        provider.shutdown().join(2, TimeUnit.SECONDS);
    }

    /** One line per span: its name, trace, parent, duration and Lanyard's key values. */
    private static final class LogExporter implements SpanExporter {

        private static final Logger LOG = LoggerFactory.getLogger(SPAN_LOGGER);
        private static final List<String> KEYS =
                List.of("operation", "outcome", "reason", "store", "lanyard.session.handle", "lanyard.session.version");

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            if (LOG.isInfoEnabled()) {
                for (SpanData span : spans) {
                    StringBuilder line = new StringBuilder(span.getName())
                            .append(" trace=")
                            .append(span.getTraceId())
                            .append(" span=")
                            .append(span.getSpanId())
                            .append(" parent=")
                            .append(span.getParentSpanId())
                            .append(" ms=")
                            .append(String.format(
                                    java.util.Locale.ROOT,
                                    "%.3f",
                                    (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6));
                    for (String key : KEYS) {
                        String value = span.getAttributes().get(AttributeKey.stringKey(key));
                        if (value != null) {
                            line.append(' ').append(key).append('=').append(value);
                        }
                    }
                    LOG.info("{}", line);
                }
            }
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
    }
}
