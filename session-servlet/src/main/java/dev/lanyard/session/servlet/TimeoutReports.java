package dev.lanyard.session.servlet;

import dev.lanyard.session.Session;
import dev.lanyard.session.spi.ExpiryNotifyingStore;
import jakarta.servlet.ServletContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Tells session listeners about sessions that time out in the store, as a container's would: {@code
 * sessionDestroyed} with the attributes readable, then {@code valueUnbound} and {@code
 * attributeRemoved} per attribute. Only stores that report timeouts can ({@link
 * dev.lanyard.session.SessionManager#reportsTimeouts()}).
 */
final class TimeoutReports {

    private static final Logger LOG = LoggerFactory.getLogger(LanyardSessionFilter.class);

    private TimeoutReports() {}

    /**
     * Subscribes the filter's listeners to sessions that time out.
     *
     * @return the subscription to close when the filter is destroyed, or {@code null} when there is
     *     none (the store does not report timeouts, or subscribing failed: both are logged)
     */
    static ExpiryNotifyingStore.Subscription subscribe(FilterSettings s, ServletContext context) {
        if (!s.manager.reportsTimeouts()) {
            if (s.listeners.hasLifecycleListeners()) {
                LOG.warn("the session store does not report sessions that time out:"
                        + " HttpSessionListener.sessionDestroyed is called only for sessions that end"
                        + " otherwise (for Redis, enable expiryNotifications)");
            }
            return null;
        }
        try {
            return s.manager.onTimeout(session -> timedOut(s, context, session));
        } catch (RuntimeException e) {
            LOG.warn(
                    "could not subscribe to sessions that time out ({}: {}): sessionDestroyed will not be"
                            + " called for them until the application restarts",
                    e.getClass().getSimpleName(),
                    e.getMessage());
            return null;
        }
    }

    private static void timedOut(FilterSettings s, ServletContext context, Session session) {
        String previous = MDC.get(LanyardSessionFilter.MDC_SESSION);
        MDC.put(LanyardSessionFilter.MDC_SESSION, session.handle().value());
        try {
            s.listeners.timedOut(new TimedOutHttpSession(session, context), session.attributes());
        } finally {
            if (previous == null) {
                MDC.remove(LanyardSessionFilter.MDC_SESSION);
            } else {
                MDC.put(LanyardSessionFilter.MDC_SESSION, previous);
            }
        }
    }
}
