package dev.lanyard.session.servlet;

import dev.lanyard.session.Session;
import dev.lanyard.session.SessionUpdate;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.TemporalAccessor;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The changes one request made to a stored session, kept until they are written as one {@link
 * SessionUpdate} ({@link #toUpdate()}): attributes put, attributes removed, values read that the
 * application may have changed in place ({@link AttributeSaveMode#ON_GET_MUTABLE}), and a new idle
 * timeout. Reads see these changes over the stored session, which the request may replace
 * (rotation, save) while the changes stay: it is asked for the current one each time.
 *
 * <p>Not thread-safe: {@link RequestSession} calls it under its lock.
 */
final class PendingChanges implements SessionContents {

    private final AttributeSaveMode saveMode;
    private final Supplier<Session> stored;
    private Map<String, Object> puts;
    private Set<String> removals;
    private Map<String, Object> readMutable;
    private Duration idleTimeout;

    /**
     * @param saveMode which values read are written back
     * @param stored the request's stored session as it is now ({@code null} when it has none)
     */
    PendingChanges(AttributeSaveMode saveMode, Supplier<Session> stored) {
        this.saveMode = saveMode;
        this.stored = stored;
    }

    @Override
    public String id() {
        return stored.get().handle().value();
    }

    @Override
    public Instant createdAt() {
        return stored.get().createdAt();
    }

    @Override
    public Instant lastAccessedAt() {
        return stored.get().lastAccessedAt();
    }

    @Override
    public Duration idleTimeout() {
        return idleTimeout != null ? idleTimeout : stored.get().idleTimeout();
    }

    @Override
    public void idleTimeout(Duration value) {
        this.idleTimeout = value;
    }

    @Override
    public Object read(String name) {
        if (puts != null && puts.containsKey(name)) {
            return puts.get(name);
        }
        if (removals != null && removals.contains(name)) {
            return null;
        }
        Object value = stored.get().attributes().get(name);
        if (value != null && saveMode == AttributeSaveMode.ON_GET_MUTABLE && mayBeMutable(value)) {
            if (readMutable == null) {
                readMutable = new LinkedHashMap<>();
            }
            readMutable.put(name, value);
        }
        return value;
    }

    @Override
    public Object peek(String name) {
        Session session = stored.get();
        if (session == null) {
            return null;
        }
        if (puts != null && puts.containsKey(name)) {
            return puts.get(name);
        }
        if (removals != null && removals.contains(name)) {
            return null;
        }
        return session.attributes().get(name);
    }

    @Override
    public Set<String> names() {
        Set<String> names = new TreeSet<>(stored.get().attributes().keySet());
        if (puts != null) {
            names.addAll(puts.keySet());
        }
        if (removals != null) {
            names.removeAll(removals);
        }
        return names;
    }

    @Override
    public void put(String name, Object value) {
        if (puts == null) {
            puts = new LinkedHashMap<>();
        }
        puts.put(name, value);
        if (removals != null) {
            removals.remove(name);
        }
        if (readMutable != null) {
            readMutable.remove(name);
        }
    }

    @Override
    public void remove(String name) {
        if (puts != null) {
            puts.remove(name);
        }
        if (readMutable != null) {
            readMutable.remove(name);
        }
        if (stored.get().attributes().containsKey(name)) {
            if (removals == null) {
                removals = new LinkedHashSet<>();
            }
            removals.add(name);
        }
    }

    /**
     * @return the changes as one delta: values read that may have changed first, then removals, then
     *     puts, so that a later call wins
     */
    SessionUpdate toUpdate() {
        if (puts == null && removals == null && readMutable == null && idleTimeout == null) {
            return SessionUpdate.none();
        }
        SessionUpdate.Builder update = SessionUpdate.builder();
        if (readMutable != null) {
            readMutable.forEach(update::put);
        }
        if (removals != null) {
            removals.forEach(update::remove);
        }
        if (puts != null) {
            puts.forEach(update::put);
        }
        if (idleTimeout != null) {
            update.idleTimeout(idleTimeout);
        }
        return update.build();
    }

    /** Forgets every change (written, abandoned, or the session is gone). */
    void clear() {
        puts = null;
        removals = null;
        readMutable = null;
        idleTimeout = null;
    }

    /**
     * Whether the application may change a value in place. JDK value types cannot be; anything else
     * (collections, beans, arrays) may, so reading it marks it for writing back.
     */
    static boolean mayBeMutable(Object value) {
        return !(value instanceof String
                || value instanceof Number && isJdkImmutableNumber(value)
                || value instanceof Boolean
                || value instanceof Character
                || value instanceof Enum<?>
                || value instanceof UUID
                || value instanceof TemporalAccessor && isJavaTime(value)
                || value instanceof Duration);
    }

    private static boolean isJdkImmutableNumber(Object value) {
        return value instanceof Integer
                || value instanceof Long
                || value instanceof Double
                || value instanceof Float
                || value instanceof Short
                || value instanceof Byte
                || value instanceof BigInteger
                || value instanceof BigDecimal;
    }

    private static boolean isJavaTime(Object value) {
        return value.getClass().getName().startsWith("java.time.");
    }
}
