package dev.lanyard.session.jwt;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.spi.AtomicValueStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The families of a session: {@code rt:s:<handle>} → family IDs separated by spaces, most recent
 * last, at most {@value #MAX_FAMILIES}. Lets a session rotation carry its families to the new
 * handle. Entries of ended families are harmless (a rebind skips them) and age out with the TTL.
 */
final class FamilyIndex {

    static final String PREFIX = "rt:s:";
    static final int MAX_FAMILIES = 64;
    private static final int MAX_ATTEMPTS = 16;

    private FamilyIndex() {}

    static String key(SessionHandle handle) {
        return PREFIX + handle.value();
    }

    /** Adds family IDs to a session's index, keeping the TTL at least {@code ttl}. */
    static boolean add(AtomicValueStore store, SessionHandle handle, List<String> familyIds, Duration ttl) {
        String key = key(handle);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<byte[]> current = store.get(key);
            Set<String> ids =
                    new LinkedHashSet<>(current.map(FamilyIndex::decode).orElse(List.of()));
            ids.removeAll(familyIds);
            ids.addAll(familyIds);
            List<String> kept = new ArrayList<>(ids);
            if (kept.size() > MAX_FAMILIES) {
                kept = kept.subList(kept.size() - MAX_FAMILIES, kept.size());
            }
            byte[] next = String.join(" ", kept).getBytes(StandardCharsets.US_ASCII);
            boolean written = current.isPresent()
                    ? store.compareAndSet(key, current.get(), next, ttl)
                    : store.putIfAbsent(key, next, ttl);
            if (written) {
                return true;
            }
        }
        return false;
    }

    static List<String> read(AtomicValueStore store, SessionHandle handle) {
        return store.get(key(handle)).map(FamilyIndex::decode).orElse(List.of());
    }

    private static List<String> decode(byte[] value) {
        List<String> ids = new ArrayList<>();
        for (String id : new String(value, StandardCharsets.US_ASCII).split(" ")) {
            if (Hashes.isBase64Url(id, 22)) {
                ids.add(id);
            }
        }
        return ids;
    }
}
