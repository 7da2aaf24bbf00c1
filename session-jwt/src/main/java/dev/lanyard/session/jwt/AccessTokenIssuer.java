package dev.lanyard.session.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWEObject;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.Payload;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.lanyard.session.Session;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Issues short-lived access tokens for sessions: a JWS with header {@code typ: at+jwt} and the
 * signing key's {@code kid}, carrying {@code iss}, {@code aud}, {@code sub} (the user),
 * {@code sid} (the session handle), {@code ver} (the session version), {@code jti} (random),
 * {@code iat} and {@code exp}, plus application claims. When built with {@link Builder#encrypted()}
 * the signed token is then encrypted (nested JWE, {@code cty: JWT}).
 *
 * <p>Thread-safe and cheap to share. Each call reads the key set once. Cost: one signature (HS256
 * a few microseconds, ES256 and RS256 around a millisecond), plus one encryption when enabled.
 *
 * @since 0.1.0
 */
public final class AccessTokenIssuer {

    /** The default access-token lifetime: five minutes. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

    /** The longest lifetime accepted: one day. */
    public static final Duration MAX_LIFETIME = Duration.ofDays(1);

    /** The {@code typ} header of every access token (RFC 9068). */
    public static final String TOKEN_TYPE = "at+jwt";

    /** Claim names the issuer sets itself; application claims may not use them. */
    public static final Set<String> RESERVED_CLAIMS =
            Set.of("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid", "ver");

    static final JOSEObjectType AT_JWT = new JOSEObjectType(TOKEN_TYPE);

    private final KeyRing keys;
    private final String issuer;
    private final List<String> audience;
    private final Duration lifetime;
    private final Clock clock;
    private final boolean encrypted;
    private final SecureRandom random;

    private AccessTokenIssuer(Builder b) {
        this.keys = b.keys;
        this.issuer = b.issuer;
        this.audience = List.copyOf(b.audience);
        this.lifetime = b.lifetime;
        this.clock = b.clock;
        this.encrypted = b.encrypted;
        this.random = new SecureRandom();
    }

    /**
     * @param keys the keys; the current set must have a signing key at every issue
     * @return a new builder
     */
    public static Builder builder(KeyRing keys) {
        return new Builder(keys);
    }

    /**
     * @param keys a fixed key set with a signing key
     * @return a new builder
     */
    public static Builder builder(TokenKeySet keys) {
        return new Builder(KeyRing.of(keys));
    }

    /** @return the configured lifetime of tokens */
    public Duration lifetime() {
        return lifetime;
    }

    /**
     * Issues a token for an authenticated session, without application claims.
     *
     * @param session the session, as resolved or returned by the manager
     * @return the token
     * @throws IllegalArgumentException if the session is anonymous
     * @throws IllegalStateException if the current key set has no signing key
     */
    public IssuedToken issue(Session session) {
        return issue(session, Map.of());
    }

    /**
     * Issues a token for an authenticated session with application claims. The token expires after
     * the lifetime, or at the session's absolute expiry when that comes first.
     *
     * @param session the session
     * @param claims application claims: names not in {@link #RESERVED_CLAIMS}, values that JSON can
     *     carry (strings, numbers, booleans, lists, maps)
     * @return the token
     * @throws IllegalArgumentException if the session is anonymous or a claim name is reserved
     * @throws IllegalStateException if the current key set has no signing key
     */
    public IssuedToken issue(Session session, Map<String, ?> claims) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(claims, "claims");
        String userId = session.userId()
                .orElseThrow(() -> new IllegalArgumentException(
                        "an access token needs an authenticated session; log the user in first"));
        for (String name : claims.keySet()) {
            if (RESERVED_CLAIMS.contains(name)) {
                throw new IllegalArgumentException("claim '" + name + "' is reserved and set by the issuer");
            }
        }
        TokenKeySet set = keys.current();
        TokenKey key =
                set.signingKey().orElseThrow(() -> new IllegalStateException("the current key set has no signing key"));
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant exp = now.plus(lifetime);
        Instant absolute = session.absoluteExpiry().truncatedTo(ChronoUnit.SECONDS);
        if (absolute.isBefore(exp)) {
            exp = absolute.isAfter(now) ? absolute : now.plusSeconds(1);
        }
        String jti = Hashes.randomBase64(random, 16);
        JWTClaimsSet.Builder cb = new JWTClaimsSet.Builder();
        claims.forEach(cb::claim);
        cb.issuer(issuer)
                .audience(audience)
                .subject(userId)
                .claim("sid", session.handle().value())
                .claim("ver", session.version())
                .jwtID(jti)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(exp));
        JWSHeader header = new JWSHeader.Builder(key.algorithm().jws())
                .type(AT_JWT)
                .keyID(key.keyId())
                .build();
        SignedJWT jwt = new SignedJWT(header, cb.build());
        try {
            jwt.sign(key.signer());
        } catch (JOSEException e) {
            throw new TokenException("could not sign with key '" + key.keyId() + "'", e);
        }
        String value = jwt.serialize();
        if (encrypted) {
            EncryptionKey enc = set.encryptionKey()
                    .orElseThrow(() -> new IllegalStateException("the current key set has no encryption key"));
            JWEObject jwe = new JWEObject(
                    new JWEHeader.Builder(enc.kind().jwe(), EncryptionKey.METHOD)
                            .contentType("JWT")
                            .keyID(enc.keyId())
                            .build(),
                    new Payload(value));
            try {
                jwe.encrypt(enc.encrypter());
            } catch (JOSEException e) {
                throw new TokenException("could not encrypt with key '" + enc.keyId() + "'", e);
            }
            value = jwe.serialize();
        }
        return new IssuedToken(value, jti, now, exp, key.keyId());
    }

    @Override
    public String toString() {
        return "AccessTokenIssuer[iss=" + issuer + ", aud=" + audience + ", lifetime=" + lifetime + ", encrypted="
                + encrypted + "]";
    }

    /** Configures an {@link AccessTokenIssuer}. Not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private final KeyRing keys;
        private String issuer;
        private List<String> audience;
        private Duration lifetime = DEFAULT_LIFETIME;
        private Clock clock = Clock.systemUTC();
        private boolean encrypted;

        private Builder(KeyRing keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
        }

        /**
         * Sets the {@code iss} claim (required), such as {@code https://auth.example.com}.
         *
         * @param value the issuer
         * @return this builder
         */
        public Builder issuer(String value) {
            this.issuer = requireText(value, "issuer");
            return this;
        }

        /**
         * Sets the {@code aud} claim (required): the services that accept the tokens.
         *
         * @param first an audience
         * @param more further audiences
         * @return this builder
         */
        public Builder audience(String first, String... more) {
            List<String> all = new ArrayList<>();
            all.add(requireText(first, "audience"));
            for (String a : more) {
                all.add(requireText(a, "audience"));
            }
            this.audience = all;
            return this;
        }

        /**
         * Sets how long tokens live ({@link #DEFAULT_LIFETIME}); whole seconds, at most
         * {@link #MAX_LIFETIME}.
         *
         * @param value the lifetime
         * @return this builder
         */
        public Builder lifetime(Duration value) {
            Objects.requireNonNull(value, "lifetime");
            if (value.compareTo(Duration.ofSeconds(1)) < 0 || value.compareTo(MAX_LIFETIME) > 0) {
                throw new IllegalArgumentException("lifetime (" + value + ") must be between PT1S and " + MAX_LIFETIME);
            }
            this.lifetime = value;
            return this;
        }

        /**
         * Sets the clock for {@code iat} and {@code exp} (default {@link Clock#systemUTC()}; use the
         * session manager's clock).
         *
         * @param value the clock
         * @return this builder
         */
        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value, "clock");
            return this;
        }

        /**
         * Encrypts every token with the key set's encryption key after signing it (nested JWE), for
         * tokens whose claims hold personal data.
         *
         * @return this builder
         */
        public Builder encrypted() {
            this.encrypted = true;
            return this;
        }

        /**
         * @return the issuer
         * @throws IllegalArgumentException if the issuer or audience is missing, or the key set lacks a
         *     signing key (or an encryption key when encrypting)
         */
        public AccessTokenIssuer build() {
            if (issuer == null) {
                throw new IllegalArgumentException("issuer is required");
            }
            if (audience == null) {
                throw new IllegalArgumentException("audience is required");
            }
            TokenKeySet set = keys.current();
            if (set.signingKey().isEmpty()) {
                throw new IllegalArgumentException("the key set has no signing key: " + set);
            }
            if (encrypted && set.encryptionKey().isEmpty()) {
                throw new IllegalArgumentException("encrypted() needs an encryption key in the key set: " + set);
            }
            return new AccessTokenIssuer(this);
        }
    }

    static String requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank() || value.length() > 256) {
            throw new IllegalArgumentException(name + " has 1 to 256 characters and is not blank");
        }
        return value;
    }
}
