package dev.lanyard.session.event;

/**
 * Receives {@link SessionEvent}s. Listeners are called synchronously on the thread that caused
 * the event, so they must be fast and thread-safe. Whatever a listener throws is logged and
 * dropped: a listener can never break a request.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface SessionListener {

    /**
     * Handles one event.
     *
     * @param event what happened
     */
    void onEvent(SessionEvent event);
}
