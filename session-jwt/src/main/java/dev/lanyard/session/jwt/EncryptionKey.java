package dev.lanyard.session.jwt;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEDecrypter;
import com.nimbusds.jose.JWEEncrypter;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.crypto.RSADecrypter;
import com.nimbusds.jose.crypto.RSAEncrypter;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A key that encrypts signed access tokens into nested JWE (signed first, then encrypted), for
 * tokens that carry personal data. Two kinds: {@code dir} with a shared 256-bit AES key, or
 * {@code RSA-OAEP-256} with a key pair of at least 2048 bits (the public half may be given alone
 * to a service that only encrypts). Content encryption is always {@code A256GCM}; compression
 * ({@code zip}) is never used and never accepted.
 *
 * <p>Immutable and thread-safe; {@link #toString()} shows the key ID and kind only.
 *
 * @since 0.1.0
 */
public final class EncryptionKey {

    /** The two key-management algorithms supported. */
    public enum Kind {
        /** Direct encryption with a shared 256-bit key ({@code dir}). */
        DIRECT(JWEAlgorithm.DIR),
        /** RSA-OAEP with SHA-256 wrapping a fresh content key ({@code RSA-OAEP-256}). */
        RSA_OAEP_256(JWEAlgorithm.RSA_OAEP_256);

        private final JWEAlgorithm jwe;

        Kind(JWEAlgorithm jwe) {
            this.jwe = jwe;
        }

        JWEAlgorithm jwe() {
            return jwe;
        }
    }

    static final EncryptionMethod METHOD = EncryptionMethod.A256GCM;

    private final String keyId;
    private final Kind kind;
    private final JWEEncrypter encrypter;
    private final JWEDecrypter decrypter;

    private EncryptionKey(String keyId, Kind kind, JWEEncrypter encrypter, JWEDecrypter decrypter) {
        this.keyId = keyId;
        this.kind = kind;
        this.encrypter = encrypter;
        this.decrypter = decrypter;
    }

    /**
     * A shared AES key for {@code dir} + {@code A256GCM}. The secret is copied.
     *
     * @param keyId the key ID
     * @param secret exactly 32 bytes
     * @return a key that encrypts and decrypts
     * @throws IllegalArgumentException if the secret is not 32 bytes (the message names the key ID)
     */
    public static EncryptionKey direct(String keyId, byte[] secret) {
        TokenKey.checkKeyId(keyId);
        Objects.requireNonNull(secret, "secret");
        if (secret.length != 32) {
            throw new IllegalArgumentException("encryption key '" + keyId
                    + "': dir with A256GCM needs a 32-byte secret (got " + secret.length + ")");
        }
        SecretKey aes = new SecretKeySpec(secret, "AES");
        try {
            return new EncryptionKey(keyId, Kind.DIRECT, new DirectEncrypter(aes), new DirectDecrypter(aes));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("encryption key '" + keyId + "': the secret is not usable", e);
        }
    }

    /**
     * Generates a fresh 256-bit {@code dir} key.
     *
     * @param keyId the key ID
     * @return a key that encrypts and decrypts
     */
    public static EncryptionKey generateDirect(String keyId) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        try {
            return direct(keyId, secret);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * An RSA-OAEP-256 key pair.
     *
     * @param keyId the key ID
     * @param publicKey the public key, at least 2048 bits
     * @param privateKey the private key, or {@code null} for a key that only encrypts
     * @return the key
     * @throws IllegalArgumentException if the modulus is shorter than 2048 bits
     */
    public static EncryptionKey rsaOaep256(String keyId, RSAPublicKey publicKey, PrivateKey privateKey) {
        TokenKey.checkKeyId(keyId);
        Objects.requireNonNull(publicKey, "publicKey");
        int bits = publicKey.getModulus().bitLength();
        if (bits < 2048) {
            throw new IllegalArgumentException(
                    "encryption key '" + keyId + "': RSA-OAEP-256 needs at least 2048 bits (got " + bits + ")");
        }
        return new EncryptionKey(
                keyId,
                Kind.RSA_OAEP_256,
                new RSAEncrypter(publicKey),
                privateKey == null ? null : new RSADecrypter(privateKey));
    }

    /** @return the key ID */
    public String keyId() {
        return keyId;
    }

    /** @return the key-management algorithm this key is pinned to */
    public Kind kind() {
        return kind;
    }

    /** @return whether this key can decrypt (holds the secret or the private key) */
    public boolean canDecrypt() {
        return decrypter != null;
    }

    JWEEncrypter encrypter() {
        return encrypter;
    }

    JWEDecrypter decrypter() {
        return decrypter;
    }

    /** Shows the key ID and kind only. */
    @Override
    public String toString() {
        return "EncryptionKey[kid=" + keyId + ", kind=" + kind + ", decrypts=" + canDecrypt() + "]";
    }
}
