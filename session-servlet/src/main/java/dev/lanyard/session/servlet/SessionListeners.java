package dev.lanyard.session.servlet;

import dev.lanyard.session.internal.ListenerGuard;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EventListener;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's session listeners, notified as a container would. A listener that throws is
 * logged and skipped: an observer never breaks a request. Immutable and thread-safe.
 */
final class SessionListeners {

    private static final Logger LOG = LoggerFactory.getLogger(SessionListeners.class);

    private final ListenerGuard guard = new ListenerGuard(LOG, "session listener");

    private final List<HttpSessionListener> lifecycle = new ArrayList<>();
    /** The lifecycle listeners last to first: destruction is reported in reverse order. */
    private final List<HttpSessionListener> lifecycleReversed;

    private final List<HttpSessionAttributeListener> attributes = new ArrayList<>();
    private final List<HttpSessionIdListener> ids = new ArrayList<>();
    private final List<EventListener> all;

    SessionListeners(List<EventListener> listeners) {
        this.all = List.copyOf(listeners);
        for (EventListener l : listeners) {
            boolean known = false;
            if (l instanceof HttpSessionListener x) {
                lifecycle.add(x);
                known = true;
            }
            if (l instanceof HttpSessionAttributeListener x) {
                attributes.add(x);
                known = true;
            }
            if (l instanceof HttpSessionIdListener x) {
                ids.add(x);
                known = true;
            }
            if (!known) {
                throw new IllegalArgumentException(l.getClass().getName()
                        + " is none of HttpSessionListener, "
                        + "HttpSessionAttributeListener, HttpSessionIdListener");
            }
        }
        List<HttpSessionListener> reversed = new ArrayList<>(lifecycle);
        Collections.reverse(reversed);
        this.lifecycleReversed = reversed;
    }

    /**
     * Adds the listeners the application declared to its container, except those of a class already
     * registered here (so a listener registered both ways is notified once).
     *
     * @param declared what {@link LanyardListenerDiscovery} found
     * @return these listeners plus the new ones
     */
    SessionListeners plus(List<?> declared) {
        List<EventListener> merged = new ArrayList<>(all);
        Set<Class<?>> known = new HashSet<>();
        for (EventListener l : all) {
            known.add(l.getClass());
        }
        for (Object o : declared) {
            if (o instanceof EventListener l
                    && LanyardListenerDiscovery.isSessionListener(l.getClass())
                    && known.add(l.getClass())) {
                merged.add(l);
            }
        }
        return new SessionListeners(merged);
    }

    /**
     * @return how many listeners are registered
     */
    int size() {
        return all.size();
    }

    boolean hasAttributeListeners() {
        return !attributes.isEmpty();
    }

    boolean hasLifecycleListeners() {
        return !lifecycle.isEmpty();
    }

    void created(HttpSession session) {
        if (lifecycle.isEmpty()) {
            return;
        }
        HttpSessionEvent event = new HttpSessionEvent(session);
        guard.callEach(lifecycle, "sessionCreated", l -> l.sessionCreated(event));
    }

    void destroyed(HttpSession session) {
        if (lifecycle.isEmpty()) {
            return;
        }
        HttpSessionEvent event = new HttpSessionEvent(session);
        guard.callEach(lifecycleReversed, "sessionDestroyed", l -> l.sessionDestroyed(event));
    }

    /**
     * A session ended in a request (invalidated, logged out, revoked meanwhile): {@code
     * sessionDestroyed} while its attributes are readable, then each attribute the application sees
     * is unbound and reported removed, in name order. Names and values are read after {@code
     * sessionDestroyed}, so what its listeners changed counts.
     *
     * @param names the attribute names the application sees, sorted
     * @param values an attribute's value as it is now
     */
    void ended(HttpSession session, Supplier<Set<String>> names, Function<String, Object> values) {
        destroyed(session);
        if (attributes.isEmpty() && !holdsBindingListener(names.get(), values)) {
            return;
        }
        for (String name : names.get()) {
            Object value = values.apply(name);
            if (value != null) {
                removed(session, name, value);
            }
        }
    }

    private static boolean holdsBindingListener(Set<String> names, Function<String, Object> values) {
        for (String name : names) {
            if (values.apply(name) instanceof HttpSessionBindingListener) {
                return true;
            }
        }
        return false;
    }

    /**
     * A session timed out: {@code sessionDestroyed} while its attributes are readable, then each
     * attribute is unbound and reported removed, in name order.
     */
    void timedOut(HttpSession session, Map<String, Object> attributeValues) {
        destroyed(session);
        for (Map.Entry<String, Object> e : new TreeMap<>(attributeValues).entrySet()) {
            removed(session, e.getKey(), e.getValue());
        }
    }

    void idChanged(HttpSession session, String oldId) {
        if (ids.isEmpty()) {
            return;
        }
        HttpSessionEvent event = new HttpSessionEvent(session);
        guard.callEach(ids, "sessionIdChanged", l -> l.sessionIdChanged(event, oldId));
    }

    /** A value was set: bind the new value, unbind the old, then tell the attribute listeners. */
    void set(HttpSession session, String name, Object value, Object old) {
        if (old != value) {
            if (value instanceof HttpSessionBindingListener b) {
                guard.call(b, "valueBound", l -> l.valueBound(new HttpSessionBindingEvent(session, name, value)));
            }
            unbind(session, name, old);
        }
        if (attributes.isEmpty()) {
            return;
        }
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, old == null ? value : old);
        if (old == null) {
            guard.callEach(attributes, "attributeAdded", l -> l.attributeAdded(event));
        } else {
            guard.callEach(attributes, "attributeReplaced", l -> l.attributeReplaced(event));
        }
    }

    /** A value was removed: unbind it, then tell the attribute listeners. */
    void removed(HttpSession session, String name, Object old) {
        unbind(session, name, old);
        if (attributes.isEmpty()) {
            return;
        }
        HttpSessionBindingEvent event = new HttpSessionBindingEvent(session, name, old);
        guard.callEach(attributes, "attributeRemoved", l -> l.attributeRemoved(event));
    }

    private void unbind(HttpSession session, String name, Object old) {
        if (old instanceof HttpSessionBindingListener b) {
            guard.call(b, "valueUnbound", l -> l.valueUnbound(new HttpSessionBindingEvent(session, name, old)));
        }
    }
}
