/**
 * Session lifecycle events and their listeners.
 *
 * <p>{@link dev.lanyard.session.event.SessionEvent} is the closed set of things that happen to
 * sessions; {@link dev.lanyard.session.event.SessionListener} receives them synchronously;
 * {@link dev.lanyard.session.event.LoggingSessionListener} turns them into structured log lines.
 * Metrics live in {@code session-metrics}, which listens to the same events.
 *
 * <p>For tracing, {@link dev.lanyard.session.event.SessionObserver} hears each operation start and
 * stop, described by an {@link dev.lanyard.session.event.ObservedOperation}; none is configured by
 * default, and then nothing is created for it.
 */
package dev.lanyard.session.event;
