package dev.lanyard.session.jwt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Hashing and random values shared by the token classes. */
final class Hashes {

    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();

    private Hashes() {}

    static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** SHA-256 of the text's UTF-8 bytes, base64url without padding (43 characters). */
    static String sha256(String text) {
        return B64.encodeToString(sha256(text.getBytes(StandardCharsets.UTF_8)));
    }

    static String randomBase64(SecureRandom random, int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return B64.encodeToString(b);
    }

    /** Whether {@code text} has {@code length} characters of the base64url alphabet. */
    static boolean isBase64Url(String text, int length) {
        if (text == null || text.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
