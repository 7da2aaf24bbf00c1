package dev.lanyard.session.spring.boot;

import dev.lanyard.session.servlet.SameSite;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code lanyard.*} properties of the session's transport: the cookie that carries the session
 * ID, the header API clients may use instead, and the CSRF check of cookie-transport requests.
 * {@link LanyardProperties} inherits them, so they bind and complete as
 * {@code lanyard.cookie-name}, {@code lanyard.header-name}, {@code lanyard.csrf} and so on; each is
 * the init-parameter of the same word in {@code docs/configuration.md}.
 *
 * <p>A mutable bean, as Spring binding requires; read it only during start-up.
 *
 * @since 0.1.0
 */
public abstract class LanyardTransportProperties {

    /** The session cookie's name. The __Host- prefix requires cookie-secure, path / and no domain. */
    private String cookieName;

    /**
     * Send the cookie over HTTPS only. Turn off only for plain-HTTP development, with a cookie name
     * without prefix.
     */
    private Boolean cookieSecure;

    /** Keep the cookie away from scripts. */
    private Boolean cookieHttpOnly;

    /** The cookie's SameSite attribute: strict, lax or none. */
    private SameSite cookieSameSite;

    /** The cookie's Path. */
    private String cookiePath;

    /** The cookie's Domain; unset means host-only, the safest choice. */
    private String cookieDomain;

    /** The cookie's Max-Age; unset means the browser forgets the cookie when it closes. */
    private Duration cookieMaxAge;

    /**
     * Also accept the session ID in this request header (for API clients without cookies), for
     * example X-Session.
     */
    private String headerName;

    /** CSRF protection of cookie-transport requests: off, origin or token. */
    private String csrf;

    /** Other origins (scheme://host[:port]) allowed to send unsafe requests. */
    private List<String> csrfTrustedOrigins = new ArrayList<>();

    /** The header that carries the CSRF token. */
    private String csrfHeaderName;

    /** The form field that carries the CSRF token. */
    private String csrfParameterName;

    public String getCookieName() {
        return cookieName;
    }

    public void setCookieName(String cookieName) {
        this.cookieName = cookieName;
    }

    public Boolean getCookieSecure() {
        return cookieSecure;
    }

    public void setCookieSecure(Boolean cookieSecure) {
        this.cookieSecure = cookieSecure;
    }

    public Boolean getCookieHttpOnly() {
        return cookieHttpOnly;
    }

    public void setCookieHttpOnly(Boolean cookieHttpOnly) {
        this.cookieHttpOnly = cookieHttpOnly;
    }

    public SameSite getCookieSameSite() {
        return cookieSameSite;
    }

    public void setCookieSameSite(SameSite cookieSameSite) {
        this.cookieSameSite = cookieSameSite;
    }

    public String getCookiePath() {
        return cookiePath;
    }

    public void setCookiePath(String cookiePath) {
        this.cookiePath = cookiePath;
    }

    public String getCookieDomain() {
        return cookieDomain;
    }

    public void setCookieDomain(String cookieDomain) {
        this.cookieDomain = cookieDomain;
    }

    public Duration getCookieMaxAge() {
        return cookieMaxAge;
    }

    public void setCookieMaxAge(Duration cookieMaxAge) {
        this.cookieMaxAge = cookieMaxAge;
    }

    public String getHeaderName() {
        return headerName;
    }

    public void setHeaderName(String headerName) {
        this.headerName = headerName;
    }

    public String getCsrf() {
        return csrf;
    }

    public void setCsrf(String csrf) {
        this.csrf = csrf;
    }

    public List<String> getCsrfTrustedOrigins() {
        return csrfTrustedOrigins;
    }

    public void setCsrfTrustedOrigins(List<String> csrfTrustedOrigins) {
        this.csrfTrustedOrigins = csrfTrustedOrigins;
    }

    public String getCsrfHeaderName() {
        return csrfHeaderName;
    }

    public void setCsrfHeaderName(String csrfHeaderName) {
        this.csrfHeaderName = csrfHeaderName;
    }

    public String getCsrfParameterName() {
        return csrfParameterName;
    }

    public void setCsrfParameterName(String csrfParameterName) {
        this.csrfParameterName = csrfParameterName;
    }
}
