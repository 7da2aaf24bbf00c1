package dev.lanyard.session.servlet;

import java.time.Duration;
import java.util.Objects;

/**
 * The session cookie's name and attributes. Immutable and thread-safe.
 *
 * <p>The defaults follow the OWASP session cheat sheet: name {@value #DEFAULT_NAME},
 * {@code Secure}, {@code HttpOnly}, {@code SameSite=Lax}, {@code Path=/}, no {@code Domain}
 * (the cookie goes back only to the host that set it) and no {@code Max-Age} (the browser drops
 * it when it closes; the server-side lifetime is the session's). The {@code __Host-} prefix makes
 * browsers refuse the cookie unless it is {@code Secure}, has {@code Path=/} and no
 * {@code Domain}, so a sibling subdomain cannot plant one ("cookie tossing"); {@link
 * Builder#build()} enforces those rules whenever the name uses that prefix, and {@code Secure}
 * for the {@code __Secure-} prefix.
 *
 * @since 0.1.0
 */
public final class CookieSettings {

    /** The default cookie name. */
    public static final String DEFAULT_NAME = "__Host-session";

    private static final CookieSettings DEFAULTS = builder().build();

    private final String name;
    private final boolean secure;
    private final boolean httpOnly;
    private final SameSite sameSite;
    private final String path;
    private final String domain;
    private final Duration maxAge;

    private CookieSettings(Builder b) {
        this.name = b.name;
        this.secure = b.secure;
        this.httpOnly = b.httpOnly;
        this.sameSite = b.sameSite;
        this.path = b.path;
        this.domain = b.domain;
        this.maxAge = b.maxAge;
    }

    /** @return the default settings */
    public static CookieSettings defaults() {
        return DEFAULTS;
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return a builder holding these settings */
    public Builder mutate() {
        Builder b = new Builder()
                .name(name)
                .secure(secure)
                .httpOnly(httpOnly)
                .sameSite(sameSite)
                .path(path);
        b.domain = domain;
        b.maxAge = maxAge;
        return b;
    }

    /** @return the cookie name */
    public String name() {
        return name;
    }

    /** @return whether the cookie carries {@code Secure} */
    public boolean secure() {
        return secure;
    }

    /** @return whether the cookie carries {@code HttpOnly} */
    public boolean httpOnly() {
        return httpOnly;
    }

    /** @return the {@code SameSite} attribute */
    public SameSite sameSite() {
        return sameSite;
    }

    /** @return the {@code Path} attribute */
    public String path() {
        return path;
    }

    /** @return the {@code Domain} attribute, or {@code null} when absent */
    public String domain() {
        return domain;
    }

    /** @return the {@code Max-Age} attribute, or {@code null} for a browser-session cookie */
    public Duration maxAge() {
        return maxAge;
    }

    /**
     * Formats the {@code Set-Cookie} value that hands {@code value} to the client.
     *
     * @param value the cookie value (the secret session ID: never log the result)
     * @return the header value
     */
    String setCookie(String value) {
        return setCookie(value, null);
    }

    /**
     * Formats the {@code Set-Cookie} value, with a persistent cookie's {@code Max-Age} capped by
     * what is left of the session's absolute lifetime: a cookie that outlives its session only
     * keeps a dead credential on the disk.
     *
     * @param value the cookie value (the secret session ID: never log the result)
     * @param sessionLeft how long the session can still live, or {@code null} for no cap
     * @return the header value
     */
    String setCookie(String value, Duration sessionLeft) {
        StringBuilder b = new StringBuilder(160).append(name).append('=').append(value);
        if (maxAge != null) {
            long seconds = maxAge.getSeconds();
            if (sessionLeft != null) {
                seconds = Math.max(1, Math.min(seconds, sessionLeft.getSeconds()));
            }
            b.append("; Max-Age=").append(seconds);
        }
        return attributes(b);
    }

    /** @return the {@code Set-Cookie} value that makes the client drop the cookie */
    String clearCookie() {
        StringBuilder b =
                new StringBuilder(160).append(name).append("=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
        return attributes(b);
    }

    private String attributes(StringBuilder b) {
        b.append("; Path=").append(path);
        if (domain != null) {
            b.append("; Domain=").append(domain);
        }
        if (secure) {
            b.append("; Secure");
        }
        if (httpOnly) {
            b.append("; HttpOnly");
        }
        return b.append("; SameSite=").append(sameSite.attributeValue()).toString();
    }

    @Override
    public String toString() {
        return "CookieSettings[name=" + name + ", secure=" + secure + ", httpOnly=" + httpOnly + ", sameSite="
                + sameSite + ", path=" + path + ", domain=" + domain + ", maxAge=" + maxAge + "]";
    }

    /** Collects cookie settings. Not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private String name = DEFAULT_NAME;
        private boolean secure = true;
        private boolean httpOnly = true;
        private SameSite sameSite = SameSite.LAX;
        private String path = "/";
        private String domain;
        private Duration maxAge;

        private Builder() {}

        /**
         * Sets the cookie name (default {@value CookieSettings#DEFAULT_NAME}).
         *
         * @param value an RFC 6265 token
         * @return this builder
         */
        public Builder name(String value) {
            this.name = Objects.requireNonNull(value, "name");
            return this;
        }

        /**
         * Sets {@code Secure} (default on). Turn it off only for plain-HTTP development, and then
         * choose a name without the {@code __Host-} or {@code __Secure-} prefix.
         *
         * @param value whether to send {@code Secure}
         * @return this builder
         */
        public Builder secure(boolean value) {
            this.secure = value;
            return this;
        }

        /**
         * Sets {@code HttpOnly} (default on), which keeps the cookie away from scripts.
         *
         * @param value whether to send {@code HttpOnly}
         * @return this builder
         */
        public Builder httpOnly(boolean value) {
            this.httpOnly = value;
            return this;
        }

        /**
         * Sets {@code SameSite} (default {@link SameSite#LAX}).
         *
         * @param value the attribute
         * @return this builder
         */
        public Builder sameSite(SameSite value) {
            this.sameSite = Objects.requireNonNull(value, "sameSite");
            return this;
        }

        /**
         * Sets {@code Path} (default {@code /}).
         *
         * @param value a path starting with {@code /}
         * @return this builder
         */
        public Builder path(String value) {
            this.path = Objects.requireNonNull(value, "path");
            return this;
        }

        /**
         * Sets {@code Domain} (default none: host-only). A domain shares the cookie with every
         * subdomain; avoid it unless the session must span them.
         *
         * @param value a domain name
         * @return this builder
         */
        public Builder domain(String value) {
            this.domain = Objects.requireNonNull(value, "domain");
            return this;
        }

        /**
         * Sets {@code Max-Age} (default none: the browser drops the cookie when it closes). The
         * server-side idle and absolute timeouts apply either way, and each {@code Set-Cookie} caps
         * {@code Max-Age} at what is left of the session's absolute timeout.
         *
         * @param value a positive duration
         * @return this builder
         */
        public Builder maxAge(Duration value) {
            this.maxAge = Objects.requireNonNull(value, "maxAge");
            return this;
        }

        /**
         * Validates and builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the first option that does not fit
         */
        public CookieSettings build() {
            if (name.isEmpty() || !isToken(name)) {
                throw new IllegalArgumentException(
                        "cookie name (" + printable(name) + ") must be a non-empty RFC 6265 token");
            }
            if (!path.startsWith("/") || !isAttributeValue(path)) {
                throw new IllegalArgumentException("cookie path (" + printable(path)
                        + ") must start with '/' and hold no ';', control or non-ASCII character");
            }
            if (domain != null && (domain.isEmpty() || !isAttributeValue(domain))) {
                throw new IllegalArgumentException(
                        "cookie domain (" + printable(domain) + ") is not a valid domain attribute");
            }
            if (maxAge != null && (maxAge.isZero() || maxAge.isNegative())) {
                throw new IllegalArgumentException("cookie maxAge (" + maxAge + ") must be positive");
            }
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("__host-")) {
                if (!secure) {
                    throw new IllegalArgumentException(
                            "cookie name " + name + " uses the __Host- prefix, which needs secure=true");
                }
                if (!"/".equals(path)) {
                    throw new IllegalArgumentException(
                            "cookie name " + name + " uses the __Host- prefix, which needs path=/ (got " + path + ")");
                }
                if (domain != null) {
                    throw new IllegalArgumentException("cookie name " + name
                            + " uses the __Host- prefix, which forbids a domain (got " + domain + ")");
                }
            }
            if (lower.startsWith("__secure-") && !secure) {
                throw new IllegalArgumentException(
                        "cookie name " + name + " uses the __Secure- prefix, which needs secure=true");
            }
            if (sameSite == SameSite.NONE && !secure) {
                throw new IllegalArgumentException(
                        "sameSite=None needs secure=true (browsers drop the cookie otherwise)");
            }
            return new CookieSettings(this);
        }

        private static boolean isToken(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isAttributeValue(String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x21 || c >= 0x7f || c == ';' || c == ',') {
                    return false;
                }
            }
            return true;
        }

        private static String printable(String s) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length() && i < 64; i++) {
                char c = s.charAt(i);
                b.append(c < 0x20 || c >= 0x7f ? '?' : c);
            }
            return b.toString();
        }
    }
}
