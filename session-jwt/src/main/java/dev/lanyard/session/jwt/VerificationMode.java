package dev.lanyard.session.jwt;

/**
 * How much a route trusts an access token.
 *
 * @since 0.1.0
 */
public enum VerificationMode {
    /**
     * Signature and claims only: no store access (unless a deny-list is configured). A token stays
     * valid until its {@code exp} even after logout, revocation or a privilege change; keep the
     * lifetime short.
     */
    STATELESS,
    /**
     * Also looks the session up: it must exist, not be revoked, and have the token's version
     * ({@code ver}). Costs one session-store read, as a session resolve does; logout, revocation and
     * privilege changes take effect at once.
     */
    CHECKED
}
