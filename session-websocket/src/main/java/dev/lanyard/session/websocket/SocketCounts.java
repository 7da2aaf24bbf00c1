package dev.lanyard.session.websocket;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.spi.AtomicValueStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each node's count of open sockets per session, kept in the shared store so that every node can count a
 * session's sockets on all nodes. One small value per session handle, under {@code lanyard:ws:count:<handle>}
 * (a handle, never a session ID), holds one entry per node that has (or recently had) sockets of that session:
 * the node, its count and the instant the entry stops counting. A node rewrites its entry when its count
 * changes and, while it has sockets, every {@link #refreshEvery()}; an entry past its expiry (its node died
 * without withdrawing it) is ignored by readers and dropped by the next writer.
 *
 * <p>The value, version 1: one byte {@code 1}, then per entry 20 bytes: the node (8 bytes), the count (4 bytes)
 * and the expiry in epoch milliseconds (8 bytes), all big-endian. A value that is not readable as version 1
 * counts as empty and is replaced by the next writer. Writes are read-merge-compare-and-set, retried at most
 * {@link #MAX_ATTEMPTS} times. Thread-safe.
 */
final class SocketCounts {

    /** The first byte of a version-1 value. */
    static final byte VERSION = 1;
    /** Bytes per entry. */
    static final int ENTRY_BYTES = 20;
    /** At most this many entries are kept: the longest-lived win (a value stays under the store's limit). */
    static final int MAX_ENTRIES = 200;
    /** Attempts of one write before it gives up until the next check. */
    static final int MAX_ATTEMPTS = 8;
    /** The shortest lifetime of an entry. */
    static final Duration MIN_LIFETIME = Duration.ofSeconds(60);

    private static final String PREFIX = "lanyard:ws:count:";
    private static final Logger LOG = LoggerFactory.getLogger(SocketCounts.class);

    private final AtomicValueStore values;
    private final Clock clock;
    private final long node;
    private final Duration lifetime;
    /** What this node last wrote, per session. */
    private final Map<SessionHandle, Published> published = new ConcurrentHashMap<>();

    private record Published(int count, long at) {}

    /** One node's count of one session's sockets, counted until {@code expiresAt} (epoch milliseconds). */
    record Entry(long node, int count, long expiresAt) {}

    /** A value to write and its time to live. */
    record Write(byte[] value, Duration ttl) {}

    /**
     * @param values the shared store
     * @param clock the node's clock
     * @param node this node's 8-byte identity in the values
     * @param checkInterval the node's check interval: entries live at least three of them
     */
    SocketCounts(AtomicValueStore values, Clock clock, long node, Duration checkInterval) {
        this.values = Objects.requireNonNull(values, "values");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.node = node;
        Duration three = checkInterval.multipliedBy(3);
        this.lifetime = three.compareTo(MIN_LIFETIME) > 0 ? three : MIN_LIFETIME;
    }

    /**
     * The identity of a node in the values: derived from its configured name, so that a restarted node replaces
     * its own old entries, or random for a node without a name.
     */
    static long nodeOf(Optional<String> nodeId) {
        if (nodeId.isEmpty()) {
            return new SecureRandom().nextLong();
        }
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(nodeId.get().getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** @return how long an entry counts after it was written */
    Duration lifetime() {
        return lifetime;
    }

    /** @return how often a node with sockets rewrites its entries: a third of their lifetime */
    Duration refreshEvery() {
        return lifetime.dividedBy(3);
    }

    /** @return this node's identity in the values */
    long node() {
        return node;
    }

    /**
     * Brings this node's entries in line with its open sockets: writes the counts that changed, rewrites those
     * due for a refresh, withdraws the sessions that no longer have sockets here. A store that cannot answer
     * ends the round; what was not written is written at the next one.
     *
     * @param local this node's open sockets per session
     */
    synchronized void reconcile(Map<SessionHandle, Integer> local) {
        long now = clock.millis();
        long refresh = refreshEvery().toMillis();
        Set<SessionHandle> handles = new HashSet<>(local.keySet());
        handles.addAll(published.keySet());
        for (SessionHandle handle : handles) {
            int count = local.getOrDefault(handle, 0);
            Published last = published.get(handle);
            boolean due = last == null ? count > 0 : last.count() != count || (count > 0 && now - last.at() >= refresh);
            if (!due) {
                continue;
            }
            try {
                if (!publish(handle, count)) {
                    LOG.debug("could not record the socket count of session {}: too many racing writes", handle);
                } else if (count == 0) {
                    published.remove(handle);
                } else {
                    published.put(handle, new Published(count, now));
                }
            } catch (RuntimeException e) {
                LOG.debug(
                        "could not record socket counts ({}); retrying at the next check",
                        e.getClass().getName());
                return;
            }
        }
    }

    /**
     * Records this node's count of a session's sockets; zero withdraws the entry.
     *
     * @return whether it was recorded (false: the compare-and-set lost {@link #MAX_ATTEMPTS} races)
     * @throws RuntimeException what the store throws when it cannot answer
     */
    boolean publish(SessionHandle handle, int count) {
        String key = key(handle);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<byte[]> current = values.get(key);
            long now = clock.millis();
            Optional<Write> write = merge(current.orElse(null), node, count, now, now + lifetime.toMillis());
            if (write.isEmpty()) {
                return true;
            }
            boolean written = current.isEmpty()
                    ? values.putIfAbsent(key, write.get().value(), write.get().ttl())
                    : values.compareAndSet(
                            key, current.get(), write.get().value(), write.get().ttl());
            if (written) {
                return true;
            }
        }
        return false;
    }

    /**
     * Counts a session's sockets on the other nodes, as their unexpired entries say.
     *
     * @throws RuntimeException what the store throws when it cannot answer
     */
    int onOtherNodes(SessionHandle handle) {
        Optional<byte[]> value = values.get(key(handle));
        if (value.isEmpty()) {
            return 0;
        }
        long now = clock.millis();
        int total = 0;
        for (Entry e : decode(value.get())) {
            if (e.node() != node && e.expiresAt() > now) {
                total += e.count();
            }
        }
        return total;
    }

    /** {@link #onOtherNodes}, or none when the store cannot answer. */
    int onOtherNodesOrNone(SessionHandle handle) {
        try {
            return onOtherNodes(handle);
        } catch (RuntimeException e) {
            LOG.debug(
                    "could not read the socket counts of other nodes ({})",
                    e.getClass().getName());
            return 0;
        }
    }

    static String key(SessionHandle handle) {
        return PREFIX + handle.value();
    }

    /**
     * Merges one node's count into a value: drops expired entries and the node's old entry, adds its new one
     * unless the count is zero, keeps the {@link #MAX_ENTRIES} longest-lived.
     *
     * @param current the value read, or {@code null} when absent
     * @return the value to write, with a time to live that covers its longest-lived entry; empty when there is
     *     nothing to write (no value, and a zero count)
     */
    static Optional<Write> merge(byte[] current, long node, int count, long now, long expiresAt) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative (got " + count + ")");
        }
        List<Entry> kept = new ArrayList<>();
        if (current != null) {
            for (Entry e : decode(current)) {
                if (e.node() != node && e.expiresAt() > now) {
                    kept.add(e);
                }
            }
        }
        if (count > 0) {
            kept.add(new Entry(node, count, expiresAt));
        } else if (current == null) {
            return Optional.empty();
        }
        kept.sort(Comparator.comparingLong(Entry::expiresAt).reversed());
        if (kept.size() > MAX_ENTRIES) {
            kept = new ArrayList<>(kept.subList(0, MAX_ENTRIES));
        }
        // an emptied value is not removed (an unconditional remove could drop an entry written meanwhile): it
        // is written empty and lapses in a second
        long longest = kept.isEmpty() ? now + 1000 : kept.get(0).expiresAt();
        Duration ttl = Duration.ofMillis(Math.max(1000, longest - now));
        return Optional.of(new Write(encode(kept), ttl));
    }

    static byte[] encode(List<Entry> entries) {
        ByteBuffer out = ByteBuffer.allocate(1 + entries.size() * ENTRY_BYTES);
        out.put(VERSION);
        for (Entry e : entries) {
            out.putLong(e.node()).putInt(e.count()).putLong(e.expiresAt());
        }
        return out.array();
    }

    /** @return the entries of a version-1 value; none for a value that is not one */
    static List<Entry> decode(byte[] value) {
        if (value.length < 1 || value[0] != VERSION || (value.length - 1) % ENTRY_BYTES != 0) {
            return List.of();
        }
        ByteBuffer in = ByteBuffer.wrap(value, 1, value.length - 1);
        List<Entry> entries = new ArrayList<>();
        while (in.remaining() >= ENTRY_BYTES) {
            long entryNode = in.getLong();
            int count = in.getInt();
            long expiresAt = in.getLong();
            if (count > 0) {
                entries.add(new Entry(entryNode, count, expiresAt));
            }
        }
        return entries;
    }
}
