package dev.lanyard.session;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A session's attributes as one request sees them, decoded lazily: a value is decoded the first
 * time somebody reads it, and never when nobody does. A value that cannot be decoded is handed to
 * the reader's failure path once (which reports and drops it) and from then on is absent, so one
 * unreadable attribute never costs the others or the session. Unmodifiable; thread-safe.
 *
 * <p>{@link #keySet()} and {@link #size()} decode nothing, so an attribute whose value turns out
 * unreadable may be listed until somebody reads it; iterating {@link #entrySet()} decodes every
 * value and leaves the unreadable ones out.
 */
final class SessionAttributes extends AbstractMap<String, Object> {

    /** Decodes one stored value, or reports it and returns {@code null} when it cannot be read. */
    @FunctionalInterface
    interface Reader {
        Object read(String name, byte[] bytes);
    }

    static final SessionAttributes EMPTY = new SessionAttributes(Map.of(), Map.of(), Set.of(), (n, b) -> null);

    private final Map<String, byte[]> encoded;
    private final Map<String, Object> values;
    private final Set<String> unreadable;
    private final Reader reader;

    private SessionAttributes(
            Map<String, byte[]> encoded, Map<String, Object> known, Set<String> unreadable, Reader reader) {
        this.encoded = encoded;
        this.values = new ConcurrentHashMap<>(known);
        this.unreadable = ConcurrentHashMap.newKeySet();
        this.unreadable.addAll(unreadable);
        this.reader = reader;
    }

    /**
     * @param encoded the stored values by name (not copied; records are immutable)
     * @param reader how to decode one
     * @return attributes that decode on first read
     */
    static SessionAttributes lazy(Map<String, byte[]> encoded, Reader reader) {
        return encoded.isEmpty() ? EMPTY : new SessionAttributes(encoded, Map.of(), Set.of(), reader);
    }

    /**
     * Returns the attributes after a write: values already decoded stay decoded, what was put is
     * known without decoding, what was removed is gone.
     */
    SessionAttributes next(
            Map<String, byte[]> newEncoded, Map<String, Object> puts, Set<String> removals, Reader newReader) {
        Map<String, Object> known = new ConcurrentHashMap<>(values);
        Set<String> stillUnreadable = new LinkedHashSet<>(unreadable);
        for (String name : removals) {
            known.remove(name);
            stillUnreadable.remove(name);
        }
        known.putAll(puts);
        stillUnreadable.removeAll(puts.keySet());
        return new SessionAttributes(newEncoded, known, stillUnreadable, newReader);
    }

    /** @return names found unreadable so far */
    Set<String> unreadableNames() {
        return Collections.unmodifiableSet(unreadable);
    }

    @Override
    public Object get(Object key) {
        if (!(key instanceof String name)) {
            return null;
        }
        Object value = values.get(name);
        if (value != null) {
            return value;
        }
        byte[] bytes = encoded.get(name);
        if (bytes == null || unreadable.contains(name)) {
            return null;
        }
        Object decoded = reader.read(name, bytes);
        if (decoded == null) {
            unreadable.add(name);
            return null;
        }
        Object prior = values.putIfAbsent(name, decoded);
        return prior != null ? prior : decoded;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String name
                && (values.containsKey(name) || (encoded.containsKey(name) && !unreadable.contains(name)));
    }

    @Override
    public Set<String> keySet() {
        Set<String> names = new LinkedHashSet<>(encoded.keySet());
        names.addAll(values.keySet());
        names.removeAll(unreadable);
        return Collections.unmodifiableSet(names);
    }

    @Override
    public int size() {
        return keySet().size();
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        Set<Entry<String, Object>> entries = new LinkedHashSet<>();
        for (String name : keySet()) {
            Object value = get(name);
            if (value != null) {
                entries.add(new SimpleImmutableEntry<>(name, value));
            }
        }
        return Collections.unmodifiableSet(entries);
    }
}
