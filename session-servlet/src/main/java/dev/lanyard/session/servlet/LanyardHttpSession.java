package dev.lanyard.session.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.time.Duration;
import java.util.Collections;
import java.util.Enumeration;

/**
 * The {@link HttpSession} an application sees, valid for the request that obtained it only. It
 * answers the servlet contract over its request's {@link RequestSession}, whose lock it takes:
 * attributes come from the stored snapshot with the request's {@link PendingChanges} over it (or
 * from a {@link TransientSession}), and listeners hear of changes as they would from a container.
 * After {@link #invalidate()} (or a logout through {@link LanyardSessions}) every method but {@link
 * #getServletContext()} throws {@link IllegalStateException}, as the servlet specification asks.
 */
final class LanyardHttpSession implements HttpSession {

    private final RequestSession owner;

    LanyardHttpSession(RequestSession owner) {
        this.owner = owner;
    }

    /** Returns the public handle: see the class documentation of {@link LanyardSessionFilter}. */
    @Override
    public String getId() {
        synchronized (owner) {
            owner.checkValid(this);
            return owner.contents().id();
        }
    }

    @Override
    public long getCreationTime() {
        synchronized (owner) {
            owner.checkValid(this);
            return owner.contents().createdAt().toEpochMilli();
        }
    }

    @Override
    public long getLastAccessedTime() {
        synchronized (owner) {
            owner.checkValid(this);
            return owner.contents().lastAccessedAt().toEpochMilli();
        }
    }

    @Override
    public ServletContext getServletContext() {
        return owner.servletContext();
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        synchronized (owner) {
            owner.checkValid(this);
            // At most the absolute timeout, which 0 or less stands for.
            Duration absolute = owner.manager().policy().absoluteTimeout();
            Duration idle = interval <= 0 ? absolute : Duration.ofSeconds(interval);
            owner.contents().idleTimeout(idle.compareTo(absolute) > 0 ? absolute : idle);
        }
    }

    @Override
    public int getMaxInactiveInterval() {
        synchronized (owner) {
            owner.checkValid(this);
            return (int)
                    Math.min(Integer.MAX_VALUE, owner.contents().idleTimeout().getSeconds());
        }
    }

    @Override
    public Object getAttribute(String name) {
        synchronized (owner) {
            owner.checkValid(this);
            return name == null ? null : owner.contents().read(name);
        }
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        synchronized (owner) {
            owner.checkValid(this);
            return Collections.enumeration(owner.visibleNames());
        }
    }

    @Override
    public void setAttribute(String name, Object value) {
        synchronized (owner) {
            owner.checkValid(this);
            checkName(name);
            if (value == null) {
                removeAttribute(name);
                return;
            }
            // Refused here, where the application can see it, rather than lost on the next request.
            if (!(owner.contents() instanceof TransientSession)) {
                owner.manager().checkAttribute(name, value);
            }
            Object old = owner.contents().peek(name);
            owner.contents().put(name, value);
            owner.listeners().set(this, name, value, old);
        }
    }

    @Override
    public void removeAttribute(String name) {
        synchronized (owner) {
            owner.checkValid(this);
            if (name == null) {
                return;
            }
            Object old = owner.contents().peek(name);
            if (old == null) {
                return;
            }
            owner.contents().remove(name);
            owner.listeners().removed(this, name, old);
        }
    }

    @Override
    public void invalidate() {
        synchronized (owner) {
            owner.checkValid(this);
            owner.end();
        }
    }

    @Override
    public boolean isNew() {
        synchronized (owner) {
            owner.checkValid(this);
            return owner.isNew();
        }
    }

    private static void checkName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("an attribute name must not be null");
        }
        if (name.startsWith(RequestSession.RESERVED_PREFIX)) {
            throw new IllegalArgumentException("attribute names starting with '"
                    + RequestSession.RESERVED_PREFIX
                    + "' are reserved for Lanyard; use LanyardSessions for roles and tokens");
        }
    }

    @Override
    public String toString() {
        return "LanyardHttpSession[" + owner + "]";
    }
}
