package dev.lanyard.session.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The ARGV of one script call, given by name: each {@link #put} must name the script's next
 * declared argument, and {@link #build()} fails when one is missing, so a Java call reads as the
 * script's header and cannot drift from it. A variadic tail ({@code ...name}) is filled with {@link
 * #rest}. Not thread-safe; one per call.
 */
final class ScriptArgs {

    static final byte[] EMPTY = new byte[0];
    static final byte[] ONE = {'1'};
    static final byte[] ZERO = {'0'};

    private final Script script;
    private final List<byte[]> values = new ArrayList<>();
    private int next;

    ScriptArgs(Script script) {
        this.script = script;
    }

    /** Sets the next declared argument, which must be called {@code name}. */
    ScriptArgs put(String name, byte[] value) {
        List<String> names = script.argNames();
        if (next >= names.size() || !names.get(next).equals(name)) {
            String expected = next < names.size() ? names.get(next) : "nothing more";
            throw new IllegalArgumentException(script + ": expected " + expected + ", got " + name);
        }
        values.add(value);
        next++;
        return this;
    }

    ScriptArgs put(String name, String value) {
        return put(name, value.getBytes(StandardCharsets.UTF_8));
    }

    ScriptArgs put(String name, long value) {
        return put(name, Long.toString(value));
    }

    /** A flag: {@code '1'} or {@code '0'}. */
    ScriptArgs put(String name, boolean value) {
        return put(name, value ? ONE : ZERO);
    }

    /** A duration in milliseconds, at least 1 (Redis refuses a TTL of 0). */
    ScriptArgs put(String name, Duration value) {
        return put(name, Math.max(1, value.toMillis()));
    }

    /** Appends values to the variadic tail, which must be called {@code ...name}. */
    ScriptArgs rest(String name, Collection<byte[]> tail) {
        List<String> names = script.argNames();
        if (next != names.size() - 1 || !names.get(next).equals("..." + name)) {
            throw new IllegalArgumentException(script + ": " + name + " is not its variadic tail");
        }
        values.addAll(tail);
        return this;
    }

    byte[][] build() {
        List<String> names = script.argNames();
        boolean tailLeft = next == names.size() - 1 && names.get(next).startsWith("...");
        if (next != names.size() && !tailLeft) {
            throw new IllegalArgumentException(script + ": missing " + names.subList(next, names.size()));
        }
        return values.toArray(new byte[0][]);
    }
}
