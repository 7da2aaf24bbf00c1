package dev.lanyard.session.servlet;

import dev.lanyard.session.SessionManager;
import dev.lanyard.session.StoreUnavailableException;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.internal.ModuleEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where fail-open or fail-closed is decided for one request. A fail-closed route stops at the first
 * store failure (the filter answers {@code 503}); a fail-open route goes on without the store: the
 * request's stored session is forgotten, a session it asks for is a {@link TransientSession}, and
 * {@code FailOpen} is published once.
 *
 * <p>Not thread-safe: {@link RequestSession} calls it under its lock.
 */
final class StoreOutage {

    private static final Logger LOG = LoggerFactory.getLogger(RequestSession.class);

    private final SessionManager manager;
    private final RoutePolicy route;
    private final FailureMode mode;
    private boolean down;

    StoreOutage(SessionManager manager, RoutePolicy route, FailureMode mode) {
        this.manager = manager;
        this.route = route;
        this.mode = mode;
    }

    /** Whether the store failed earlier in this request on a fail-open route. */
    boolean isDown() {
        return down;
    }

    /**
     * Meets a store failure with the route's failure mode.
     *
     * @param what the operation that failed, for the log
     * @return {@code true} when the route fails open and the request goes on without the store
     */
    boolean failsOpen(StoreUnavailableException e, String what) {
        LOG.warn("session store unavailable ({}) on route {}: {}", what, route.pattern(), e.getMessage());
        if (mode != FailureMode.OPEN) {
            return false;
        }
        if (!down) {
            down = true;
            ModuleEvents.publish(
                    manager, new SessionEvent.FailOpen(manager.clock().instant(), route.pattern()));
        }
        return true;
    }
}
