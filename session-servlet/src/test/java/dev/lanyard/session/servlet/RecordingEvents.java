package dev.lanyard.session.servlet;

import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps every session event, for assertions. */
final class RecordingEvents implements SessionListener {

    final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(SessionEvent event) {
        events.add(event);
    }

    <T extends SessionEvent> List<T> of(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
