/**
 * Micrometer meters for Lanyard's session lifecycle. {@link dev.lanyard.session.metrics.SessionMetrics}
 * is both a {@link io.micrometer.core.instrument.binder.MeterBinder} and a
 * {@link dev.lanyard.session.event.SessionListener}: bind it to a registry, add it to the
 * {@link dev.lanyard.session.SessionManager}, and every session event moves a meter named in
 * {@link dev.lanyard.session.metrics.SessionMeters}. Tags are low-cardinality by construction;
 * recording never throws into a request. Operators' guide: {@code docs/metrics.md}.
 */
package dev.lanyard.session.metrics;
