package dev.lanyard.session.redis;

import static dev.lanyard.session.redis.RedisSchema.Field.ADDRESS;
import static dev.lanyard.session.redis.RedisSchema.Field.AGENT;
import static dev.lanyard.session.redis.RedisSchema.Field.IDLE_TIMEOUT;
import static dev.lanyard.session.redis.RedisSchema.Field.LAST_ACCESS;
import static dev.lanyard.session.redis.RedisSchema.Field.META;
import static dev.lanyard.session.redis.RedisSchema.Field.NODE;
import static dev.lanyard.session.redis.RedisSchema.Field.SIZE;
import static dev.lanyard.session.redis.RedisSchema.Field.USER;
import static dev.lanyard.session.redis.RedisSchema.Field.USER_VERSION;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.UnreadableSessionException;
import dev.lanyard.session.spi.SessionRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link SessionRecord} into the fields of its Redis hash and back. Metadata is compact so
 * that every field value of a typical session stays under Redis's {@code hash-max-listpack-value}
 * (64 bytes) and the hash keeps the small listpack encoding: one packed field {@code m} holds the
 * fields that only rotation changes (version and creation time in base 36, absolute expiry and
 * authentication time as base-36 offsets from creation), and the fields a script must read or
 * change are separate decimal integers (the user's version stamp {@code w} only when not 0). Attributes
 * are fields named {@code _<name>}; metadata names never start with {@code _}, so no attribute can
 * collide with metadata. The field names are defined in {@link RedisSchema.Field}. Stateless and
 * thread-safe.
 */
final class RecordCodec {

    static final String ATTRIBUTE_PREFIX = RedisSchema.ATTRIBUTE_PREFIX;

    private RecordCodec() {}

    /**
     * Encodes a record as alternating field names and values, ready for {@code HSET}.
     *
     * @param r the record
     * @return field, value, field, value, ...
     */
    static List<byte[]> encode(SessionRecord r) {
        List<byte[]> out = new ArrayList<>(16 + 2 * r.attributes().size());
        // Absolute expiry and authentication time as offsets from creation: "ppxc0" for 12 hours and
        // "0" for a login session instead of two 8-digit instants keep a typical hash 32 bytes smaller
        // (it stays in a smaller allocation class).
        long created = r.createdAt().toEpochMilli();
        String meta = Long.toString(r.version(), 36)
                + '.'
                + Long.toString(created, 36)
                + '.'
                + Long.toString(r.absoluteExpiry().toEpochMilli() - created, 36)
                + '.'
                + (r.authenticatedAt() == null
                        ? ""
                        : Long.toString(r.authenticatedAt().toEpochMilli() - created, 36));
        put(out, META, meta);
        put(out, LAST_ACCESS, Long.toString(r.lastAccessedAt().toEpochMilli()));
        put(out, IDLE_TIMEOUT, Long.toString(r.idleTimeout().toMillis()));
        put(out, SIZE, Long.toString(r.attributeBytes()));
        if (r.userId() != null) {
            put(out, USER, r.userId());
        }
        if (r.userVersion() != 0) {
            put(out, USER_VERSION, Long.toString(r.userVersion()));
        }
        if (r.lastNode() != null) {
            put(out, NODE, r.lastNode());
        }
        if (!r.client().userAgent().isEmpty()) {
            put(out, AGENT, r.client().userAgent());
        }
        if (!r.client().addressPrefix().isEmpty()) {
            put(out, ADDRESS, r.client().addressPrefix());
        }
        for (Map.Entry<String, byte[]> e : r.attributes().entrySet()) {
            out.add(attributeField(e.getKey()));
            out.add(e.getValue());
        }
        return out;
    }

    /**
     * Decodes a hash read with {@code HGETALL}.
     *
     * @param handle the session's handle
     * @param fields the hash's fields, not empty
     * @return the record
     * @throws UnreadableSessionException if required metadata is missing or malformed
     */
    static SessionRecord decode(SessionHandle handle, Map<byte[], byte[]> fields) {
        Map<String, byte[]> attributes = new HashMap<>();
        Map<String, String> meta = new HashMap<>();
        for (Map.Entry<byte[], byte[]> e : fields.entrySet()) {
            String name = new String(e.getKey(), StandardCharsets.UTF_8);
            if (name.startsWith(ATTRIBUTE_PREFIX)) {
                attributes.put(name.substring(1), e.getValue());
            } else {
                meta.put(name, new String(e.getValue(), StandardCharsets.UTF_8));
            }
        }
        return decode(handle, meta, attributes);
    }

    /**
     * Decodes alternating field names and values, as a script returns them.
     *
     * @param handle the session's handle
     * @param flat the fields, starting at {@code from}
     * @param from the index of the first field name
     * @return the record
     */
    static SessionRecord decode(SessionHandle handle, List<Object> flat, int from) {
        Map<String, byte[]> attributes = new HashMap<>();
        Map<String, String> meta = new HashMap<>();
        for (int i = from; i + 1 < flat.size(); i += 2) {
            if (!(flat.get(i) instanceof byte[] key) || !(flat.get(i + 1) instanceof byte[] value)) {
                throw new UnreadableSessionException(handle, "the stored session has a malformed field", null);
            }
            String name = new String(key, StandardCharsets.UTF_8);
            if (name.startsWith(ATTRIBUTE_PREFIX)) {
                attributes.put(name.substring(1), value);
            } else {
                meta.put(name, new String(value, StandardCharsets.UTF_8));
            }
        }
        return decode(handle, meta, attributes);
    }

    private static SessionRecord decode(
            SessionHandle handle, Map<String, String> meta, Map<String, byte[]> attributes) {
        try {
            String[] packed = packedParts(required(meta, META));
            long version = Long.parseLong(packed[0], 36);
            long createdMillis = Long.parseLong(packed[1], 36);
            Instant created = Instant.ofEpochMilli(createdMillis);
            Instant absolute = Instant.ofEpochMilli(Math.addExact(createdMillis, Long.parseLong(packed[2], 36)));
            Instant authenticated = packed[3].isEmpty()
                    ? null
                    : Instant.ofEpochMilli(Math.addExact(createdMillis, Long.parseLong(packed[3], 36)));
            Instant lastAccess = Instant.ofEpochMilli(Long.parseLong(required(meta, LAST_ACCESS)));
            Duration idle = Duration.ofMillis(Long.parseLong(required(meta, IDLE_TIMEOUT)));
            ClientInfo client = new ClientInfo(meta.getOrDefault(AGENT.name, ""), meta.getOrDefault(ADDRESS.name, ""));
            long userVersion = meta.containsKey(USER_VERSION.name) ? Long.parseLong(meta.get(USER_VERSION.name)) : 0;
            return SessionRecord.builder()
                    .handle(handle)
                    .userId(meta.get(USER.name))
                    .version(version)
                    .userVersion(userVersion)
                    .createdAt(created)
                    .lastAccessedAt(lastAccess)
                    .idleTimeout(idle)
                    .absoluteExpiry(absolute)
                    .authenticatedAt(authenticated)
                    .lastNode(meta.get(NODE.name))
                    .client(client)
                    .attributes(attributes)
                    .build();
        } catch (IllegalArgumentException
                | ArithmeticException
                | NullPointerException
                | java.time.DateTimeException e) {
            // The message names what is wrong with the metadata, never a stored value.
            throw new UnreadableSessionException(handle, "the stored session's metadata cannot be read", null);
        }
    }

    /**
     * Whether a hash read with {@code HGETALL} has the field.
     *
     * @param fields the hash's fields
     * @param field the field
     * @return true when present
     */
    static boolean has(Map<byte[], byte[]> fields, RedisSchema.Field field) {
        for (byte[] key : fields.keySet()) {
            if (Arrays.equals(key, field.bytes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The session's write counter in a hash read with {@code HGETALL}: 0 when absent or unreadable,
     * as {@link #writes(List, int)}.
     *
     * @param fields the hash's fields
     * @return the count of updates Redis applied to the session
     */
    static long writes(Map<byte[], byte[]> fields) {
        for (Map.Entry<byte[], byte[]> e : fields.entrySet()) {
            if (Arrays.equals(e.getKey(), RedisSchema.Field.WRITES.bytes)) {
                return count(e.getValue());
            }
        }
        return 0;
    }

    /**
     * The session's write counter in alternating field names and values, as a script returns them:
     * 0 when absent (a session never updated, or written before the counter existed) or unreadable.
     *
     * @param flat the fields, starting at {@code from}
     * @param from the index of the first field name
     * @return the count of updates Redis applied to the session
     */
    static long writes(List<Object> flat, int from) {
        for (int i = from; i + 1 < flat.size(); i += 2) {
            if (flat.get(i) instanceof byte[] key
                    && Arrays.equals(key, RedisSchema.Field.WRITES.bytes)
                    && flat.get(i + 1) instanceof byte[] value) {
                return count(value);
            }
        }
        return 0;
    }

    private static long count(byte[] value) {
        try {
            return Long.parseLong(new String(value, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The four dot-separated parts of the packed metadata (what {@code split("\\.", -1)} gives,
     * without a regex, a list and an array copy on every load).
     */
    static String[] packedParts(String packed) {
        String[] parts = new String[4];
        int from = 0;
        for (int i = 0; i < 3; i++) {
            int dot = packed.indexOf('.', from);
            if (dot < 0) {
                throw new IllegalArgumentException("packed metadata has " + (i + 1) + " parts");
            }
            parts[i] = packed.substring(from, dot);
            from = dot + 1;
        }
        if (packed.indexOf('.', from) >= 0) {
            throw new IllegalArgumentException("packed metadata has more than 4 parts");
        }
        parts[3] = packed.substring(from);
        return parts;
    }

    private static String required(Map<String, String> meta, RedisSchema.Field field) {
        String value = meta.get(field.name);
        if (value == null) {
            throw new IllegalArgumentException("missing field " + field.name);
        }
        return value;
    }

    static byte[] attributeField(String name) {
        return bytes(ATTRIBUTE_PREFIX + name);
    }

    private static void put(List<byte[]> out, RedisSchema.Field field, String value) {
        out.add(field.bytes);
        out.add(bytes(value));
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
