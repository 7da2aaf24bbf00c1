package dev.lanyard.session.memcached;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.UnreadableSessionException;
import dev.lanyard.session.spi.SessionRecord;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * The one definition of what a session item holds: a compact binary layout, read and written only
 * here. An item is either a live session or a tombstone that a rotation leaves on the old handle
 * for the instant between its two writes. Both carry the instant, by the store's clock, after which
 * the item counts as absent whatever Memcached still holds (Memcached's own expiry has one-second
 * steps).
 *
 * <pre>
 * item      = magic(1 byte 'L') format(1 byte, 1) state(1 byte: 0 live, 1 moved) deadline(long, epoch ms)
 *             [live: session]
 * session   = version(long) userVersion(long) createdAt lastAccessedAt idleTimeout absoluteExpiry
 *             authenticatedAt? userId? lastNode? userAgent addressPrefix attributeCount(int)
 *             (name value)*
 * instant   = seconds(long) nanos(int); duration likewise
 * x?        = present(byte 0/1) x
 * string    = length(int) UTF-8 bytes; value = length(int) bytes
 * </pre>
 */
final class RecordCodec {

    private static final byte MAGIC = 'L';
    private static final byte FORMAT = 1;
    private static final byte LIVE = 0;
    private static final byte MOVED = 1;
    /** Longest string or value accepted when reading: a damaged length never allocates more. */
    private static final int MAX_LENGTH = 16 * 1024 * 1024;
    /** An instant or a duration: seconds (long) and nanoseconds (int). */
    private static final int INSTANT = 8 + 4;
    /** magic, format, state, deadline. */
    private static final int HEADER = 3 + 8;
    /**
     * The live session's fields of fixed size: version, userVersion, createdAt, lastAccessedAt,
     * idleTimeout, absoluteExpiry, and the presence byte of authenticatedAt.
     */
    private static final int SESSION_FIXED = 8 + 8 + INSTANT + INSTANT + INSTANT + INSTANT + 1;

    private RecordCodec() {}

    /**
     * A decoded item.
     *
     * @param record the session, or {@code null} for a tombstone
     * @param deadline when the item stops counting, by the store's clock
     */
    record Item(SessionRecord record, Instant deadline) {

        /** @return whether a rotation moved this session away */
        boolean moved() {
            return record == null;
        }

        /**
         * @param now the store's clock
         * @return whether the item holds a session that still counts at {@code now}
         */
        boolean liveAt(Instant now) {
            return record != null && now.isBefore(deadline);
        }
    }

    static byte[] encode(SessionRecord r, Instant deadline) {
        return encode(r, r.lastAccessedAt(), r.idleTimeout(), r.lastNode(), r.attributes(), deadline);
    }

    /**
     * Encodes {@code r} with the values a delta changes replaced, as {@link #encode(SessionRecord,
     * Instant)} would encode the record built from them, without building it.
     *
     * @param r the stored session
     * @param lastAccessedAt the last access to write instead of {@code r}'s
     * @param idleTimeout the idle timeout to write instead of {@code r}'s
     * @param lastNode the last node to write instead of {@code r}'s, or {@code null}
     * @param attributes the attributes to write instead of {@code r}'s
     * @param deadline when the item stops counting, by the store's clock
     * @return the item's bytes
     */
    static byte[] encode(
            SessionRecord r,
            Instant lastAccessedAt,
            Duration idleTimeout,
            String lastNode,
            Map<String, byte[]> attributes,
            Instant deadline) {
        // Every string is encoded once, the size summed exactly, and the item written into one array:
        // no stream, no buffer growth, no copy at the end.
        byte[] userId = utf8(r.userId());
        byte[] node = utf8(lastNode);
        byte[] userAgent = utf8(r.client().userAgent());
        byte[] addressPrefix = utf8(r.client().addressPrefix());
        byte[][] names = new byte[attributes.size()][];
        byte[][] values = new byte[attributes.size()][];
        long size = HEADER
                + SESSION_FIXED
                + (r.authenticatedAt() != null ? INSTANT : 0)
                + optionalSize(userId)
                + optionalSize(node)
                + 4
                + userAgent.length
                + 4
                + addressPrefix.length
                + 4;
        int i = 0;
        for (Map.Entry<String, byte[]> e : attributes.entrySet()) {
            names[i] = e.getKey().getBytes(StandardCharsets.UTF_8);
            values[i] = e.getValue();
            size += 4 + names[i].length + 4 + values[i].length;
            i++;
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("the session is too large for one Memcached item: " + size + " bytes");
        }
        ByteBuffer out = ByteBuffer.wrap(new byte[(int) size]);
        out.put(MAGIC).put(FORMAT).put(LIVE).putLong(deadline.toEpochMilli());
        out.putLong(r.version());
        out.putLong(r.userVersion());
        instant(out, r.createdAt());
        instant(out, lastAccessedAt);
        out.putLong(idleTimeout.getSeconds());
        out.putInt(idleTimeout.getNano());
        instant(out, r.absoluteExpiry());
        out.put(r.authenticatedAt() != null ? (byte) 1 : (byte) 0);
        if (r.authenticatedAt() != null) {
            instant(out, r.authenticatedAt());
        }
        optional(out, userId);
        optional(out, node);
        bytes(out, userAgent);
        bytes(out, addressPrefix);
        out.putInt(names.length);
        for (int j = 0; j < names.length; j++) {
            bytes(out, names[j]);
            bytes(out, values[j]);
        }
        return out.array();
    }

    static byte[] tombstone(Instant deadline) {
        return ByteBuffer.allocate(HEADER)
                .put(MAGIC)
                .put(FORMAT)
                .put(MOVED)
                .putLong(deadline.toEpochMilli())
                .array();
    }

    /**
     * @param handle the handle the item was read under
     * @param data the item's bytes
     * @return the item
     * @throws UnreadableSessionException if the bytes are not an item of this format
     */
    static Item decode(SessionHandle handle, byte[] data) {
        // Read straight from the array: a damaged item runs out of bytes (BufferUnderflowException), claims
        // a length beyond what is left, or fails a check below, and every such failure is refused alike.
        ByteBuffer in = ByteBuffer.wrap(data);
        try {
            if (in.get() != MAGIC || in.get() != FORMAT) {
                throw new UnreadableSessionException(handle, "the session item has an unknown format", null);
            }
            byte state = in.get();
            Instant deadline = Instant.ofEpochMilli(in.getLong());
            if (state == MOVED) {
                return new Item(null, deadline);
            }
            if (state != LIVE) {
                throw new UnreadableSessionException(handle, "the session item has an unknown state", null);
            }
            long version = in.getLong();
            long userVersion = in.getLong();
            Instant createdAt = instant(in);
            Instant lastAccessedAt = instant(in);
            Duration idleTimeout = Duration.ofSeconds(in.getLong(), in.getInt());
            Instant absoluteExpiry = instant(in);
            Instant authenticatedAt = in.get() != 0 ? instant(in) : null;
            String userId = optional(in);
            String lastNode = optional(in);
            ClientInfo client = new ClientInfo(string(in), string(in));
            int count = in.getInt();
            if (count < 0 || count > data.length) {
                throw new UnreadableSessionException(handle, "the session item has a damaged attribute count", null);
            }
            @SuppressWarnings("unchecked")
            Map.Entry<String, byte[]>[] entries = new Map.Entry[count];
            for (int i = 0; i < count; i++) {
                String name = string(in);
                int length = length(in);
                int at = in.position();
                entries[i] = Map.entry(name, Arrays.copyOfRange(data, at, at + length));
                in.position(at + length);
            }
            // Built immutable, so the record keeps it without copying it again.
            Map<String, byte[]> attributes = Map.ofEntries(entries);
            if (in.hasRemaining()) {
                throw new UnreadableSessionException(handle, "the session item has trailing bytes", null);
            }
            SessionRecord record = SessionRecord.builder()
                    .handle(handle)
                    .userId(userId)
                    .version(version)
                    .userVersion(userVersion)
                    .createdAt(createdAt)
                    .lastAccessedAt(lastAccessedAt)
                    .idleTimeout(idleTimeout)
                    .absoluteExpiry(absoluteExpiry)
                    .authenticatedAt(authenticatedAt)
                    .lastNode(lastNode)
                    .client(client)
                    .attributes(attributes)
                    .build();
            return new Item(record, deadline);
        } catch (UnreadableSessionException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UnreadableSessionException(handle, "the session item cannot be decoded", e);
        }
    }

    private static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    private static int optionalSize(byte[] value) {
        return value == null ? 1 : 1 + 4 + value.length;
    }

    private static void instant(ByteBuffer out, Instant value) {
        out.putLong(value.getEpochSecond());
        out.putInt(value.getNano());
    }

    private static Instant instant(ByteBuffer in) {
        return Instant.ofEpochSecond(in.getLong(), in.getInt());
    }

    private static void optional(ByteBuffer out, byte[] value) {
        out.put(value != null ? (byte) 1 : (byte) 0);
        if (value != null) {
            bytes(out, value);
        }
    }

    private static String optional(ByteBuffer in) throws IOException {
        return in.get() != 0 ? string(in) : null;
    }

    private static void bytes(ByteBuffer out, byte[] value) {
        out.putInt(value.length);
        out.put(value);
    }

    private static String string(ByteBuffer in) throws IOException {
        int length = length(in);
        int at = in.position();
        String value = new String(in.array(), at, length, StandardCharsets.UTF_8);
        in.position(at + length);
        return value;
    }

    private static int length(ByteBuffer in) throws IOException {
        int length = in.getInt();
        if (length < 0 || length > MAX_LENGTH || length > in.remaining()) {
            throw new IOException("damaged length");
        }
        return length;
    }
}
