package dev.lanyard.session.internal;

import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionListener;
import java.util.Arrays;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Calls every session listener through a {@link ListenerGuard}, so that an observer can never break
 * the request that caused an event. Internal: no compatibility promise.
 *
 * @since 0.1.0
 */
public final class GuardedListeners {

    private final List<SessionListener> listeners;
    private final ListenerGuard guard =
            new ListenerGuard(LoggerFactory.getLogger(GuardedListeners.class), "session listener");

    /**
     * @param listeners the listeners, called in this order
     */
    public GuardedListeners(List<SessionListener> listeners) {
        this.listeners = Arrays.asList(listeners.toArray(new SessionListener[0]));
    }

    /** @return whether any listener is registered; callers skip building events when not */
    public boolean isEmpty() {
        return listeners.isEmpty();
    }

    /**
     * Delivers an event to every listener.
     *
     * @param event the event
     */
    public void publish(SessionEvent event) {
        guard.callEach(listeners, event, l -> l.onEvent(event));
    }
}
