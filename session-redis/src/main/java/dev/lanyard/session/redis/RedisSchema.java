package dev.lanyard.session.redis;

import dev.lanyard.session.SessionHandle;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one definition of what the store keeps in Redis: key names and session hash fields. Java
 * builds and parses keys only here, {@link RecordCodec} names fields only through these constants,
 * and the scripts receive the field names from {@link #luaPrelude()} (they never spell one). The
 * layout itself, with its reasons, is documented in {@code docs/redis.md} ("Key layout"). Immutable
 * and thread-safe.
 */
final class RedisSchema {

    /** Session hash fields; metadata names never start with {@link #ATTRIBUTE_PREFIX}. */
    enum Field {
        /** Packed fixed metadata: version, creation, absolute expiry, authentication time. */
        META("m"),
        /** Last access, epoch milliseconds. */
        LAST_ACCESS("l"),
        /** Idle timeout, milliseconds. */
        IDLE_TIMEOUT("i"),
        /** Attribute bytes (the payload measure), kept by the update script. */
        SIZE("z"),
        /** The user ID; absent for an anonymous session. */
        USER("u"),
        /** The user's version when the user was bound; absent for 0. */
        USER_VERSION("w"),
        /** The node that last wrote the session. */
        NODE("n"),
        /** The user-agent summary. */
        AGENT("a"),
        /** The client address prefix. */
        ADDRESS("p"),
        /** Present when the session has a timeout marker key. */
        MARKED("x"),
        /**
         * How many updates the session has had (absent for 0): the update script adds one, so Redis
         * orders a session's updates; the near cache keeps the copy with the highest count.
         */
        WRITES("c");

        final String name;
        final byte[] bytes;

        Field(String name) {
            this.name = name;
            this.bytes = name.getBytes(StandardCharsets.US_ASCII);
        }
    }

    /** Prefix of the field of each attribute: {@code _<name>}. */
    static final String ATTRIBUTE_PREFIX = "_";

    /** Kinds of key, each {@code <prefix><kind>:}. */
    static final String SESSION = "s:";

    static final String TIMEOUT_MARKER = "x:";
    static final String USER_INDEX = "u:";
    static final String USER_VERSION = "uv:";
    static final String VALUE = "v:";

    /** The length of the digest in a user key's hash tag ({@link #userTag}). */
    static final int USER_TAG_LENGTH = 40;

    private final String prefix;
    // The encoded forms of what every session's keys start with, made once: a load names both keys.
    private final byte[] prefixBytes;
    private final byte[] sessionKeyStart;
    private final byte[] timeoutKeyStart;

    RedisSchema(String prefix) {
        this.prefix = prefix;
        this.prefixBytes = bytes(prefix);
        this.sessionKeyStart = bytes(prefix + SESSION + "{");
        this.timeoutKeyStart = bytes(prefix + TIMEOUT_MARKER + "{");
    }

    String prefix() {
        return prefix;
    }

    /** The prefix, UTF-8 encoded, as scripts take it; callers must not change the array. */
    byte[] prefixBytes() {
        return prefixBytes;
    }

    /** {@code <prefix>s:{<handle>}}: the session's hash. */
    byte[] sessionKey(SessionHandle handle) {
        return keyOf(sessionKeyStart, handle);
    }

    /** {@code <prefix>x:{<handle>}}: the session's timeout marker, in the session's slot. */
    byte[] timeoutKey(SessionHandle handle) {
        return keyOf(timeoutKeyStart, handle);
    }

    /** {@code start}, the handle and a closing brace: the bytes of the string concatenation. */
    private static byte[] keyOf(byte[] start, SessionHandle handle) {
        byte[] tag = bytes(handle.value());
        byte[] key = new byte[start.length + tag.length + 1];
        System.arraycopy(start, 0, key, 0, start.length);
        System.arraycopy(tag, 0, key, start.length, tag.length);
        key[key.length - 1] = '}';
        return key;
    }

    /** {@code <prefix>u:{<sha1hex(userId)>}<userId>}: the user's sorted set of handles. */
    byte[] indexKey(String userId) {
        return bytes(prefix + USER_INDEX + "{" + userTag(userId) + "}" + userId);
    }

    /** {@code <prefix>uv:{<sha1hex(userId)>}<userId>}: the user's version, in the index's slot. */
    byte[] userVersionKey(String userId) {
        return bytes(prefix + USER_VERSION + "{" + userTag(userId) + "}" + userId);
    }

    /** {@code <prefix>v:<key>}: an {@code AtomicValueStore} value. */
    byte[] valueKey(String key) {
        return bytes(prefix + VALUE + key);
    }

    /** The session hash and its timeout marker: the KEYS of every session script. */
    byte[][] sessionKeys(SessionHandle handle) {
        return new byte[][] {sessionKey(handle), timeoutKey(handle)};
    }

    /** The prefix of every user version key, which a near cache tracks in broadcast mode. */
    String userVersionPrefix() {
        return prefix + USER_VERSION;
    }

    /** The user's index and version, which share a slot. */
    byte[][] userKeys(String userId) {
        return new byte[][] {indexKey(userId), userVersionKey(userId)};
    }

    /** The handle of a session key, or null for any other key. */
    SessionHandle handleOfSessionKey(String key) {
        return handleBetween(key, prefix + SESSION + "{");
    }

    /** The handle of a timeout marker key, or null for any other key. */
    SessionHandle handleOfTimeoutKey(String key) {
        return handleBetween(key, prefix + TIMEOUT_MARKER + "{");
    }

    /** The user whose version key this is, or null for any other key. */
    String userOfVersionKey(String key) {
        String start = prefix + USER_VERSION + "{";
        int tagEnd = start.length() + USER_TAG_LENGTH;
        if (!key.startsWith(start) || key.length() < tagEnd + 2 || key.charAt(tagEnd) != '}') {
            return null;
        }
        return key.substring(tagEnd + 1);
    }

    private static SessionHandle handleBetween(String key, String start) {
        if (!key.startsWith(start) || !key.endsWith("}")) {
            return null;
        }
        String value = key.substring(start.length(), key.length() - 1);
        return SessionHandle.isWellFormed(value) ? SessionHandle.of(value) : null;
    }

    /**
     * Lua that every script starts with: the table {@code F} of field names, and the function that
     * names a user's version key from the key prefix and a user ID ({@code userVersionKey}), which
     * only the single-server scripts may call (see {@link Script}).
     */
    static String luaPrelude() {
        Map<String, String> names = new LinkedHashMap<>();
        for (Field f : Field.values()) {
            names.put(f.name(), f.name);
        }
        StringBuilder lua = new StringBuilder("local F = {");
        names.forEach((k, v) -> lua.append(k).append(" = '").append(v).append("', "));
        lua.append("ATTRIBUTE_PREFIX = '").append(ATTRIBUTE_PREFIX).append("'}\n");
        lua.append("local function userVersionKey(prefix, user)\n")
                .append("  return prefix .. '")
                .append(USER_VERSION)
                .append("{' .. redis.sha1hex(user) .. '}' .. user\n")
                .append("end\n");
        return lua.toString();
    }

    /**
     * The hash tag of a user's keys: the SHA-1 of the user ID's UTF-8 bytes, 40 hex digits, as Lua
     * computes it with {@code redis.sha1hex}. A fixed-length digest, so no user ID (one that starts
     * with {@code '}'}, holds braces, or is long) can empty the tag or share another user's; the full
     * ID follows the tag, so two users never share a key even if their digests met.
     */
    static String userTag(String userId) {
        return sha1(userId);
    }

    static String sha1(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(40);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is a required JDK algorithm", e);
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
