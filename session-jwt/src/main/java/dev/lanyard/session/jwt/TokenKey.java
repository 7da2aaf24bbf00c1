package dev.lanyard.session.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One signing or verification key, named by a key ID ({@code kid}) and pinned to exactly one
 * {@link TokenAlgorithm}. The factories refuse weak keys when the key is built: HMAC secrets
 * shorter than the hash, EC keys off P-256, RSA moduli under 2048 bits. Messages name the key ID,
 * never the key.
 *
 * <p>Immutable and thread-safe; {@link #toString()} shows the key ID and algorithm only. Building
 * a key pair key costs one probe signature (to catch a private key that does not match its
 * public key).
 *
 * @since 0.1.0
 */
public final class TokenKey {

    /** The longest key ID accepted. */
    public static final int MAX_KEY_ID_LENGTH = 64;

    private final String keyId;
    private final TokenAlgorithm algorithm;
    private final JWSSigner signer;
    private final JWSVerifier verifier;
    private final JWK publicJwk;

    private TokenKey(String keyId, TokenAlgorithm algorithm, JWSSigner signer, JWSVerifier verifier, JWK publicJwk) {
        this.keyId = keyId;
        this.algorithm = algorithm;
        this.signer = signer;
        this.verifier = verifier;
        this.publicJwk = publicJwk;
    }

    /**
     * An HMAC key, with {@link SecretCheck#REFUSE_LOW_ENTROPY}. The secret is copied.
     *
     * @param keyId the key ID, 1 to {@value #MAX_KEY_ID_LENGTH} characters of {@code [A-Za-z0-9._-]}
     * @param algorithm HS256, HS384 or HS512
     * @param secret at least {@link TokenAlgorithm#minSecretBytes()} random bytes
     * @return the key, able to sign and verify
     * @throws IllegalArgumentException if the algorithm is not HMAC, the secret is too short or
     *     visibly low-entropy; the message names the key ID, not the secret
     */
    public static TokenKey hmac(String keyId, TokenAlgorithm algorithm, byte[] secret) {
        return hmac(keyId, algorithm, secret, SecretCheck.REFUSE_LOW_ENTROPY);
    }

    /**
     * An HMAC key. The secret is copied.
     *
     * @param keyId the key ID, 1 to {@value #MAX_KEY_ID_LENGTH} characters of {@code [A-Za-z0-9._-]}
     * @param algorithm HS256, HS384 or HS512
     * @param secret at least {@link TokenAlgorithm#minSecretBytes()} bytes
     * @param check whether to refuse a visibly low-entropy secret ({@link SecretCheck})
     * @return the key, able to sign and verify
     * @throws IllegalArgumentException if the algorithm is not HMAC, the secret is too short, or
     *     (with {@link SecretCheck#REFUSE_LOW_ENTROPY}) visibly low-entropy; the message names the
     *     key ID, not the secret
     */
    public static TokenKey hmac(String keyId, TokenAlgorithm algorithm, byte[] secret, SecretCheck check) {
        checkKeyId(keyId);
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(check, "check");
        if (!algorithm.isSymmetric()) {
            throw new IllegalArgumentException("key '" + keyId + "': " + algorithm + " is not an HMAC algorithm");
        }
        if (secret.length < algorithm.minSecretBytes()) {
            throw new IllegalArgumentException("key '" + keyId + "': an " + algorithm + " secret needs at least "
                    + algorithm.minSecretBytes() + " bytes (got " + secret.length + ")");
        }
        if (check == SecretCheck.REFUSE_LOW_ENTROPY) {
            String weakness = lowEntropyReason(secret);
            if (weakness != null) {
                throw new IllegalArgumentException("key '" + keyId + "': the " + algorithm + " secret is visibly "
                        + "low-entropy (" + weakness
                        + "); use bytes from SecureRandom (decode hex or base64 text first), or "
                        + "pass SecretCheck.ACCEPT_AS_GIVEN if this secret is deliberate");
            }
        }
        byte[] copy = secret.clone(); // the signer and verifier keep this array: never wipe it
        try {
            return new TokenKey(keyId, algorithm, new MACSigner(copy), new MACVerifier(copy), null);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("key '" + keyId + "': the secret is not usable for " + algorithm, e);
        }
    }

    /**
     * Why a secret looks low-entropy, or {@code null}. Random bytes almost never trip these: the
     * chance that 32 random bytes are all printable ASCII is about 10^-14, that they hold fewer
     * than a quarter distinct values far lower.
     */
    static String lowEntropyReason(byte[] secret) {
        boolean printable = true;
        boolean[] seen = new boolean[256];
        int distinct = 0;
        for (byte b : secret) {
            int v = b & 0xFF;
            printable &= v >= 0x20 && v < 0x7F;
            if (!seen[v]) {
                seen[v] = true;
                distinct++;
            }
        }
        if (printable) {
            return "only printable ASCII: a passphrase or undecoded text";
        }
        if (distinct < Math.min(16, secret.length / 4)) {
            return "only " + distinct + " distinct byte values";
        }
        for (int period = 1; period <= secret.length / 2; period++) {
            boolean repeats = true;
            for (int i = period; i < secret.length && repeats; i++) {
                repeats = secret[i] == secret[i - period];
            }
            if (repeats) {
                return "a " + period + "-byte pattern repeated";
            }
        }
        return null;
    }

    /**
     * An ES256 key pair that signs and verifies.
     *
     * @param keyId the key ID
     * @param pair a P-256 key pair
     * @return the key
     * @throws IllegalArgumentException if the keys are not EC P-256 or do not belong together
     */
    public static TokenKey ec(String keyId, KeyPair pair) {
        checkKeyId(keyId);
        Objects.requireNonNull(pair, "pair");
        if (!(pair.getPublic() instanceof ECPublicKey pub) || !(pair.getPrivate() instanceof ECPrivateKey priv)) {
            throw new IllegalArgumentException("key '" + keyId + "': ES256 needs an EC key pair");
        }
        TokenKey verifying = ecVerifyOnly(keyId, pub);
        try {
            return probe(new TokenKey(
                    keyId, TokenAlgorithm.ES256, new ECDSASigner(priv), verifying.verifier, verifying.publicJwk));
        } catch (JOSEException e) {
            throw new IllegalArgumentException("key '" + keyId + "': the EC private key is not usable", e);
        }
    }

    /**
     * An ES256 public key that only verifies (tokens signed by another service).
     *
     * @param keyId the key ID
     * @param publicKey a P-256 public key
     * @return the key
     * @throws IllegalArgumentException if the key is not on P-256
     */
    public static TokenKey ecVerifyOnly(String keyId, ECPublicKey publicKey) {
        checkKeyId(keyId);
        Objects.requireNonNull(publicKey, "publicKey");
        if (!Curve.P_256.equals(Curve.forECParameterSpec(publicKey.getParams()))) {
            throw new IllegalArgumentException("key '" + keyId + "': ES256 needs a key on curve P-256");
        }
        try {
            JWK jwk = new ECKey.Builder(Curve.P_256, publicKey)
                    .keyID(keyId)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(TokenAlgorithm.ES256.jws())
                    .build();
            return new TokenKey(keyId, TokenAlgorithm.ES256, null, new ECDSAVerifier(publicKey), jwk);
        } catch (JOSEException | IllegalArgumentException e) {
            throw new IllegalArgumentException("key '" + keyId + "': the EC public key is not usable", e);
        }
    }

    /**
     * An RS256 key pair that signs and verifies.
     *
     * @param keyId the key ID
     * @param pair an RSA key pair of at least 2048 bits
     * @return the key
     * @throws IllegalArgumentException if the keys are not RSA, too short, or do not belong together
     */
    public static TokenKey rsa(String keyId, KeyPair pair) {
        checkKeyId(keyId);
        Objects.requireNonNull(pair, "pair");
        if (!(pair.getPublic() instanceof RSAPublicKey pub)) {
            throw new IllegalArgumentException("key '" + keyId + "': RS256 needs an RSA key pair");
        }
        PrivateKey priv = Objects.requireNonNull(pair.getPrivate(), "pair.private");
        TokenKey verifying = rsaVerifyOnly(keyId, pub);
        try {
            return probe(new TokenKey(
                    keyId, TokenAlgorithm.RS256, new RSASSASigner(priv), verifying.verifier, verifying.publicJwk));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key '" + keyId + "': the RSA private key is not usable", e);
        }
    }

    /**
     * An RS256 public key that only verifies.
     *
     * @param keyId the key ID
     * @param publicKey an RSA public key of at least 2048 bits
     * @return the key
     * @throws IllegalArgumentException if the modulus is shorter than 2048 bits
     */
    public static TokenKey rsaVerifyOnly(String keyId, RSAPublicKey publicKey) {
        checkKeyId(keyId);
        Objects.requireNonNull(publicKey, "publicKey");
        int bits = publicKey.getModulus().bitLength();
        if (bits < 2048) {
            throw new IllegalArgumentException(
                    "key '" + keyId + "': RS256 needs an RSA key of at least 2048 bits (got " + bits + ")");
        }
        JWK jwk = new RSAKey.Builder(publicKey)
                .keyID(keyId)
                .keyUse(KeyUse.SIGNATURE)
                .algorithm(TokenAlgorithm.RS256.jws())
                .build();
        return new TokenKey(keyId, TokenAlgorithm.RS256, null, new RSASSAVerifier(publicKey), jwk);
    }

    /**
     * Generates a fresh key: a 256/384/512-bit secret for HMAC, a P-256 pair for ES256, a 2048-bit
     * pair for RS256. Costs up to a few hundred milliseconds for RSA.
     *
     * @param keyId the key ID
     * @param algorithm the algorithm
     * @return a new key that signs and verifies
     */
    public static TokenKey generate(String keyId, TokenAlgorithm algorithm) {
        Objects.requireNonNull(algorithm, "algorithm");
        SecureRandom random = new SecureRandom();
        try {
            switch (algorithm) {
                case HS256:
                case HS384:
                case HS512: {
                    byte[] secret = new byte[algorithm.minSecretBytes()];
                    random.nextBytes(secret);
                    try {
                        return hmac(keyId, algorithm, secret);
                    } finally {
                        Arrays.fill(secret, (byte) 0);
                    }
                }
                case ES256: {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
                    g.initialize(new ECGenParameterSpec("secp256r1"), random);
                    return ec(keyId, g.generateKeyPair());
                }
                case RS256: {
                    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                    g.initialize(2048, random);
                    return rsa(keyId, g.generateKeyPair());
                }
                default:
                    throw new IllegalArgumentException("unsupported algorithm " + algorithm);
            }
        } catch (GeneralSecurityException e) {
            throw new TokenException("key '" + keyId + "': could not generate a " + algorithm + " key", e);
        }
    }

    private static TokenKey probe(TokenKey key) {
        try {
            JWSHeader header =
                    new JWSHeader.Builder(key.algorithm.jws()).keyID(key.keyId).build();
            byte[] input = "lanyard-key-probe".getBytes(StandardCharsets.US_ASCII);
            Base64URL signature = key.signer.sign(header, input);
            if (!key.verifier.verify(header, input, signature)) {
                throw new IllegalArgumentException(
                        "key '" + key.keyId + "': the private key does not match the public key");
            }
            return key;
        } catch (JOSEException e) {
            throw new IllegalArgumentException("key '" + key.keyId + "': the key cannot sign " + key.algorithm, e);
        }
    }

    static void checkKeyId(String keyId) {
        Objects.requireNonNull(keyId, "keyId");
        if (keyId.isEmpty() || keyId.length() > MAX_KEY_ID_LENGTH) {
            throw new IllegalArgumentException(
                    "a key ID has 1 to " + MAX_KEY_ID_LENGTH + " characters (got " + keyId.length() + ")");
        }
        for (int i = 0; i < keyId.length(); i++) {
            char c = keyId.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '.'
                    || c == '_'
                    || c == '-';
            if (!ok) {
                throw new IllegalArgumentException("a key ID holds only letters, digits, '.', '_' and '-'");
            }
        }
    }

    /** @return the key ID, public */
    public String keyId() {
        return keyId;
    }

    /** @return the one algorithm this key signs and verifies */
    public TokenAlgorithm algorithm() {
        return algorithm;
    }

    /** @return whether this key holds private or secret material and can sign */
    public boolean canSign() {
        return signer != null;
    }

    /** The public JWK (kid, alg, use=sig) for key pairs; empty for HMAC secrets. */
    Optional<JWK> publicJwk() {
        return Optional.ofNullable(publicJwk);
    }

    JWSSigner signer() {
        return signer;
    }

    JWSVerifier verifier() {
        return verifier;
    }

    /** Shows the key ID and algorithm only, never key material. */
    @Override
    public String toString() {
        return "TokenKey[kid=" + keyId + ", alg=" + algorithm + ", signs=" + canSign() + "]";
    }
}
