/**
 * Short-lived signed (optionally encrypted) access tokens bound to Lanyard sessions, and refresh
 * tokens with rotation and reuse detection: the hybrid model, in which stateless tokens give fast
 * validation across services while a server-side session and refresh record keep logout,
 * revocation and privilege changes effective.
 *
 * <p>Keys: {@link dev.lanyard.session.jwt.TokenKey}, {@link dev.lanyard.session.jwt.EncryptionKey},
 * {@link dev.lanyard.session.jwt.TokenKeySet} and {@link dev.lanyard.session.jwt.KeyRing} (rotation).
 * Access tokens: {@link dev.lanyard.session.jwt.AccessTokenIssuer} and
 * {@link dev.lanyard.session.jwt.AccessTokenVerifier} with {@link dev.lanyard.session.jwt.RejectionReason}.
 * Revocation of one live token: {@link dev.lanyard.session.jwt.TokenDenyList}. Refresh tokens:
 * {@link dev.lanyard.session.jwt.RefreshTokenService}, with
 * {@link dev.lanyard.session.jwt.RefreshFamilyListener} to carry families across session rotations.
 */
package dev.lanyard.session.jwt;
