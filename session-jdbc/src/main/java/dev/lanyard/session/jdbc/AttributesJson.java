package dev.lanyard.session.jdbc;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.UnreadableSessionException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The attribute column: a flat JSON object of attribute name to base64 bytes, and the merge patch a
 * delta sends (the same object, with {@code null} for a removal). Only this shape is written or
 * read, so the reader is a small one for flat objects of strings.
 */
final class AttributesJson {

    private AttributesJson() {}

    static String encode(Map<String, byte[]> attributes) {
        StringBuilder out = new StringBuilder(16 + attributes.size() * 32).append('{');
        for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
            member(out, e.getKey())
                    .append('"')
                    .append(Base64.getEncoder().encodeToString(e.getValue()))
                    .append('"');
        }
        return out.append('}').toString();
    }

    /** Removals first, then puts: a name both removed and put ends up put. */
    static String patch(Set<String> removals, Map<String, byte[]> puts) {
        StringBuilder out = new StringBuilder().append('{');
        for (String name : removals) {
            if (!puts.containsKey(name)) {
                member(out, name).append("null");
            }
        }
        for (Map.Entry<String, byte[]> e : puts.entrySet()) {
            member(out, e.getKey())
                    .append('"')
                    .append(Base64.getEncoder().encodeToString(e.getValue()))
                    .append('"');
        }
        return out.append('}').toString();
    }

    /**
     * The names a delta puts or removes, each with its length as {@link
     * dev.lanyard.session.spi.SessionRecord#attributeBytes()} counts it: {@code [{"n":name,"l":length}]}.
     */
    static String touched(Set<String> removals, Set<String> putNames) {
        StringBuilder out = new StringBuilder().append('[');
        java.util.Set<String> all = new java.util.LinkedHashSet<>(removals);
        all.addAll(putNames);
        for (String name : all) {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append("{\"n\":");
            quote(out, name);
            out.append(",\"l\":").append(name.length()).append('}');
        }
        return out.append(']').toString();
    }

    private static StringBuilder member(StringBuilder out, String name) {
        if (out.length() > 1) {
            out.append(',');
        }
        quote(out, name);
        return out.append(':');
    }

    private static void quote(StringBuilder out, String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    static Map<String, byte[]> decode(SessionHandle handle, String json) {
        try {
            return new Reader(json).object();
        } catch (RuntimeException e) {
            throw new UnreadableSessionException(
                    handle, "the stored attributes are not a JSON object of base64 values", e);
        }
    }

    private static final class Reader {
        private final String text;
        private int at;

        Reader(String text) {
            this.text = text;
        }

        Map<String, byte[]> object() {
            Map<String, byte[]> out = new LinkedHashMap<>();
            expect('{');
            if (peek() == '}') {
                at++;
                return end(out);
            }
            while (true) {
                String name = string();
                expect(':');
                out.put(name, Base64.getDecoder().decode(string()));
                char c = next();
                if (c == '}') {
                    return end(out);
                }
                if (c != ',') {
                    throw new IllegalArgumentException("expected , or } at " + at);
                }
            }
        }

        private Map<String, byte[]> end(Map<String, byte[]> out) {
            if (peek() != 0) {
                throw new IllegalArgumentException("trailing text at " + at);
            }
            return out;
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = text.charAt(at++);
                if (c == '"') {
                    return out.toString();
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = text.charAt(at++);
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                        at += 4;
                    }
                    default -> throw new IllegalArgumentException("bad escape at " + at);
                }
            }
        }

        private void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("expected " + c + " at " + at);
            }
        }

        private char next() {
            char c = peek();
            if (c == 0) {
                throw new IllegalArgumentException("unexpected end");
            }
            at++;
            return c;
        }

        private char peek() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            return at < text.length() ? text.charAt(at) : 0;
        }
    }
}
