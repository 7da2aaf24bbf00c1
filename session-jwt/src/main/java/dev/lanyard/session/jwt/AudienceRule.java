package dev.lanyard.session.jwt;

/**
 * How an access token's {@code aud} claim must name this service. RFC 8725 §3.9 asks a relying
 * party to reject tokens not meant for it; a token that names several audiences is meant for all
 * of them, so any of them can replay it here. The default is therefore {@link #SOLE}.
 *
 * @since 0.1.0
 */
public enum AudienceRule {
    /**
     * {@code aud} names this service and nothing else (a string, or a list of one). A token minted
     * for several relying parties is rejected with {@link RejectionReason#WRONG_AUDIENCE}. The
     * default.
     */
    SOLE,
    /**
     * {@code aud} names this service among others. Choose it only when every other audience the
     * issuer names is trusted as much as this service, since each of them can replay the token here.
     */
    ANY_OF
}
