package dev.lanyard.session.jwt;

import java.time.Instant;
import java.util.Objects;

/**
 * An access token just issued: its compact serialization and the facts a caller needs without
 * parsing it. {@link #toString()} never shows the token.
 *
 * @param value the compact JWS (or nested JWE) to hand to the client; a secret
 * @param jti the token's unique ID, for the deny-list
 * @param issuedAt its {@code iat}
 * @param expiresAt its {@code exp}
 * @param keyId the signing key's ID
 *
 * @since 0.1.0
 */
public record IssuedToken(String value, String jti, Instant issuedAt, Instant expiresAt, String keyId) {

    /**
     * Checks that no part is missing.
     *
     * @param value the compact JWS (or nested JWE) to hand to the client; a secret
     * @param jti the token's unique ID, for the deny-list
     * @param issuedAt its {@code iat}
     * @param expiresAt its {@code exp}
     * @param keyId the signing key's ID
     */
    public IssuedToken {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(keyId, "keyId");
    }

    /** Describes the token without its value. */
    @Override
    public String toString() {
        return "IssuedToken[jti=" + jti + ", kid=" + keyId + ", exp=" + expiresAt + "]";
    }
}
