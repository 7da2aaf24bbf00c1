package dev.lanyard.session.servlet;

/**
 * How the filter defends cookie sessions against cross-site request forgery. Checks apply to
 * unsafe methods (anything but {@code GET}, {@code HEAD}, {@code OPTIONS} and {@code TRACE}) of
 * requests whose session travels in a cookie; requests using header transport cannot be forged
 * by another site and are not checked. A failed check answers {@code 403}.
 *
 * @since 0.1.0
 */
public enum CsrfMode {
    /**
     * No check: rely on {@code SameSite} and the application's own defence. {@code SameSite=Lax}
     * does not stop a sibling subdomain (same site, other origin) from posting with the cookie.
     */
    OFF,
    /**
     * Reject unsafe requests that a browser marks as coming from another origin:
     * {@code Sec-Fetch-Site} other than {@code same-origin} or {@code none}, or, when that header
     * is absent, an {@code Origin} that is neither this server's origin nor a trusted one.
     * Requests with neither header (non-browser clients) pass. Needs no change to the application.
     * The default.
     */
    ORIGIN,
    /**
     * {@link #ORIGIN}, plus a synchronizer token: an unsafe request that presents a session must
     * carry the session's token (obtained with {@link LanyardSessions#csrfToken()}) in the
     * configured header or form parameter.
     */
    TOKEN
}
