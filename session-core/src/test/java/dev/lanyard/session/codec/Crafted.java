package dev.lanyard.session.codec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;

/** Stored values as an attacker (or an older node) writes them: Java serialization with no checks. */
public final class Crafted {

    private Crafted() {}

    /**
     * @param value any serializable value
     * @return the bytes the default codec stores for it, written without any of its checks
     */
    public static byte[] serialized(Object value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(16);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
