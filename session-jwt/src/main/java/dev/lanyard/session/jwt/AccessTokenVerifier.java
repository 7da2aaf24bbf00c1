package dev.lanyard.session.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionPolicy;
import dev.lanyard.session.event.ObservedOperation;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionObserver;
import dev.lanyard.session.internal.ModuleEvents;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies access tokens issued by {@link AccessTokenIssuer} (or by another service with the
 * same conventions), in {@link VerificationMode#STATELESS} or {@link VerificationMode#CHECKED}
 * mode.
 *
 * <p>What it enforces, in order: a size limit before any parsing; a compact JWS, or a nested JWE
 * ({@code cty: JWT}, no {@code zip}, pinned {@code alg}/{@code enc}, known {@code kid}) that
 * decrypts to one; no {@code alg: none}; no header-supplied keys ({@code jwk}, {@code jku},
 * {@code x5u}, {@code x5c}); no {@code crit} (not even an empty list); {@code typ: at+jwt}; a {@code kid}
 * naming a verification key whose pinned algorithm equals the header's (this defeats algorithm
 * confusion); the signature; {@code iss}; {@code aud} (as the {@link AudienceRule} says: by default
 * this service must be the sole audience); {@code exp} present and not passed; {@code nbf} and
 * {@code iat} not in the future beyond the clock skew; {@code sub}, {@code sid}, {@code ver},
 * {@code jti} present and well formed; the deny-list, if configured; and in checked mode the
 * session via {@link SessionManager#lookup(SessionHandle, long)}. It does not use Nimbus's
 * {@code DefaultJWTProcessor}: every check is explicit so that each rejection has its own
 * {@link RejectionReason}.
 *
 * <p>Every rejection is published as {@link SessionEvent.TokenRejected} through the manager (when
 * one is configured) and logged at DEBUG with its reason only: the token never appears in logs,
 * events or exception messages.
 *
 * <p>Cost: stateless verification is one parse and one signature check; for RS256/ES256 and
 * encrypted tokens a bounded per-node cache remembers a successful signature (and decryption)
 * until {@code exp}, so a repeated token costs one SHA-256 and the claim checks. Checked mode adds
 * one session-store read; a deny-list adds one value-store read. Store failures throw
 * {@link dev.lanyard.session.StoreUnavailableException}. Thread-safe.
 *
 * @since 0.1.0
 */
public final class AccessTokenVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(AccessTokenVerifier.class);

    /** The default size limit: 8 KiB of token text. */
    public static final int DEFAULT_MAX_TOKEN_LENGTH = 8 * 1024;

    /** The default capacity of the verified-token cache. */
    public static final int DEFAULT_CACHE_SIZE = 10_000;

    /** The default audience rule: {@link AudienceRule#SOLE}, per RFC 8725 §3.9. */
    public static final AudienceRule DEFAULT_AUDIENCE_RULE = AudienceRule.SOLE;

    private final KeyRing keys;
    private final String issuer;
    private final String audience;
    private final AudienceRule audienceRule;
    private final Clock clock;
    private final Duration skew;
    private final int maxTokenLength;
    private final SessionManager manager;
    private final TokenDenyList denyList;
    private final VerifiedTokenCache cache;
    private final ClaimsCheck claimsCheck;
    private final boolean requireEncryption;
    /** The guarded observer, or {@code null}: then verification is not observed at all. */
    private final SessionObserver observer;

    private AccessTokenVerifier(Builder b) {
        this.keys = b.keys;
        this.issuer = b.issuer;
        this.audience = b.audience;
        this.audienceRule = b.audienceRule;
        this.manager = b.manager;
        this.clock = b.clock != null ? b.clock : (manager != null ? manager.clock() : Clock.systemUTC());
        this.skew = b.skew != null
                ? b.skew
                : (manager != null ? manager.policy().clockSkew() : SessionPolicy.DEFAULT_CLOCK_SKEW);
        this.maxTokenLength = b.maxTokenLength;
        this.denyList = b.denyList;
        this.cache = b.cacheSize > 0 ? new VerifiedTokenCache(b.cacheSize) : null;
        this.requireEncryption = b.requireEncryption;
        this.claimsCheck = new ClaimsCheck(issuer, audience, audienceRule, skew, denyList, manager);
        SessionObserver chosen = b.observer != null
                ? b.observer
                : (manager != null ? manager.observer().orElse(null) : null);
        this.observer = chosen == null ? null : SessionObserver.guard(chosen);
    }

    /**
     * @param keys the verification (and decryption) keys, read once per verification
     * @return a new builder
     */
    public static Builder builder(KeyRing keys) {
        return new Builder(keys);
    }

    /**
     * @param keys a fixed key set
     * @return a new builder
     */
    public static Builder builder(TokenKeySet keys) {
        return new Builder(KeyRing.of(keys));
    }

    /** @return the clock skew tolerated for {@code exp}, {@code nbf} and {@code iat} */
    public Duration clockSkew() {
        return skew;
    }

    /**
     * Verifies a token.
     *
     * @param token the presented token text, or {@code null}
     * @param mode stateless, or checked against the session store
     * @return the verified token or the reason for rejection; never throws for bad input
     * @throws IllegalStateException if {@code mode} is {@link VerificationMode#CHECKED} and no
     *     session manager was configured
     * @throws dev.lanyard.session.StoreUnavailableException if a store read (checked mode,
     *     deny-list) fails
     */
    public TokenVerification verify(String token, VerificationMode mode) {
        Objects.requireNonNull(mode, "mode");
        if (mode == VerificationMode.CHECKED && manager == null) {
            throw new IllegalStateException("CHECKED verification needs a session manager: configure manager(...)");
        }
        if (observer == null) {
            return verifyNow(token, mode);
        }
        ObservedOperation op = ObservedOperation.start(observer, ObservedOperation.Kind.TOKEN_VERIFY);
        try {
            TokenVerification verification = verifyNow(token, mode);
            if (verification.isValid()) {
                VerifiedToken verified = verification.orElseThrow();
                op.reason(mode).handle(verified.sessionHandle()).version(verified.version());
            } else {
                op.refused(verification.rejection().orElseThrow());
            }
            return verification;
        } catch (RuntimeException e) {
            op.failed(e);
            throw e;
        } finally {
            op.stop(observer);
        }
    }

    private TokenVerification verifyNow(String token, VerificationMode mode) {
        Instant now = clock.instant();
        TokenOutcome outcome = check(token, mode, now);
        if (outcome.reason() != null) {
            LOG.debug("access token rejected: {}", outcome.reason());
            if (manager != null) {
                ModuleEvents.publish(
                        manager,
                        new SessionEvent.TokenRejected(now, outcome.reason().name()));
            }
            return TokenVerification.rejected(outcome.reason());
        }
        return TokenVerification.accepted(outcome.token());
    }

    private TokenOutcome check(String token, VerificationMode mode, Instant now) {
        if (token == null || token.isEmpty()) {
            return TokenOutcome.reject(RejectionReason.MALFORMED);
        }
        if (token.length() > maxTokenLength) {
            return TokenOutcome.reject(RejectionReason.TOO_LARGE);
        }
        TokenKeySet set = keys.current();
        int dots = TokenHeaders.countDots(token);
        if (dots == 4) {
            return checkEncrypted(token, set, mode, now);
        }
        if (dots != 2) {
            return TokenOutcome.reject(RejectionReason.MALFORMED);
        }
        if (requireEncryption) {
            return TokenOutcome.reject(RejectionReason.ENCRYPTION_REQUIRED);
        }
        return checkSigned(token, token, null, set, mode, now);
    }

    private TokenOutcome checkEncrypted(String token, TokenKeySet set, VerificationMode mode, Instant now) {
        JWEObject jwe;
        try {
            jwe = JWEObject.parse(token);
        } catch (ParseException | RuntimeException e) {
            return TokenOutcome.reject(RejectionReason.MALFORMED);
        }
        JWEHeader h = jwe.getHeader();
        if (h.getCompressionAlgorithm() != null) {
            return TokenOutcome.reject(RejectionReason.COMPRESSED);
        }
        if (TokenHeaders.hasHeaderKey(h)) {
            return TokenOutcome.reject(RejectionReason.HEADER_KEY);
        }
        if (TokenHeaders.hasCriticalHeader(h)) {
            return TokenOutcome.reject(RejectionReason.CRITICAL_HEADER);
        }
        if (h.getContentType() == null || !"JWT".equalsIgnoreCase(h.getContentType())) {
            return TokenOutcome.reject(RejectionReason.UNSIGNED_ENCRYPTED);
        }
        if (h.getKeyID() == null || h.getKeyID().isEmpty()) {
            return TokenOutcome.reject(RejectionReason.KEY_ID_MISSING);
        }
        EncryptionKey key = set.decryptionKeyOrNull(h.getKeyID());
        if (key == null) {
            return TokenOutcome.reject(RejectionReason.KEY_ID_UNKNOWN);
        }
        if (!key.kind().jwe().equals(h.getAlgorithm()) || !EncryptionKey.METHOD.equals(h.getEncryptionMethod())) {
            return TokenOutcome.reject(RejectionReason.ALGORITHM_MISMATCH);
        }
        String hash = null;
        if (cache != null) {
            hash = Hashes.sha256(token);
            VerifiedTokenCache.Entry hit = cache.get(hash, now);
            if (hit != null
                    && hit.decryptionKey() == key
                    && set.verificationKeyOrNull(hit.signingKey().keyId()) == hit.signingKey()) {
                return claimsCheck.check(hit.claims(), hit.signingKey(), mode, now);
            }
        }
        try {
            jwe.decrypt(key.decrypter());
        } catch (JOSEException | RuntimeException e) {
            return TokenOutcome.reject(RejectionReason.DECRYPTION_FAILED);
        }
        String inner = jwe.getPayload().toString();
        if (inner.length() > maxTokenLength) {
            return TokenOutcome.reject(RejectionReason.TOO_LARGE);
        }
        if (TokenHeaders.countDots(inner) != 2) {
            return TokenOutcome.reject(RejectionReason.UNSIGNED_ENCRYPTED);
        }
        return checkSigned(inner, token, key, set, mode, now);
    }

    /**
     * @param jwsText the compact JWS
     * @param presented the token as presented (the JWE when nested), for the cache key
     * @param decryptionKey the key that decrypted the outer JWE, or {@code null}
     */
    private TokenOutcome checkSigned(
            String jwsText,
            String presented,
            EncryptionKey decryptionKey,
            TokenKeySet set,
            VerificationMode mode,
            Instant now) {
        SignedJWT jws;
        try {
            // parses the header only; the payload is parsed after the signature check
            jws = SignedJWT.parse(jwsText);
        } catch (ParseException | RuntimeException e) {
            if (decryptionKey != null) {
                // inside a JWE, content that is not a JWS is "encrypted but not signed"
                return TokenOutcome.reject(RejectionReason.UNSIGNED_ENCRYPTED);
            }
            return TokenOutcome.reject(
                    TokenHeaders.isUnsecured(jwsText) ? RejectionReason.UNSECURED : RejectionReason.MALFORMED);
        }
        JWSHeader h = jws.getHeader();
        if (TokenHeaders.hasHeaderKey(h)) {
            return TokenOutcome.reject(RejectionReason.HEADER_KEY);
        }
        if (TokenHeaders.hasCriticalHeader(h)) {
            return TokenOutcome.reject(RejectionReason.CRITICAL_HEADER);
        }
        if (!TokenHeaders.isAccessTokenType(h.getType())) {
            return TokenOutcome.reject(RejectionReason.WRONG_TYPE);
        }
        String kid = h.getKeyID();
        if (kid == null || kid.isEmpty()) {
            return TokenOutcome.reject(RejectionReason.KEY_ID_MISSING);
        }
        TokenKey key = set.verificationKeyOrNull(kid);
        if (key == null) {
            return TokenOutcome.reject(RejectionReason.KEY_ID_UNKNOWN);
        }
        if (!key.algorithm().jws().equals(h.getAlgorithm())) {
            return TokenOutcome.reject(RejectionReason.ALGORITHM_MISMATCH);
        }
        boolean cacheable =
                cache != null && decryptionKey == null && !key.algorithm().isSymmetric();
        String hash = null;
        if (cacheable) {
            hash = Hashes.sha256(presented);
            VerifiedTokenCache.Entry hit = cache.get(hash, now);
            if (hit != null && hit.signingKey() == key && hit.decryptionKey() == null) {
                return claimsCheck.check(hit.claims(), key, mode, now);
            }
        }
        boolean valid;
        try {
            valid = key.verifier().verify(h, jws.getSigningInput(), jws.getSignature());
        } catch (JOSEException | RuntimeException e) {
            valid = false;
        }
        if (!valid) {
            return TokenOutcome.reject(RejectionReason.BAD_SIGNATURE);
        }
        JWTClaimsSet claims;
        try {
            claims = jws.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            return TokenOutcome.reject(RejectionReason.CLAIMS_INVALID);
        }
        if (cache != null && (cacheable || decryptionKey != null)) {
            Date exp = claims.getExpirationTime();
            if (exp != null && now.isBefore(exp.toInstant())) {
                cache.put(
                        hash != null ? hash : Hashes.sha256(presented),
                        new VerifiedTokenCache.Entry(key, decryptionKey, claims, exp.toInstant()));
            }
        }
        return claimsCheck.check(claims, key, mode, now);
    }

    int cachedTokens() {
        return cache == null ? 0 : cache.size();
    }

    @Override
    public String toString() {
        return "AccessTokenVerifier[iss=" + issuer + ", aud=" + audience
                + ", audienceRule=" + audienceRule + ", skew=" + skew
                + ", maxTokenLength=" + maxTokenLength + ", cache=" + (cache != null)
                + ", denyList=" + (denyList != null) + "]";
    }

    /** Configures an {@link AccessTokenVerifier}. Not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private final KeyRing keys;
        private String issuer;
        private String audience;
        private AudienceRule audienceRule = DEFAULT_AUDIENCE_RULE;
        private Clock clock;
        private Duration skew;
        private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;
        private SessionManager manager;
        private TokenDenyList denyList;
        private int cacheSize = DEFAULT_CACHE_SIZE;
        private boolean requireEncryption;
        private SessionObserver observer;

        private Builder(KeyRing keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
        }

        /**
         * Sets the required {@code iss} (required).
         *
         * @param value the issuer
         * @return this builder
         */
        public Builder issuer(String value) {
            this.issuer = AccessTokenIssuer.requireText(value, "issuer");
            return this;
        }

        /**
         * Sets this service's audience (required): {@code aud} must name it, as the
         * {@link #audienceRule(AudienceRule)} says.
         *
         * @param value the audience
         * @return this builder
         */
        public Builder audience(String value) {
            this.audience = AccessTokenIssuer.requireText(value, "audience");
            return this;
        }

        /**
         * Sets how {@code aud} must name this service ({@link #DEFAULT_AUDIENCE_RULE}: as its sole
         * audience).
         *
         * @param value the rule
         * @return this builder
         */
        public Builder audienceRule(AudienceRule value) {
            this.audienceRule = Objects.requireNonNull(value, "audienceRule");
            return this;
        }

        /**
         * Sets the session manager: needed for {@link VerificationMode#CHECKED}, receives
         * {@link SessionEvent.TokenRejected} events, and supplies the default clock and clock skew.
         *
         * @param value the manager
         * @return this builder
         */
        public Builder manager(SessionManager value) {
            this.manager = Objects.requireNonNull(value, "manager");
            return this;
        }

        /**
         * Sets the clock (default: the manager's, else {@link Clock#systemUTC()}).
         *
         * @param value the clock
         * @return this builder
         */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Sets the tolerated clock skew (default: the manager's {@link SessionPolicy#clockSkew()},
         * else {@link SessionPolicy#DEFAULT_CLOCK_SKEW}); at most five minutes.
         *
         * @param value the skew
         * @return this builder
         */
        public Builder clockSkew(Duration value) {
            Objects.requireNonNull(value, "clockSkew");
            if (value.isNegative() || value.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("clockSkew (" + value + ") must be between PT0S and PT5M");
            }
            this.skew = value;
            return this;
        }

        /**
         * Sets the size limit checked before parsing ({@link #DEFAULT_MAX_TOKEN_LENGTH}).
         *
         * @param value the longest token accepted, in characters, 256 to 65536
         * @return this builder
         */
        public Builder maxTokenLength(int value) {
            if (value < 256 || value > 65_536) {
                throw new IllegalArgumentException("maxTokenLength (" + value + ") must be between 256 and 65536");
            }
            this.maxTokenLength = value;
            return this;
        }

        /**
         * Consults a deny-list on every verification that passes signature and claims (one store
         * read each). The deny-list must keep its entries at least as long past {@code exp} as this
         * verifier's clock skew accepts a token past {@code exp} ({@link TokenDenyList#skew()} at
         * least {@link #clockSkew(Duration)}), or a denied token would verify again; {@link #build()}
         * refuses a shorter one.
         *
         * @param value the deny-list
         * @return this builder
         */
        public Builder denyList(TokenDenyList value) {
            this.denyList = Objects.requireNonNull(value, "denyList");
            return this;
        }

        /**
         * Sets the capacity of the verified-token cache ({@link #DEFAULT_CACHE_SIZE}); 0 turns it off.
         * The cache serves RS256, ES256 and encrypted tokens; HMAC verification is as cheap as the
         * hash the cache would compute.
         *
         * @param maxEntries the capacity, 0 to 1,000,000
         * @return this builder
         */
        public Builder verifiedTokenCache(int maxEntries) {
            if (maxEntries < 0 || maxEntries > 1_000_000) {
                throw new IllegalArgumentException(
                        "verifiedTokenCache (" + maxEntries + ") must be between 0 and 1000000");
            }
            this.cacheSize = maxEntries;
            return this;
        }

        /**
         * Rejects tokens that are not encrypted ({@link RejectionReason#ENCRYPTION_REQUIRED}).
         *
         * @return this builder
         */
        public Builder requireEncryption() {
            this.requireEncryption = true;
            return this;
        }

        /**
         * Reports every verification to an observer, for tracing (default: the manager's observer if a
         * manager is set, else none, which costs nothing). Guarded: what it throws is logged and
         * dropped.
         *
         * @param value the observer
         * @return this builder
         */
        public Builder observer(SessionObserver value) {
            this.observer = Objects.requireNonNull(value, "observer");
            return this;
        }

        /**
         * @return the verifier
         * @throws IllegalArgumentException if issuer or audience is missing, encryption is required
         *     without a decryption key, or the deny-list keeps entries for less than the clock skew
         */
        public AccessTokenVerifier build() {
            if (issuer == null) {
                throw new IllegalArgumentException("issuer is required");
            }
            if (audience == null) {
                throw new IllegalArgumentException("audience is required");
            }
            if (denyList != null) {
                Duration effectiveSkew = skew != null
                        ? skew
                        : (manager != null ? manager.policy().clockSkew() : SessionPolicy.DEFAULT_CLOCK_SKEW);
                if (denyList.skew().compareTo(effectiveSkew) < 0) {
                    throw new IllegalArgumentException("denyList keeps entries " + denyList.skew()
                            + " past exp, less than clockSkew (" + effectiveSkew
                            + "): a denied token would verify again; create it with"
                            + " TokenDenyList.create(store, clock, " + effectiveSkew + ")");
                }
            }
            if (requireEncryption && !keys.current().decrypts()) {
                throw new IllegalArgumentException("requireEncryption() needs a decryption key in the key set");
            }
            return new AccessTokenVerifier(this);
        }
    }
}
