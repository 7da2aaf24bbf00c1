package dev.lanyard.session.spring.boot;

import dev.lanyard.session.servlet.AttributeSaveMode;
import dev.lanyard.session.servlet.FailureMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * The {@code lanyard.*} properties. Each one is the filter init-parameter of the same word in
 * {@code docs/configuration.md}, written in Spring's kebab case ({@code idleTimeout} is
 * {@code lanyard.idle-timeout}); a property left unset keeps the library's default. Durations take
 * Spring's forms ({@code 30m}, {@code PT30M}). Validation is the library's: a bad value stops the
 * application at start with a message naming the option.
 *
 * <p>A mutable bean, as Spring binding requires; read it only during start-up.
 *
 * @since 0.1.0
 */
@ConfigurationProperties(prefix = "lanyard")
public class LanyardProperties extends LanyardTransportProperties {

    /**
     * Whether Lanyard is switched on. With false no Lanyard bean is created and the container's
     * sessions stay in force.
     */
    private boolean enabled = true;

    /**
     * Where sessions live, by URI scheme: memory: (one JVM, development and tests),
     * redis://host:6379, rediss://..., redis-sentinel://..., or a custom adapter's scheme. URI
     * options such as timeout=2s, replicaAcks=1 and expiryNotifications=true are the store's; see
     * docs/redis.md.
     */
    private String store = "memory:";

    /**
     * Wraps a standalone or Sentinel Redis store in the near cache (the URI option nearCache=true).
     */
    private boolean nearCache;

    /**
     * A short name for this node (1 to 64 characters), recorded on the sessions it serves. Use the
     * pod or host name.
     */
    private String nodeId;

    /** Whether session events are logged (logger dev.lanyard.session.events, by handle only). */
    private boolean logEvents = true;

    /** How long a logged-in session lives unused. */
    private Duration idleTimeout;

    /** How long an anonymous session lives unused. */
    private Duration anonymousIdleTimeout;

    /** The longest any session lives, counted from its creation or last login. */
    private Duration absoluteTimeout;

    /**
     * A request that changes nothing writes the last-access time only when the stored one is at least
     * this old.
     */
    private Duration touchInterval;

    /** The clock difference tolerated between nodes (at most 5 minutes). */
    private Duration clockSkew;

    /**
     * The most sessions one user may hold at once, enforced atomically by the store at login. This is
     * Spring Security's maximumSessions: a login beyond it is refused (or evicts, per
     * session-limit-overflow).
     */
    private Integer sessionLimit;

    /**
     * What a login beyond session-limit does: refuse the new login, or evict the least recently used
     * session.
     */
    private SessionLimitOverflow sessionLimitOverflow;

    /**
     * Which attributes of an anonymous session cross a login: application (the default: all but
     * security state such as Spring Security's context and lanyard.*), all, none, or attribute names
     * (for example cart, locale).
     */
    private List<String> loginAttributes = new ArrayList<>();

    /**
     * How old a session ID may get before the filter renews it (OWASP's renewal timeout); none by
     * default. The old ID keeps leading to the session for id-renewal-overlap.
     */
    private Duration idRenewalInterval;

    /** How long a renewed ID still leads to the session, for requests in flight (30s by default, at most 5m). */
    private Duration idRenewalOverlap;

    /** Encoded attribute bytes above which a write raises a PayloadOverSoftLimit event. */
    private Integer payloadSoftLimit;

    /** Encoded attribute bytes above which a write is refused. */
    private Integer payloadHardLimit;

    /**
     * Packages (and their subpackages) whose Serializable classes may be stored as session
     * attributes.
     */
    private List<String> allowedPackages = new ArrayList<>();

    /**
     * What routes without their own failure setting do when the store is unavailable: closed (503) or
     * open.
     */
    private FailureMode failureMode;

    /** The Retry-After of the 503 answer when failing closed. */
    private Duration retryAfter;

    /** The correlation header, or none to turn request IDs off. */
    private String requestIdHeader;

    /** on-get-mutable (the default) or on-set: which attributes a request writes back. */
    private AttributeSaveMode attributeSaveMode;

    /**
     * Route policies by servlet URL pattern (an exact path, /prefix/*, *.ext, or / for the default
     * route). In YAML write the pattern in brackets: lanyard.routes."[/admin/*]".step-up=10m.
     */
    private Map<String, Route> routes = new LinkedHashMap<>();

    /** The filter's registration. */
    private final Filter filter = new Filter();

    /** The Spring Security integration. */
    private final Security security = new Security();

    /** Access tokens (module session-jwt). */
    private final Tokens tokens = new Tokens();

    /** Micrometer meters (module session-metrics). */
    private final Metrics metrics = new Metrics();

    /** What a login beyond {@code session-limit} does. */
    public enum SessionLimitOverflow {
        /** Refuse the new login; Spring Security reports a SessionAuthenticationException. */
        REFUSE,
        /** Log the new session in and end the user's least recently used session. */
        EVICT
    }

    /** One route policy; every setting is optional. */
    public static class Route {

        /** A shorter idle window for these URLs. */
        private Duration idleTimeout;

        /** The user must have authenticated within this time (step-up). */
        private Duration stepUp;

        /** How a step-up demand is answered: 401 or redirect:<location>. */
        private String onStepUp;

        /** open or closed, overriding failure-mode for these URLs. */
        private FailureMode failureMode;

        /** exempt skips the CSRF check on these URLs. */
        private String csrf;

        /**
         * store reads every request's session from the shared store, bypassing a near cache; cache is
         * the default.
         */
        private String read;

        public Duration getIdleTimeout() {
            return idleTimeout;
        }

        public void setIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        public Duration getStepUp() {
            return stepUp;
        }

        public void setStepUp(Duration stepUp) {
            this.stepUp = stepUp;
        }

        public String getOnStepUp() {
            return onStepUp;
        }

        public void setOnStepUp(String onStepUp) {
            this.onStepUp = onStepUp;
        }

        public FailureMode getFailureMode() {
            return failureMode;
        }

        public void setFailureMode(FailureMode failureMode) {
            this.failureMode = failureMode;
        }

        public String getCsrf() {
            return csrf;
        }

        public void setCsrf(String csrf) {
            this.csrf = csrf;
        }

        public String getRead() {
            return read;
        }

        public void setRead(String read) {
            this.read = read;
        }
    }

    /** The filter's registration with the servlet container. */
    public static class Filter {

        /**
         * The filter's order. The default puts it ahead of Spring Security's chain (order -100), so
         * Spring Security sees Lanyard's HttpSession.
         */
        private int order = LanyardAutoConfiguration.DEFAULT_FILTER_ORDER;

        /** URL patterns the filter is mapped to. */
        private List<String> urlPatterns = new ArrayList<>(List.of("/*"));

        public int getOrder() {
            return order;
        }

        public void setOrder(int order) {
            this.order = order;
        }

        public List<String> getUrlPatterns() {
            return urlPatterns;
        }

        public void setUrlPatterns(List<String> urlPatterns) {
            this.urlPatterns = urlPatterns;
        }
    }

    /** The Spring Security integration. */
    public static class Security {

        /**
         * Whether every HttpSecurity chain keeps the user in Lanyard's user and roles fields (the
         * security context repository), logs in through Lanyard (new session ID, session limit) and so
         * never Java-serializes Spring's SecurityContext. A repository or session strategy the
         * application sets itself wins.
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Access tokens issued and verified by session-jwt. */
    public static class Tokens {

        /**
         * The iss claim of issued tokens, and the one verification demands. Tokens are configured when
         * this is set.
         */
        private String issuer;

        /** The aud claim of issued tokens, and the one verification demands. */
        private String audience;

        /**
         * A JWK Set with the keys (a file: or classpath: resource). Keys with private parts sign (the
         * first, or the one named by signing-key-id); all verify. Every key needs a kid and an alg
         * (HS256, ES256 or RS256).
         */
        private Resource jwkSet;

        /** The kid of the signing key, when the set holds several private keys. */
        private String signingKeyId;

        /** How long an access token is valid. */
        private Duration lifetime;

        public String getIssuer() {
            return issuer;
        }

        public void setIssuer(String issuer) {
            this.issuer = issuer;
        }

        public String getAudience() {
            return audience;
        }

        public void setAudience(String audience) {
            this.audience = audience;
        }

        public Resource getJwkSet() {
            return jwkSet;
        }

        public void setJwkSet(Resource jwkSet) {
            this.jwkSet = jwkSet;
        }

        public String getSigningKeyId() {
            return signingKeyId;
        }

        public void setSigningKeyId(String signingKeyId) {
            this.signingKeyId = signingKeyId;
        }

        public Duration getLifetime() {
            return lifetime;
        }

        public void setLifetime(Duration lifetime) {
            this.lifetime = lifetime;
        }
    }

    /** Session meters. */
    public static class Metrics {

        /**
         * Whether session meters are bound to the MeterRegistry (needs session-metrics and Micrometer).
         */
        private boolean enabled = true;

        /** Route names to tag meters with (bounded, never user input). */
        private List<String> routes = new ArrayList<>();

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public List<String> getRoutes() {
            return routes;
        }

        public void setRoutes(List<String> routes) {
            this.routes = routes;
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getStore() {
        return store;
    }

    public void setStore(String store) {
        this.store = store;
    }

    public boolean isNearCache() {
        return nearCache;
    }

    public void setNearCache(boolean nearCache) {
        this.nearCache = nearCache;
    }

    public String getNodeId() {
        return nodeId;
    }

    public void setNodeId(String nodeId) {
        this.nodeId = nodeId;
    }

    public boolean isLogEvents() {
        return logEvents;
    }

    public void setLogEvents(boolean logEvents) {
        this.logEvents = logEvents;
    }

    public Duration getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(Duration idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    public Duration getAnonymousIdleTimeout() {
        return anonymousIdleTimeout;
    }

    public void setAnonymousIdleTimeout(Duration anonymousIdleTimeout) {
        this.anonymousIdleTimeout = anonymousIdleTimeout;
    }

    public Duration getAbsoluteTimeout() {
        return absoluteTimeout;
    }

    public void setAbsoluteTimeout(Duration absoluteTimeout) {
        this.absoluteTimeout = absoluteTimeout;
    }

    public Duration getTouchInterval() {
        return touchInterval;
    }

    public void setTouchInterval(Duration touchInterval) {
        this.touchInterval = touchInterval;
    }

    public List<String> getLoginAttributes() {
        return loginAttributes;
    }

    public void setLoginAttributes(List<String> loginAttributes) {
        this.loginAttributes = loginAttributes;
    }

    public Duration getIdRenewalInterval() {
        return idRenewalInterval;
    }

    public void setIdRenewalInterval(Duration idRenewalInterval) {
        this.idRenewalInterval = idRenewalInterval;
    }

    public Duration getIdRenewalOverlap() {
        return idRenewalOverlap;
    }

    public void setIdRenewalOverlap(Duration idRenewalOverlap) {
        this.idRenewalOverlap = idRenewalOverlap;
    }

    public Duration getClockSkew() {
        return clockSkew;
    }

    public void setClockSkew(Duration clockSkew) {
        this.clockSkew = clockSkew;
    }

    public Integer getSessionLimit() {
        return sessionLimit;
    }

    public void setSessionLimit(Integer sessionLimit) {
        this.sessionLimit = sessionLimit;
    }

    public SessionLimitOverflow getSessionLimitOverflow() {
        return sessionLimitOverflow;
    }

    public void setSessionLimitOverflow(SessionLimitOverflow sessionLimitOverflow) {
        this.sessionLimitOverflow = sessionLimitOverflow;
    }

    public Integer getPayloadSoftLimit() {
        return payloadSoftLimit;
    }

    public void setPayloadSoftLimit(Integer payloadSoftLimit) {
        this.payloadSoftLimit = payloadSoftLimit;
    }

    public Integer getPayloadHardLimit() {
        return payloadHardLimit;
    }

    public void setPayloadHardLimit(Integer payloadHardLimit) {
        this.payloadHardLimit = payloadHardLimit;
    }

    public List<String> getAllowedPackages() {
        return allowedPackages;
    }

    public void setAllowedPackages(List<String> allowedPackages) {
        this.allowedPackages = allowedPackages;
    }

    public FailureMode getFailureMode() {
        return failureMode;
    }

    public void setFailureMode(FailureMode failureMode) {
        this.failureMode = failureMode;
    }

    public Duration getRetryAfter() {
        return retryAfter;
    }

    public void setRetryAfter(Duration retryAfter) {
        this.retryAfter = retryAfter;
    }

    public String getRequestIdHeader() {
        return requestIdHeader;
    }

    public void setRequestIdHeader(String requestIdHeader) {
        this.requestIdHeader = requestIdHeader;
    }

    public AttributeSaveMode getAttributeSaveMode() {
        return attributeSaveMode;
    }

    public void setAttributeSaveMode(AttributeSaveMode attributeSaveMode) {
        this.attributeSaveMode = attributeSaveMode;
    }

    public Map<String, Route> getRoutes() {
        return routes;
    }

    public void setRoutes(Map<String, Route> routes) {
        this.routes = routes;
    }

    public Filter getFilter() {
        return filter;
    }

    public Security getSecurity() {
        return security;
    }

    public Tokens getTokens() {
        return tokens;
    }

    public Metrics getMetrics() {
        return metrics;
    }
}
