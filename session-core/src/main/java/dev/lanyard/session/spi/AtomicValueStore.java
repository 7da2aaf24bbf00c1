package dev.lanyard.session.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * An optional power of a store: small values under string keys, each with a time to live, with
 * atomic compare-and-set. Modules that keep state beside sessions use it through the session
 * store the application already runs — refresh-token families and the access-token deny-list in
 * {@code session-jwt} — so they need no second backend and no dependency on an adapter.
 *
 * <p>Every operation is atomic on its key. Keys are chosen by the caller (namespaced, such as
 * {@code rt:…}), 1 to {@value #MAX_KEY_LENGTH} printable ASCII characters; the store adds its
 * own prefix. Values are at most {@value #MAX_VALUE_BYTES} bytes. Every value has a TTL; a value
 * whose TTL has passed is absent to every operation. Thread-safe. Backend failures throw
 * {@link dev.lanyard.session.StoreUnavailableException} within the store's timeout.
 *
 * @since 0.1.0
 */
public interface AtomicValueStore {

    /** The longest key accepted. */
    int MAX_KEY_LENGTH = 200;

    /** The largest value accepted, in bytes. */
    int MAX_VALUE_BYTES = 4096;

    /**
     * Reads a value.
     *
     * @param key the key
     * @return a copy of the value, or empty when absent or expired
     */
    Optional<byte[]> get(String key);

    /**
     * Writes a value only if the key holds none.
     *
     * @param key the key
     * @param value the value
     * @param ttl its time to live, positive
     * @return {@code true} if written; {@code false} if the key held a value (nothing changed)
     */
    boolean putIfAbsent(String key, byte[] value, Duration ttl);

    /**
     * Replaces a value only if it currently equals {@code expected}, byte for byte. Of any number
     * of racing calls with the same {@code expected}, at most one succeeds.
     *
     * @param key the key
     * @param expected the value the caller read
     * @param replacement the new value
     * @param ttl the new time to live, positive
     * @return {@code true} if replaced; {@code false} if the key was absent or held another value
     */
    boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl);

    /**
     * Removes a value. Removing an absent key is not an error.
     *
     * @param key the key
     * @return {@code true} if a value was removed
     */
    boolean remove(String key);

    /**
     * Checks a key and value against the limits above, for implementations.
     *
     * @param key the key
     * @param value the value, or {@code null} when only the key is checked
     * @throws IllegalArgumentException naming the limit broken
     */
    static void checkKeyAndValue(String key, byte[] value) {
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("a value key has 1 to " + MAX_KEY_LENGTH + " characters");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("a value key holds printable ASCII only");
            }
        }
        if (value != null && value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException(
                    "a value holds at most " + MAX_VALUE_BYTES + " bytes (got " + value.length + ")");
        }
    }
}
