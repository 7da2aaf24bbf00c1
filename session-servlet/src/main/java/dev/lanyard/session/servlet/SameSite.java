package dev.lanyard.session.servlet;

/**
 * The {@code SameSite} attribute of the session cookie.
 *
 * @since 0.1.0
 */
public enum SameSite {
    /** Sent only with requests that start on the same site. Cross-site links arrive without a session. */
    STRICT("Strict"),
    /**
     * Sent with same-site requests and with top-level cross-site navigations that use a safe method
     * (following a link). The default: it stops cross-site form posts from carrying the session.
     */
    LAX("Lax"),
    /** Sent with every request; needs {@code Secure}. Only for sessions that must work inside cross-site frames. */
    NONE("None");

    private final String attribute;

    SameSite(String attribute) {
        this.attribute = attribute;
    }

    /** @return the attribute's value as written in {@code Set-Cookie} */
    public String attributeValue() {
        return attribute;
    }
}
