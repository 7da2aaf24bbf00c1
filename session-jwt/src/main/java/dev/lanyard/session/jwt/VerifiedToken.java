package dev.lanyard.session.jwt;

import dev.lanyard.session.Session;
import dev.lanyard.session.SessionHandle;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a verified access token says. Immutable; {@link #toString()} shows no claim values beyond
 * the public handle and key ID.
 *
 * @param subject the user ({@code sub})
 * @param sessionHandle the session ({@code sid})
 * @param version the session version the token was issued at ({@code ver})
 * @param jti the token ID
 * @param issuedAt {@code iat}
 * @param expiresAt {@code exp}
 * @param keyId the signing key's ID
 * @param claims every claim, registered and application, unmodifiable
 * @param session the session as looked up in {@link VerificationMode#CHECKED} mode, else empty
 *
 * @since 0.1.0
 */
public record VerifiedToken(
        String subject,
        SessionHandle sessionHandle,
        long version,
        String jti,
        Instant issuedAt,
        Instant expiresAt,
        String keyId,
        Map<String, Object> claims,
        Optional<Session> session) {

    /**
     * Checks and copies.
     *
     * @param subject the user ({@code sub})
     * @param sessionHandle the session ({@code sid})
     * @param version the session version the token was issued at ({@code ver})
     * @param jti the token ID
     * @param issuedAt {@code iat}
     * @param expiresAt {@code exp}
     * @param keyId the signing key's ID
     * @param claims every claim, registered and application, unmodifiable
     * @param session the session as looked up in {@link VerificationMode#CHECKED} mode, else empty
     */
    public VerifiedToken {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(sessionHandle, "sessionHandle");
        Objects.requireNonNull(jti, "jti");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(keyId, "keyId");
        claims = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(claims));
        Objects.requireNonNull(session, "session");
    }

    /**
     * @param name a claim name
     * @return its value, or empty
     */
    public Optional<Object> claim(String name) {
        return Optional.ofNullable(claims.get(name));
    }

    @Override
    public String toString() {
        return "VerifiedToken[sid=" + sessionHandle + ", ver=" + version + ", kid=" + keyId + ", exp=" + expiresAt
                + "]";
    }
}
