package dev.lanyard.session.jwt;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Remembers tokens whose signature (and decryption) succeeded, keyed by the SHA-256 of the token
 * text, until the token's {@code exp}. Bounded: at most {@code maxEntries} entries; when full, the
 * oldest insertion is evicted (tokens have similar lifetimes, so that is close to the first to
 * expire). An expired entry is a miss and is replaced by the next successful verification.
 *
 * <p>Entries hold the key objects that verified them; a hit counts only if those keys are still
 * in the current key set, so retiring a key also retires its cached tokens. Thread-safe.
 */
final class VerifiedTokenCache {

    record Entry(TokenKey signingKey, EncryptionKey decryptionKey, JWTClaimsSet claims, Instant expiresAt) {}

    private final int maxEntries;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> insertionOrder = new ConcurrentLinkedQueue<>();

    VerifiedTokenCache(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** The live entry for {@code hash}, or {@code null}. */
    Entry get(String hash, Instant now) {
        Entry e = entries.get(hash);
        return e == null || !now.isBefore(e.expiresAt()) ? null : e;
    }

    void put(String hash, Entry entry) {
        Entry previous = entries.putIfAbsent(hash, entry);
        if (previous != null) {
            entries.replace(hash, previous, entry);
            return;
        }
        insertionOrder.add(hash);
        while (entries.size() > maxEntries) {
            String oldest = insertionOrder.poll();
            if (oldest == null) {
                break;
            }
            entries.remove(oldest);
        }
    }

    int size() {
        return entries.size();
    }
}
