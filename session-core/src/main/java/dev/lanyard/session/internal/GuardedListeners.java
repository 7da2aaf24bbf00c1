package dev.lanyard.session.internal;

import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls every listener, and logs and drops whatever one throws, so that an observer can never
 * break the request that caused an event. Internal: no compatibility promise.
 *
 * @since 0.1.0
 */
public final class GuardedListeners {

  private static final Logger LOG = LoggerFactory.getLogger(GuardedListeners.class);

  private final SessionListener[] listeners;
  private final java.util.concurrent.atomic.AtomicBoolean warned = new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * @param listeners the listeners, called in this order
   */
  public GuardedListeners(List<SessionListener> listeners) {
    this.listeners = listeners.toArray(new SessionListener[0]);
  }

  /** @return whether any listener is registered; callers skip building events when not */
  public boolean isEmpty() {
    return listeners.length == 0;
  }

  /**
   * Delivers an event to every listener.
   *
   * @param event the event
   */
  public void publish(SessionEvent event) {
    for (SessionListener listener : listeners) {
      try {
        listener.onEvent(event);
      } catch (RuntimeException | LinkageError e) {
        if (warned.compareAndSet(false, true)) {
          LOG.warn("session listener {} failed on {}; the event was dropped for it (later failures log at DEBUG)",
              listener.getClass().getName(), event.getClass().getSimpleName(), e);
        } else {
          LOG.debug("session listener {} failed on {}", listener.getClass().getName(),
              event.getClass().getSimpleName(), e);
        }
      }
    }
  }
}
