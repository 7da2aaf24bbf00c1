package dev.lanyard.session.servlet;

import dev.lanyard.session.Session;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.util.Collections;
import java.util.Enumeration;
import java.util.TreeSet;

/**
 * The {@link HttpSession} that listeners see for a session that timed out, outside any request,
 * while they are told ({@code sessionDestroyed}, then {@code valueUnbound} and
 * {@code attributeRemoved} per attribute). It reads the session's last state: the ID (its public
 * handle), times, and attributes. The session is already gone from the store, so every change
 * ({@code setAttribute}, {@code removeAttribute}, {@code invalidate},
 * {@code setMaxInactiveInterval}) throws {@link IllegalStateException}.
 */
final class TimedOutHttpSession implements HttpSession {

    private final Session session;
    private final ServletContext context;

    TimedOutHttpSession(Session session, ServletContext context) {
        this.session = session;
        this.context = context;
    }

    @Override
    public String getId() {
        return session.handle().value();
    }

    @Override
    public long getCreationTime() {
        return session.createdAt().toEpochMilli();
    }

    @Override
    public long getLastAccessedTime() {
        return session.lastAccessedAt().toEpochMilli();
    }

    @Override
    public ServletContext getServletContext() {
        return context;
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
        throw ended();
    }

    @Override
    public int getMaxInactiveInterval() {
        return (int) Math.min(Integer.MAX_VALUE, session.idleTimeout().getSeconds());
    }

    @Override
    public Object getAttribute(String name) {
        return name == null ? null : session.attributes().get(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
        return Collections.enumeration(new TreeSet<>(session.attributes().keySet()));
    }

    @Override
    public void setAttribute(String name, Object value) {
        throw ended();
    }

    @Override
    public void removeAttribute(String name) {
        throw ended();
    }

    @Override
    public void invalidate() {
        throw ended();
    }

    @Override
    public boolean isNew() {
        return false;
    }

    private static IllegalStateException ended() {
        return new IllegalStateException("the session timed out and has been removed");
    }

    @Override
    public String toString() {
        return "TimedOutHttpSession[" + session.handle() + "]";
    }
}
