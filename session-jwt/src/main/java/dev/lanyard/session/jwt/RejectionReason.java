package dev.lanyard.session.jwt;

/**
 * Why an access token was rejected: a small, fixed set, safe as a metric tag. Published as
 * {@link dev.lanyard.session.event.SessionEvent.TokenRejected} with the constant's name.
 *
 * @since 0.1.0
 */
public enum RejectionReason {
    /** No token, or not a compact JWS/JWE: wrong number of parts, bad base64url, bad header JSON. */
    MALFORMED,
    /** Longer than the verifier's size limit; rejected before any parsing. */
    TOO_LARGE,
    /** {@code alg: none}: an unsecured token. */
    UNSECURED,
    /** The header carries a key or a key location ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}); never trusted. */
    HEADER_KEY,
    /** The header lists {@code crit} parameters; Lanyard understands none. */
    CRITICAL_HEADER,
    /** {@code typ} is missing or not {@code at+jwt}. */
    WRONG_TYPE,
    /** The header has no {@code kid}. */
    KEY_ID_MISSING,
    /** No verification (or decryption) key has this {@code kid}: never known, or retired. */
    KEY_ID_UNKNOWN,
    /**
     * The header's algorithm is not the one its key is pinned to: algorithm confusion (an HMAC
     * token over an RSA/EC key), or a JWE with another key-management or content algorithm.
     */
    ALGORITHM_MISMATCH,
    /** The signature does not verify. */
    BAD_SIGNATURE,
    /** A JWE with {@code zip}: compressed tokens are refused. */
    COMPRESSED,
    /** A JWE whose content is not a signed JWT ({@code cty} not {@code JWT}, or no nested JWS). */
    UNSIGNED_ENCRYPTED,
    /** A JWE that does not decrypt with its key. */
    DECRYPTION_FAILED,
    /** A plain JWS where this verifier requires encryption. */
    ENCRYPTION_REQUIRED,
    /** The payload is not a claims set, a registered claim has the wrong type, or a required claim is missing. */
    CLAIMS_INVALID,
    /** {@code iss} is missing or not the configured issuer. */
    WRONG_ISSUER,
    /** {@code aud} is missing or does not name this verifier's audience. */
    WRONG_AUDIENCE,
    /** {@code exp} passed (beyond the clock skew). */
    EXPIRED,
    /** {@code nbf} is in the future beyond the clock skew. */
    NOT_YET_VALID,
    /** {@code iat} is in the future beyond the clock skew. */
    ISSUED_IN_FUTURE,
    /** Its {@code jti} is on the deny-list (forced logout of this token). */
    DENIED,
    /** Checked mode: the session no longer exists (logged out, revoked, rotated, expired). */
    SESSION_NOT_FOUND,
    /** Checked mode: the session exists but its version changed since the token was issued. */
    SESSION_VERSION_STALE
}
