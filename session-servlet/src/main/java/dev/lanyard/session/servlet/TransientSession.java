package dev.lanyard.session.servlet;

import dev.lanyard.session.SessionId;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A session that lives for one request and is never stored or sent to the client. A request gets
 * one when it asks for a session while the store is down on a fail-open route, or when its client
 * has created more anonymous sessions than {@code anonymousSessionRate} allows: the application
 * works as usual for that request, and nothing of it survives. Its ID is a fresh handle that no
 * stored session has.
 *
 * <p>Not thread-safe: {@link RequestSession} calls it under its lock.
 */
final class TransientSession implements SessionContents {

    private final Map<String, Object> attributes = new LinkedHashMap<>();
    private final Instant createdAt;
    private String id;
    private Duration idleTimeout;

    TransientSession(SecureRandom random, Instant now, Duration idleTimeout) {
        this.id = newId(random);
        this.createdAt = now;
        this.idleTimeout = idleTimeout;
    }

    @Override
    public String id() {
        return id;
    }

    /** {@code changeSessionId()} on a transient session: a new handle, nothing else changes. */
    String changeId(SecureRandom random) {
        id = newId(random);
        return id;
    }

    @Override
    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public Duration idleTimeout() {
        return idleTimeout;
    }

    @Override
    public void idleTimeout(Duration value) {
        this.idleTimeout = value;
    }

    @Override
    public Instant lastAccessedAt() {
        return createdAt;
    }

    @Override
    public Object read(String name) {
        return attributes.get(name);
    }

    @Override
    public Object peek(String name) {
        return attributes.get(name);
    }

    @Override
    public void put(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void remove(String name) {
        attributes.remove(name);
    }

    @Override
    public Set<String> names() {
        return new TreeSet<>(attributes.keySet());
    }

    private static String newId(SecureRandom random) {
        return SessionId.generate(random).handle().value();
    }
}
