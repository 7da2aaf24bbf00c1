package dev.lanyard.examples.war;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An ordinary session listener declared in {@code web.xml}, knowing nothing of Lanyard: it counts
 * sessions created and destroyed and attributes added. Lanyard finds it there and notifies it for
 * its sessions. The counts live in the {@code ServletContext}, so they do not depend on which
 * instance of the class is told (see {@code docs/servlet.md}).
 */
public class SessionAudit implements HttpSessionListener, HttpSessionAttributeListener {

    private static final String COUNTS = SessionAudit.class.getName() + ".counts";

    /** Creates the listener (the container, and Lanyard, call this). */
    public SessionAudit() {}

    @Override
    public void sessionCreated(HttpSessionEvent event) {
        count(event.getSession().getServletContext(), "created");
    }

    @Override
    public void sessionDestroyed(HttpSessionEvent event) {
        count(event.getSession().getServletContext(), "destroyed");
    }

    @Override
    public void attributeAdded(HttpSessionBindingEvent event) {
        count(event.getSession().getServletContext(), "attributesAdded");
    }

    static void count(ServletContext context, String what) {
        counts(context).computeIfAbsent(what, k -> new AtomicInteger()).incrementAndGet();
    }

    /**
     * @param context the application's context
     * @return every count so far, by name, sorted
     */
    static Map<String, Integer> snapshot(ServletContext context) {
        Map<String, Integer> copy = new TreeMap<>();
        counts(context).forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, AtomicInteger> counts(ServletContext context) {
        synchronized (context) {
            Object counts = context.getAttribute(COUNTS);
            if (counts == null) {
                counts = new ConcurrentHashMap<String, AtomicInteger>();
                context.setAttribute(COUNTS, counts);
            }
            return (Map<String, AtomicInteger>) counts;
        }
    }
}
