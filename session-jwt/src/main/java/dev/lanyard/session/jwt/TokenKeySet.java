package dev.lanyard.session.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The keys of one token issuer or verifier: at most one active signing key, any number of
 * verification keys selected by {@code kid} (the signing key is always one of them), and
 * optionally an encryption key and decryption keys for nested JWE.
 *
 * <p>Rotation without downtime: {@link #rotateTo(TokenKey)} makes a new key sign while the old one
 * keeps verifying; once every token it signed has expired, {@link #without(String)} removes it.
 * Sets are immutable and thread-safe; the rotation methods return new sets (hold the current one
 * in a {@link KeyRing} to swap it under running issuers and verifiers).
 *
 * @since 0.1.0
 */
public final class TokenKeySet {

    private final TokenKey signingKey;
    private final Map<String, TokenKey> verificationKeys;
    private final EncryptionKey encryptionKey;
    private final Map<String, EncryptionKey> decryptionKeys;

    private TokenKeySet(Builder b) {
        this.signingKey = b.signingKey;
        this.verificationKeys = Collections.unmodifiableMap(new LinkedHashMap<>(b.verificationKeys));
        this.encryptionKey = b.encryptionKey;
        this.decryptionKeys = Collections.unmodifiableMap(new LinkedHashMap<>(b.decryptionKeys));
    }

    /** @return a new, empty builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A set with one key that signs and verifies.
     *
     * @param signingKey a key that can sign
     * @return the set
     */
    public static TokenKeySet of(TokenKey signingKey) {
        return builder().signingKey(signingKey).build();
    }

    /**
     * Reads another issuer's public JWK Set (its {@code jwks_uri} document) as a verify-only set.
     * Every key must carry a {@code kid} and an {@code alg} of RS256 or ES256 (a key without
     * {@code alg} would not be pinned, so it is refused), and {@code use} must be absent or
     * {@code sig}. Fetching the document is the caller's business: keys are never taken from tokens.
     *
     * @param json the JWK Set JSON
     * @return a set of verification keys
     * @throws IllegalArgumentException if the JSON is not a JWK Set, or a key breaks a rule above
     *     (the message names the key ID)
     */
    public static TokenKeySet fromPublicJwkSet(String json) {
        Objects.requireNonNull(json, "json");
        JWKSet parsed;
        try {
            parsed = JWKSet.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("not a JWK Set document", e);
        }
        Builder b = builder();
        for (JWK jwk : parsed.getKeys()) {
            String kid = jwk.getKeyID();
            if (kid == null) {
                throw new IllegalArgumentException("every key of the JWK Set needs a kid");
            }
            if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
                throw new IllegalArgumentException("key '" + kid + "' is not a signature key");
            }
            try {
                if (JWSAlgorithm.RS256.equals(jwk.getAlgorithm()) && jwk instanceof RSAKey rsa) {
                    b.verificationKey(TokenKey.rsaVerifyOnly(kid, rsa.toRSAPublicKey()));
                } else if (JWSAlgorithm.ES256.equals(jwk.getAlgorithm()) && jwk instanceof ECKey ec) {
                    b.verificationKey(TokenKey.ecVerifyOnly(kid, ec.toECPublicKey()));
                } else {
                    throw new IllegalArgumentException(
                            "key '" + kid + "' needs alg RS256 (RSA) or ES256 (EC); got " + jwk.getAlgorithm());
                }
            } catch (JOSEException e) {
                throw new IllegalArgumentException("key '" + kid + "' is not a usable public key", e);
            }
        }
        return b.build();
    }

    /** @return the key new tokens are signed with, or empty for a verify-only set */
    public Optional<TokenKey> signingKey() {
        return Optional.ofNullable(signingKey);
    }

    /**
     * @param keyId a key ID
     * @return the verification key with that ID, or empty
     */
    public Optional<TokenKey> verificationKey(String keyId) {
        return Optional.ofNullable(verificationKeys.get(keyId));
    }

    TokenKey verificationKeyOrNull(String keyId) {
        return verificationKeys.get(keyId);
    }

    /** @return every verification key (the signing key included), in insertion order */
    public Collection<TokenKey> verificationKeys() {
        return verificationKeys.values();
    }

    /** @return the key new tokens are encrypted with, or empty when tokens are not encrypted */
    public Optional<EncryptionKey> encryptionKey() {
        return Optional.ofNullable(encryptionKey);
    }

    EncryptionKey decryptionKeyOrNull(String keyId) {
        return decryptionKeys.get(keyId);
    }

    /** @return whether this set can decrypt any JWE */
    public boolean decrypts() {
        return !decryptionKeys.isEmpty();
    }

    /**
     * Returns a set in which {@code next} signs and every current key still verifies.
     *
     * @param next the new signing key
     * @return the new set; this one is unchanged
     * @throws IllegalArgumentException if {@code next} cannot sign or its ID is taken by another key
     */
    public TokenKeySet rotateTo(TokenKey next) {
        return toBuilder().signingKey(next).build();
    }

    /**
     * Returns a set without the verification key {@code keyId}: tokens it signed fail from now on.
     * Removing an absent key returns an equal set. Decryption keys are not affected (rotate them
     * with {@link #toBuilder()}).
     *
     * @param keyId the key to remove
     * @return the new set
     * @throws IllegalArgumentException if {@code keyId} is the active signing key
     */
    public TokenKeySet without(String keyId) {
        if (signingKey != null && signingKey.keyId().equals(keyId)) {
            throw new IllegalArgumentException(
                    "key '" + keyId + "' is the active signing key; rotate to another key first");
        }
        Builder b = toBuilder();
        b.verificationKeys.remove(keyId);
        return b.build();
    }

    /** @return a builder holding this set's keys */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.signingKey = signingKey;
        b.verificationKeys.putAll(verificationKeys);
        b.encryptionKey = encryptionKey;
        b.decryptionKeys.putAll(decryptionKeys);
        return b;
    }

    /**
     * Renders the public verification keys as a JWK Set document ({@code {"keys":[...]}}), for the
     * {@code jwks_uri} other services read. Each key carries {@code kid}, {@code alg} and
     * {@code use: sig}. HMAC secrets and private parts never appear.
     *
     * @return the JSON text
     */
    public String publicJwkSetJson() {
        List<JWK> keys = new ArrayList<>();
        for (TokenKey key : verificationKeys.values()) {
            key.publicJwk().ifPresent(keys::add);
        }
        return new JWKSet(keys).toString(true);
    }

    /** Lists key IDs and algorithms only. */
    @Override
    public String toString() {
        return "TokenKeySet[signing=" + (signingKey == null ? "none" : signingKey.keyId()) + ", verification="
                + verificationKeys.keySet() + ", encryption=" + (encryptionKey == null ? "none" : encryptionKey.keyId())
                + ", decryption=" + decryptionKeys.keySet() + "]";
    }

    /** Assembles a {@link TokenKeySet}. Not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private TokenKey signingKey;
        private final Map<String, TokenKey> verificationKeys = new LinkedHashMap<>();
        private EncryptionKey encryptionKey;
        private final Map<String, EncryptionKey> decryptionKeys = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Sets the key new tokens are signed with; it also verifies. A previous signing key stays as
         * a verification key.
         *
         * @param key a key that can sign
         * @return this builder
         */
        public Builder signingKey(TokenKey key) {
            Objects.requireNonNull(key, "key");
            if (!key.canSign()) {
                throw new IllegalArgumentException(
                        "key '" + key.keyId() + "' holds no private or secret part and cannot sign");
            }
            putVerification(key);
            this.signingKey = key;
            return this;
        }

        /**
         * Adds a key that only verifies (a retiring key, or another service's public key).
         *
         * @param key the key
         * @return this builder
         */
        public Builder verificationKey(TokenKey key) {
            putVerification(Objects.requireNonNull(key, "key"));
            return this;
        }

        private void putVerification(TokenKey key) {
            TokenKey existing = verificationKeys.get(key.keyId());
            if (existing != null && existing != key) {
                throw new IllegalArgumentException("key ID '" + key.keyId() + "' is used by two different keys");
            }
            verificationKeys.put(key.keyId(), key);
        }

        /**
         * Sets the key new tokens are encrypted with (nested JWE); if it can decrypt it is also a
         * decryption key.
         *
         * @param key the key
         * @return this builder
         */
        public Builder encryptionKey(EncryptionKey key) {
            Objects.requireNonNull(key, "key");
            if (key.canDecrypt()) {
                putDecryption(key);
            }
            this.encryptionKey = key;
            return this;
        }

        /**
         * Adds a key that decrypts encrypted tokens.
         *
         * @param key a key that can decrypt
         * @return this builder
         */
        public Builder decryptionKey(EncryptionKey key) {
            Objects.requireNonNull(key, "key");
            if (!key.canDecrypt()) {
                throw new IllegalArgumentException(
                        "encryption key '" + key.keyId() + "' holds no private part and cannot decrypt");
            }
            putDecryption(key);
            return this;
        }

        private void putDecryption(EncryptionKey key) {
            EncryptionKey existing = decryptionKeys.get(key.keyId());
            if (existing != null && existing != key) {
                throw new IllegalArgumentException(
                        "encryption key ID '" + key.keyId() + "' is used by two different keys");
            }
            decryptionKeys.put(key.keyId(), key);
        }

        /**
         * @return the key set
         * @throws IllegalArgumentException if the set holds no verification key at all
         */
        public TokenKeySet build() {
            if (verificationKeys.isEmpty()) {
                throw new IllegalArgumentException("a key set needs a signing key or at least one verification key");
            }
            return new TokenKeySet(this);
        }
    }
}
