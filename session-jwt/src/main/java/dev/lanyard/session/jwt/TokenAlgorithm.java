package dev.lanyard.session.jwt;

import com.nimbusds.jose.JWSAlgorithm;

/**
 * The signature algorithms Lanyard issues and accepts. Each {@link TokenKey} is pinned to exactly
 * one of them: a token whose header names another algorithm than its key's is rejected, which is
 * what defeats algorithm confusion (an HMAC token "signed" with an RSA or EC public key).
 *
 * @since 0.1.0
 */
public enum TokenAlgorithm {
    /** HMAC with SHA-256; the secret has at least 32 bytes. */
    HS256(JWSAlgorithm.HS256, 32),
    /** HMAC with SHA-384; the secret has at least 48 bytes. */
    HS384(JWSAlgorithm.HS384, 48),
    /** HMAC with SHA-512; the secret has at least 64 bytes. */
    HS512(JWSAlgorithm.HS512, 64),
    /** ECDSA on curve P-256 with SHA-256. */
    ES256(JWSAlgorithm.ES256, 0),
    /** RSASSA-PKCS1-v1_5 with SHA-256; the modulus has at least 2048 bits. */
    RS256(JWSAlgorithm.RS256, 0);

    private final JWSAlgorithm jws;
    private final int minSecretBytes;

    TokenAlgorithm(JWSAlgorithm jws, int minSecretBytes) {
        this.jws = jws;
        this.minSecretBytes = minSecretBytes;
    }

    /** @return whether keys of this algorithm are shared secrets (HMAC) rather than key pairs */
    public boolean isSymmetric() {
        return minSecretBytes > 0;
    }

    /** @return the shortest secret accepted for an HMAC algorithm, in bytes; 0 for key pairs */
    public int minSecretBytes() {
        return minSecretBytes;
    }

    JWSAlgorithm jws() {
        return jws;
    }

    /** The algorithm whose JOSE name is {@code alg}, or {@code null}. */
    static TokenAlgorithm of(JWSAlgorithm alg) {
        for (TokenAlgorithm a : values()) {
            if (a.jws.equals(alg)) {
                return a;
            }
        }
        return null;
    }
}
