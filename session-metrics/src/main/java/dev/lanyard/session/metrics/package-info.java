/**
 * Micrometer meters for Lanyard's session lifecycle. {@link dev.lanyard.session.metrics.SessionMetrics}
 * is both a {@link io.micrometer.core.instrument.binder.MeterBinder} and a
 * {@link dev.lanyard.session.event.SessionListener}: bind it to a registry, add it to the
 * {@link dev.lanyard.session.SessionManager}, and every session event moves a meter named in
 * {@link dev.lanyard.session.metrics.SessionMeters}. Tags are low-cardinality by construction;
 * recording never throws into a request.
 *
 * <p>Tracing: {@link dev.lanyard.session.metrics.SessionObservations} is a
 * {@link dev.lanyard.session.event.SessionObserver} that reports each Lanyard operation as a
 * Micrometer {@link io.micrometer.observation.Observation}, named and keyed by
 * {@link dev.lanyard.session.metrics.SessionObservationConvention}. Operators' guide:
 * {@code docs/metrics.md}; alert rules and a dashboard: {@code ops/}.
 */
package dev.lanyard.session.metrics;
