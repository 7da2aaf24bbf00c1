package dev.lanyard.session.spi;

/**
 * Turns attribute values into bytes for the store and back. Implementations must be
 * thread-safe and must never execute code chosen by whoever wrote the bytes: a record in the
 * store is not trusted input.
 *
 * @since 0.1.0
 */
public interface AttributeCodec {

    /**
     * Encodes a value.
     *
     * @param name the attribute's name
     * @param value the value, never {@code null}
     * @return the bytes; the caller owns the array
     * @throws IllegalArgumentException if this codec cannot encode the value (the message names the
     *     attribute and the value's type, never the value)
     */
    byte[] encode(String name, Object value);

    /**
     * Decodes a value.
     *
     * @param name the attribute's name
     * @param bytes the stored bytes
     * @return the value
     * @throws dev.lanyard.session.UnreadableSessionException if the bytes are corrupt, name a class
     *     that is missing or not allowed, or exceed the codec's limits
     */
    Object decode(String name, byte[] bytes);
}
