package dev.lanyard.session;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The changes one request makes to a session: attributes put and removed, and optionally a new
 * idle timeout. Immutable; build one with {@link #builder()}. An empty update still renews the
 * session when a touch is due.
 *
 * @since 0.1.0
 */
public final class SessionUpdate {

    /** The longest attribute name accepted, in characters. */
    public static final int MAX_NAME_LENGTH = 200;

    private static final SessionUpdate NONE = new SessionUpdate(Map.of(), Set.of(), null);

    private final Map<String, Object> puts;
    private final Set<String> removals;
    private final Duration idleTimeout;

    private SessionUpdate(Map<String, Object> puts, Set<String> removals, Duration idleTimeout) {
        this.puts = puts;
        this.removals = removals;
        this.idleTimeout = idleTimeout;
    }

    /** @return an update that changes nothing (a touch, when one is due) */
    public static SessionUpdate none() {
        return NONE;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the attributes to set, by name, unmodifiable */
    public Map<String, Object> puts() {
        return puts;
    }

    /** @return the names of the attributes to remove, unmodifiable */
    public Set<String> removals() {
        return removals;
    }

    /** @return the new idle timeout, or {@code null} to keep the current one */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** @return whether the update changes nothing */
    public boolean isEmpty() {
        return puts.isEmpty() && removals.isEmpty() && idleTimeout == null;
    }

    @Override
    public String toString() {
        return "SessionUpdate[puts=" + puts.keySet() + ", removals=" + removals + ", idleTimeout=" + idleTimeout + "]";
    }

    /**
     * Collects changes; later calls for the same name win (a put after a remove sets, a remove
     * after a put removes). Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, Object> puts = new LinkedHashMap<>();
        private final Set<String> removals = new LinkedHashSet<>();
        private Duration idleTimeout;

        private Builder() {}

        /**
         * Sets an attribute; a {@code null} value removes it.
         *
         * @param name the name, 1 to {@value #MAX_NAME_LENGTH} characters
         * @param value the value, or {@code null}
         * @return this builder
         */
        public Builder put(String name, Object value) {
            checkName(name);
            if (value == null) {
                return remove(name);
            }
            removals.remove(name);
            puts.put(name, value);
            return this;
        }

        /**
         * Removes an attribute.
         *
         * @param name the name
         * @return this builder
         */
        public Builder remove(String name) {
            checkName(name);
            puts.remove(name);
            removals.add(name);
            return this;
        }

        /**
         * Sets a new idle timeout for this session; the absolute lifetime still applies.
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder idleTimeout(Duration value) {
            Objects.requireNonNull(value, "idleTimeout");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("idleTimeout (" + value + ") must be positive");
            }
            this.idleTimeout = value;
            return this;
        }

        /** @return whether nothing has been collected */
        public boolean isEmpty() {
            return puts.isEmpty() && removals.isEmpty() && idleTimeout == null;
        }

        /** @return the update */
        public SessionUpdate build() {
            if (isEmpty()) {
                return NONE;
            }
            return new SessionUpdate(
                    Collections.unmodifiableMap(new LinkedHashMap<>(puts)),
                    Collections.unmodifiableSet(new LinkedHashSet<>(removals)),
                    idleTimeout);
        }

        private static void checkName(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
                throw new IllegalArgumentException(
                        "an attribute name has 1 to " + MAX_NAME_LENGTH + " characters (got " + name.length() + ")");
            }
        }
    }
}
