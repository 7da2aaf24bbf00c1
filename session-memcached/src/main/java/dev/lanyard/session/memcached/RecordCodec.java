package dev.lanyard.session.memcached;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.UnreadableSessionException;
import dev.lanyard.session.spi.SessionRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + (int) Math.min(r.attributeBytes() * 2, 1 << 20));
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(MAGIC);
            out.writeByte(FORMAT);
            out.writeByte(LIVE);
            out.writeLong(deadline.toEpochMilli());
            out.writeLong(r.version());
            out.writeLong(r.userVersion());
            instant(out, r.createdAt());
            instant(out, r.lastAccessedAt());
            out.writeLong(r.idleTimeout().getSeconds());
            out.writeInt(r.idleTimeout().getNano());
            instant(out, r.absoluteExpiry());
            out.writeBoolean(r.authenticatedAt() != null);
            if (r.authenticatedAt() != null) {
                instant(out, r.authenticatedAt());
            }
            optional(out, r.userId());
            optional(out, r.lastNode());
            string(out, r.client().userAgent());
            string(out, r.client().addressPrefix());
            out.writeInt(r.attributes().size());
            for (Map.Entry<String, byte[]> e : r.attributes().entrySet()) {
                string(out, e.getKey());
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] tombstone(Instant deadline) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(11);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(MAGIC);
            out.writeByte(FORMAT);
            out.writeByte(MOVED);
            out.writeLong(deadline.toEpochMilli());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * @param handle the handle the item was read under
     * @param data the item's bytes
     * @return the item
     * @throws UnreadableSessionException if the bytes are not an item of this format
     */
    static Item decode(SessionHandle handle, byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            if (in.readByte() != MAGIC || in.readByte() != FORMAT) {
                throw new UnreadableSessionException(handle, "the session item has an unknown format", null);
            }
            byte state = in.readByte();
            Instant deadline = Instant.ofEpochMilli(in.readLong());
            if (state == MOVED) {
                return new Item(null, deadline);
            }
            if (state != LIVE) {
                throw new UnreadableSessionException(handle, "the session item has an unknown state", null);
            }
            long version = in.readLong();
            long userVersion = in.readLong();
            Instant createdAt = instant(in);
            Instant lastAccessedAt = instant(in);
            Duration idleTimeout = Duration.ofSeconds(in.readLong(), in.readInt());
            Instant absoluteExpiry = instant(in);
            Instant authenticatedAt = in.readBoolean() ? instant(in) : null;
            String userId = optional(in);
            String lastNode = optional(in);
            ClientInfo client = new ClientInfo(string(in), string(in));
            int count = in.readInt();
            if (count < 0 || count > data.length) {
                throw new UnreadableSessionException(handle, "the session item has a damaged attribute count", null);
            }
            @SuppressWarnings("unchecked")
            Map.Entry<String, byte[]>[] entries = new Map.Entry[count];
            for (int i = 0; i < count; i++) {
                String name = string(in);
                entries[i] = Map.entry(name, in.readNBytes(length(in)));
            }
            // Built immutable, so the record keeps it without copying it again.
            Map<String, byte[]> attributes = Map.ofEntries(entries);
            if (in.read() != -1) {
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
        } catch (IOException | RuntimeException e) {
            if (e instanceof UnreadableSessionException u) {
                throw u;
            }
            throw new UnreadableSessionException(handle, "the session item cannot be decoded", e);
        }
    }

    private static void instant(DataOutputStream out, Instant value) throws IOException {
        out.writeLong(value.getEpochSecond());
        out.writeInt(value.getNano());
    }

    private static Instant instant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }

    private static void optional(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            string(out, value);
        }
    }

    private static String optional(DataInputStream in) throws IOException {
        return in.readBoolean() ? string(in) : null;
    }

    private static void string(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static String string(DataInputStream in) throws IOException {
        return new String(in.readNBytes(length(in)), StandardCharsets.UTF_8);
    }

    private static int length(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_LENGTH || length > in.available()) {
            throw new IOException("damaged length");
        }
        return length;
    }
}
