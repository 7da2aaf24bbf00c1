package dev.lanyard.session.jwt;

import java.time.Instant;
import java.util.Objects;

/**
 * An access token and the refresh token that renews it. {@link #toString()} shows neither.
 *
 * @param accessToken the access token
 * @param refreshToken the opaque refresh token (43 base64url characters); a secret
 * @param familyId the public ID of the refresh-token family, safe to log
 * @param refreshExpiresAt when the family ends however it is used (its absolute lifetime)
 *
 * @since 0.1.0
 */
public record TokenPair(IssuedToken accessToken, String refreshToken, String familyId, Instant refreshExpiresAt) {

    /**
     * Checks that no part is missing.
     *
     * @param accessToken the access token
     * @param refreshToken the opaque refresh token (43 base64url characters); a secret
     * @param familyId the public ID of the refresh-token family, safe to log
     * @param refreshExpiresAt when the family ends however it is used (its absolute lifetime)
     */
    public TokenPair {
        Objects.requireNonNull(accessToken, "accessToken");
        Objects.requireNonNull(refreshToken, "refreshToken");
        Objects.requireNonNull(familyId, "familyId");
        Objects.requireNonNull(refreshExpiresAt, "refreshExpiresAt");
    }

    @Override
    public String toString() {
        return "TokenPair[" + accessToken + ", family=" + familyId + ", refreshExpiresAt=" + refreshExpiresAt + "]";
    }
}
