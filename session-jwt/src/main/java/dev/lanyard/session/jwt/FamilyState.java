package dev.lanyard.session.jwt;

import dev.lanyard.session.SessionHandle;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The stored state of one refresh-token family, as one small value. Text fields joined by
 * {@code '|'} (base64url and numbers never contain it):
 * {@code 1|status|handle|generation|currentHash|previousHash|graceUntil|sealedSuccessor|createdAt|lastUsedAt|absoluteExpiry}.
 * Hashes are SHA-256 of refresh tokens; {@code sealedSuccessor} is the current token encrypted
 * under a key only the holder of the previous token can derive. Never holds a token in clear.
 */
record FamilyState(
        boolean revoked,
        SessionHandle handle,
        long generation,
        String currentHash,
        String previousHash,
        Instant graceUntil,
        String sealedSuccessor,
        Instant createdAt,
        Instant lastUsedAt,
        Instant absoluteExpiry) {

    private static final String NONE = "-";

    byte[] encode() {
        String s = "1|" + (revoked ? "R" : "A") + "|" + handle.value() + "|" + generation + "|" + currentHash + "|"
                + orNone(previousHash) + "|" + graceUntil.toEpochMilli() + "|" + orNone(sealedSuccessor) + "|"
                + createdAt.toEpochMilli() + "|" + lastUsedAt.toEpochMilli() + "|" + absoluteExpiry.toEpochMilli();
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    static FamilyState decode(byte[] bytes) {
        String[] f = new String(bytes, StandardCharsets.US_ASCII).split("\\|", -1);
        if (f.length != 11 || !"1".equals(f[0])) {
            throw new IllegalArgumentException("not a refresh-token family record");
        }
        return new FamilyState(
                "R".equals(f[1]),
                SessionHandle.of(f[2]),
                Long.parseLong(f[3]),
                f[4],
                none(f[5]),
                Instant.ofEpochMilli(Long.parseLong(f[6])),
                none(f[7]),
                Instant.ofEpochMilli(Long.parseLong(f[8])),
                Instant.ofEpochMilli(Long.parseLong(f[9])),
                Instant.ofEpochMilli(Long.parseLong(f[10])));
    }

    FamilyState asRevoked() {
        return new FamilyState(
                true,
                handle,
                generation,
                currentHash,
                null,
                Instant.EPOCH,
                null,
                createdAt,
                lastUsedAt,
                absoluteExpiry);
    }

    /** The same state with the grace used up: the retired token no longer unlocks the successor. */
    FamilyState withoutGrace() {
        return new FamilyState(
                revoked,
                handle,
                generation,
                currentHash,
                previousHash,
                Instant.EPOCH,
                null,
                createdAt,
                lastUsedAt,
                absoluteExpiry);
    }

    private static String orNone(String s) {
        return s == null ? NONE : s;
    }

    private static String none(String s) {
        return NONE.equals(s) ? null : s;
    }
}
