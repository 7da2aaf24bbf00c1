package dev.lanyard.session.spring.tokens;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import dev.lanyard.session.jwt.TokenAlgorithm;
import dev.lanyard.session.jwt.TokenKey;
import dev.lanyard.session.jwt.TokenKeySet;
import java.security.KeyPair;
import java.text.ParseException;

/**
 * Reads a JWK Set document holding the application's own keys (private parts included) into a {@link TokenKeySet}.
 * Every key needs a {@code kid} and an {@code alg} (HS256/384/512, ES256 or RS256), so each key's algorithm is
 * pinned; a key with {@code use} other than {@code sig} is refused. Messages name the key ID, never key material.
 */
final class JwkSetKeys {

    private JwkSetKeys() {}

    static TokenKeySet read(String json, String signingKeyId) {
        JWKSet set;
        try {
            set = JWKSet.parse(json);
        } catch (ParseException e) {
            throw new IllegalArgumentException("lanyard.tokens.jwk-set is not a JWK Set document");
        }
        TokenKeySet.Builder keys = TokenKeySet.builder();
        boolean signing = false;
        for (JWK jwk : set.getKeys()) {
            String kid = jwk.getKeyID();
            if (kid == null) {
                throw new IllegalArgumentException("lanyard.tokens.jwk-set: every key needs a kid");
            }
            if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
                throw new IllegalArgumentException("lanyard.tokens.jwk-set: key '" + kid + "' is not a signature key");
            }
            TokenKey key = key(jwk, kid);
            boolean signs = jwk.isPrivate() && (signingKeyId == null ? !signing : signingKeyId.equals(kid));
            if (signs) {
                keys.signingKey(key);
                signing = true;
            } else {
                keys.verificationKey(key);
            }
        }
        if (signingKeyId != null && !signing) {
            throw new IllegalArgumentException("lanyard.tokens.signing-key-id (" + signingKeyId
                    + ") names no private key of lanyard.tokens.jwk-set");
        }
        return keys.build();
    }

    private static TokenKey key(JWK jwk, String kid) {
        try {
            if (jwk instanceof OctetSequenceKey secret) {
                TokenAlgorithm algorithm = hmac(
                        jwk.getAlgorithm() == null ? null : jwk.getAlgorithm().getName(), kid);
                return TokenKey.hmac(kid, algorithm, secret.toByteArray());
            }
            if (jwk instanceof ECKey ec && JWSAlgorithm.ES256.equals(jwk.getAlgorithm())) {
                return ec.isPrivate()
                        ? TokenKey.ec(kid, new KeyPair(ec.toECPublicKey(), ec.toECPrivateKey()))
                        : TokenKey.ecVerifyOnly(kid, ec.toECPublicKey());
            }
            if (jwk instanceof RSAKey rsa && JWSAlgorithm.RS256.equals(jwk.getAlgorithm())) {
                return rsa.isPrivate()
                        ? TokenKey.rsa(kid, new KeyPair(rsa.toRSAPublicKey(), rsa.toRSAPrivateKey()))
                        : TokenKey.rsaVerifyOnly(kid, rsa.toRSAPublicKey());
            }
        } catch (JOSEException e) {
            throw new IllegalArgumentException("lanyard.tokens.jwk-set: key '" + kid + "' is not usable");
        }
        throw new IllegalArgumentException("lanyard.tokens.jwk-set: key '" + kid
                + "' needs alg HS256, HS384, HS512 (oct), ES256 (EC) or RS256 (RSA); got " + jwk.getAlgorithm());
    }

    private static TokenAlgorithm hmac(String alg, String kid) {
        if (alg != null) {
            for (TokenAlgorithm candidate : TokenAlgorithm.values()) {
                if (candidate.name().equals(alg) && candidate.name().startsWith("HS")) {
                    return candidate;
                }
            }
        }
        throw new IllegalArgumentException(
                "lanyard.tokens.jwk-set: secret key '" + kid + "' needs alg HS256, HS384 or HS512");
    }
}
