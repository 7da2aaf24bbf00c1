package dev.lanyard.session.jwt;

import dev.lanyard.session.Resolution;
import dev.lanyard.session.RevocationReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.event.ObservedOperation;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.event.SessionObserver;
import dev.lanyard.session.internal.ModuleEvents;
import dev.lanyard.session.spi.AtomicValueStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refresh tokens with rotation and reuse detection. A refresh token is an opaque 256-bit random
 * value (base64url, 43 characters) bound to a session and a <em>family</em>: the chain of tokens
 * that descend from one {@link #issue(Session)}. Each {@link #refresh(String)} returns a new
 * access token and a new refresh token and retires the presented one, atomically: the family's
 * state moves with one {@link AtomicValueStore#compareAndSet compare-and-set}, so of any number
 * of racing refreshes of one token exactly one mints a successor. Presenting a retired token
 * again revokes the whole family and its session
 * ({@link SessionManager#revoke(SessionHandle, RevocationReason) REUSE_DETECTED}) and publishes
 * {@link SessionEvent.TokenReuseDetected}.
 *
 * <p><b>Grace period</b> (off by default). Two tabs of one browser may refresh the same token at
 * the same moment. With a grace period, the first refresh of the token retired last, within the
 * grace after its retirement, receives the <em>same</em> successor instead of triggering reuse
 * detection, and publishes {@link SessionEvent.RefreshGraceUsed}. The successor is handed out this
 * way once: a further presentation of the retired token is reuse. The successor is stored sealed: AES-256-GCM under a key derived as
 * HMAC-SHA256(predecessor token, family ID), so only a holder of the predecessor can read it; the
 * store itself holds only SHA-256 hashes of tokens and this ciphertext, never a usable token.
 *
 * <p><b>Storage</b> ({@link AtomicValueStore}, the application's session store):
 * {@code rt:t:<SHA-256 of token>} → family ID and generation, kept for the family's absolute
 * lifetime so that a retired token is still recognised; {@code rt:f:<family ID>} → the family's
 * state, whose TTL is the idle timeout (capped by the absolute lifetime). A revoked family leaves
 * a tombstone until its absolute expiry. A refresh costs about four store operations and one
 * session read; an issue two writes.
 *
 * <p><b>Session rotation</b>: a family is bound to a session handle, and login, privilege change
 * and re-authentication move the session to a new handle. Register a
 * {@link RefreshFamilyListener} on the manager and families follow their session (the next
 * refresh mints tokens with the new {@code sid} and {@code ver}); without it their refreshes fail
 * with {@link RefreshRejection#SESSION_GONE}. {@code rt:s:<handle>} lists a session's families
 * for this purpose.
 *
 * <p>Thread-safe. Store failures throw {@link dev.lanyard.session.StoreUnavailableException}; a
 * refresh that fails that way has retired nothing unless its compare-and-set was applied.
 *
 * @since 0.1.0
 */
public final class RefreshTokenService {

    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokenService.class);

    /** The default idle timeout of a family: 14 days. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofDays(14);

    /** The default absolute lifetime of a family: 30 days (never beyond its session's). */
    public static final Duration DEFAULT_ABSOLUTE_LIFETIME = Duration.ofDays(30);

    /** The longest grace period accepted: one minute. */
    public static final Duration MAX_GRACE_PERIOD = Duration.ofMinutes(1);

    static final String TOKEN_PREFIX = "rt:t:";
    static final String FAMILY_PREFIX = "rt:f:";
    private static final int TOKEN_LENGTH = 43;
    private static final int MAX_ATTEMPTS = 16;
    /**
     * Store TTLs run this much past the family's own deadlines, so that a family that just ended
     * is still reported as expired (or its retired tokens as reused) rather than as unknown, on
     * backends whose clock is not the manager's.
     */
    static final Duration TTL_MARGIN = Duration.ofMinutes(1);

    private static final byte[] SEAL_CONTEXT = "lanyard refresh grace v1|".getBytes(StandardCharsets.US_ASCII);

    private final SessionManager manager;
    private final AtomicValueStore store;
    private final AccessTokenIssuer issuer;
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration absoluteTimeout;
    private final Duration gracePeriod;
    private final Function<Session, Map<String, ?>> claims;
    private final SecureRandom random = new SecureRandom();

    private RefreshTokenService(Builder b) {
        this.manager = b.manager;
        this.store = b.store;
        this.issuer = b.issuer;
        this.clock = manager.clock();
        this.idleTimeout = b.idleTimeout;
        this.absoluteTimeout = b.absoluteTimeout;
        this.gracePeriod = b.gracePeriod;
        this.claims = b.claims;
    }

    /**
     * @param manager the session manager (its clock is used)
     * @param store the value store: the same store object the manager uses, when it implements
     *     {@link AtomicValueStore} (the in-memory and Redis stores do)
     * @param issuer mints the access tokens
     * @return a new builder
     */
    public static Builder builder(SessionManager manager, AtomicValueStore store, AccessTokenIssuer issuer) {
        return new Builder(manager, store, issuer);
    }

    /**
     * Starts a builder that keeps refresh state in the manager's own store, which must implement
     * {@link AtomicValueStore} (the in-memory and Redis stores do).
     *
     * @param manager the session manager
     * @param issuer issues the access tokens
     * @return a new builder
     * @throws IllegalArgumentException if the manager's store cannot keep values
     */
    public static Builder builder(SessionManager manager, AccessTokenIssuer issuer) {
        AtomicValueStore store = manager.values()
                .orElseThrow(() -> new IllegalArgumentException(
                        "refresh tokens need a session store that implements AtomicValueStore; pass one explicitly"));
        return new Builder(manager, store, issuer);
    }

    /**
     * Starts a family for an authenticated session: a new access token and a first refresh token.
     * Costs three store writes, one read and one signature.
     *
     * @param session the session (just logged in, typically)
     * @return the tokens
     * @throws IllegalArgumentException if the session is anonymous
     */
    public TokenPair issue(Session session) {
        Objects.requireNonNull(session, "session");
        if (!session.isAuthenticated()) {
            throw new IllegalArgumentException("refresh tokens need an authenticated session; log the user in first");
        }
        Instant now = clock.instant();
        Instant absolute = min(now.plus(absoluteTimeout), session.absoluteExpiry());
        if (!now.isBefore(absolute)) {
            throw new IllegalArgumentException("the session " + session.handle() + " has reached its absolute expiry");
        }
        String familyId = Hashes.randomBase64(random, 16);
        String token = Hashes.randomBase64(random, 32);
        String hash = Hashes.sha256(token);
        FamilyState state =
                new FamilyState(false, session.handle(), 1, hash, null, Instant.EPOCH, null, now, now, absolute);
        store.putIfAbsent(TOKEN_PREFIX + hash, tokenRecord(familyId, 1), untilAbsolute(now, absolute));
        if (!store.putIfAbsent(FAMILY_PREFIX + familyId, state.encode(), familyTtl(now, absolute))) {
            throw new TokenException("could not start a refresh-token family: its random ID collided", null);
        }
        FamilyIndex.add(store, session.handle(), List.of(familyId), untilAbsolute(now, absolute));
        IssuedToken access = issuer.issue(session, claims.apply(session));
        return new TokenPair(access, token, familyId, absolute);
    }

    /**
     * Exchanges a refresh token for a new access token and a new refresh token, retiring the
     * presented one. Never throws for bad input.
     *
     * @param presented the refresh token the client sent, or {@code null}
     * @return the new pair, or why there is none
     */
    public RefreshResult refresh(String presented) {
        SessionObserver observer = manager.observer().orElse(null);
        if (observer == null) {
            return refresh(presented, null);
        }
        ObservedOperation op = ObservedOperation.start(observer, ObservedOperation.Kind.TOKEN_REFRESH);
        try {
            RefreshResult result = refresh(presented, op);
            result.rejection().ifPresent(op::refused);
            return result;
        } catch (RuntimeException e) {
            op.failed(e);
            throw e;
        } finally {
            op.stop(observer);
        }
    }

    /** Refreshes; records the session's handle and version in {@code op} when it is not {@code null}. */
    private RefreshResult refresh(String presented, ObservedOperation op) {
        if (!Hashes.isBase64Url(presented, TOKEN_LENGTH)) {
            return RefreshResult.rejected(RefreshRejection.MALFORMED);
        }
        String hash = Hashes.sha256(presented);
        Optional<byte[]> record = store.get(TOKEN_PREFIX + hash);
        if (record.isEmpty()) {
            return reject(RefreshRejection.UNKNOWN, null);
        }
        String familyId = familyIdOf(record.get());
        if (familyId == null) {
            return reject(RefreshRejection.UNKNOWN, null);
        }
        String familyKey = FAMILY_PREFIX + familyId;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<byte[]> stored = store.get(familyKey);
            if (stored.isEmpty()) {
                return reject(RefreshRejection.UNKNOWN, familyId);
            }
            byte[] expected = stored.get();
            FamilyState family;
            try {
                family = FamilyState.decode(expected);
            } catch (IllegalArgumentException e) {
                return reject(RefreshRejection.UNKNOWN, familyId);
            }
            if (family.revoked()) {
                return reject(RefreshRejection.REVOKED, familyId);
            }
            Instant now = clock.instant();
            if (!now.isBefore(family.absoluteExpiry())) {
                store.remove(familyKey);
                return reject(RefreshRejection.EXPIRED_ABSOLUTE, familyId);
            }
            if (!now.isBefore(family.lastUsedAt().plus(idleTimeout))) {
                store.remove(familyKey);
                return reject(RefreshRejection.EXPIRED_IDLE, familyId);
            }
            if (hash.equals(family.currentHash())) {
                Session session = liveSession(family.handle());
                if (session == null) {
                    revokeFamily(familyKey, expected, family);
                    return reject(RefreshRejection.SESSION_GONE, familyId);
                }
                String next = Hashes.randomBase64(random, 32);
                String nextHash = Hashes.sha256(next);
                long generation = family.generation() + 1;
                boolean grace = !gracePeriod.isZero();
                FamilyState advanced = new FamilyState(
                        false,
                        family.handle(),
                        generation,
                        nextHash,
                        hash,
                        grace ? now.plus(gracePeriod) : Instant.EPOCH,
                        grace ? seal(presented, familyId, generation, next) : null,
                        family.createdAt(),
                        now,
                        family.absoluteExpiry());
                String nextKey = TOKEN_PREFIX + nextHash;
                if (!store.putIfAbsent(
                        nextKey, tokenRecord(familyId, generation), untilAbsolute(now, family.absoluteExpiry()))) {
                    continue; // a 256-bit collision: draw again
                }
                if (store.compareAndSet(
                        familyKey, expected, advanced.encode(), familyTtl(now, family.absoluteExpiry()))) {
                    Session touched = touch(session);
                    if (op != null) {
                        op.handle(touched.handle()).version(touched.version());
                    }
                    IssuedToken access = issuer.issue(touched, claims.apply(touched));
                    return RefreshResult.success(new TokenPair(access, next, familyId, family.absoluteExpiry()));
                }
                store.remove(nextKey); // lost the race: the orphan was never handed out
                continue;
            }
            if (hash.equals(family.previousHash())
                    && family.sealedSuccessor() != null
                    && now.isBefore(family.graceUntil())) {
                String successor = unseal(presented, familyId, family.generation(), family.sealedSuccessor());
                if (successor != null) {
                    Session session = liveSession(family.handle());
                    if (session == null) {
                        revokeFamily(familyKey, expected, family);
                        return reject(RefreshRejection.SESSION_GONE, familyId);
                    }
                    // Hand the successor out once: drop the sealed copy so that a further presentation of
                    // the retired token is reuse.
                    if (!store.compareAndSet(
                            familyKey,
                            expected,
                            family.withoutGrace().encode(),
                            familyTtl(now, family.absoluteExpiry()))) {
                        continue;
                    }
                    LOG.debug("refresh grace used: family {}", familyId);
                    ModuleEvents.publish(manager, new SessionEvent.RefreshGraceUsed(now, family.handle()));
                    if (op != null) {
                        op.handle(session.handle()).version(session.version());
                    }
                    IssuedToken access = issuer.issue(session, claims.apply(session));
                    return RefreshResult.success(new TokenPair(access, successor, familyId, family.absoluteExpiry()));
                }
            }
            // A retired token came back: presume it stolen.
            if (!store.compareAndSet(
                    familyKey, expected, family.asRevoked().encode(), untilAbsolute(now, family.absoluteExpiry()))) {
                continue;
            }
            LOG.warn("refresh token reuse detected: family {} and session {} revoked", familyId, family.handle());
            manager.revoke(family.handle(), RevocationReason.REUSE_DETECTED);
            ModuleEvents.publish(manager, new SessionEvent.TokenReuseDetected(now, family.handle()));
            return RefreshResult.rejected(RefreshRejection.REUSED);
        }
        return reject(RefreshRejection.CONTENDED, familyId);
    }

    /**
     * Revokes the family of a refresh token, as RFC 7009 asks: revoking an unknown, malformed,
     * expired or already revoked token succeeds silently. Access tokens already issued stay valid
     * for stateless routes until they expire; the session is kept (see {@link #logout(String)}).
     *
     * @param presented the refresh token, or {@code null}
     * @return the handle of the family's session, or empty if there was no live family
     */
    public Optional<SessionHandle> revoke(String presented) {
        if (!Hashes.isBase64Url(presented, TOKEN_LENGTH)) {
            return Optional.empty();
        }
        Optional<byte[]> record = store.get(TOKEN_PREFIX + Hashes.sha256(presented));
        String familyId = record.map(RefreshTokenService::familyIdOf).orElse(null);
        if (familyId == null) {
            return Optional.empty();
        }
        String familyKey = FAMILY_PREFIX + familyId;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<byte[]> stored = store.get(familyKey);
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            FamilyState family;
            try {
                family = FamilyState.decode(stored.get());
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            if (family.revoked()) {
                return Optional.empty();
            }
            if (revokeFamily(familyKey, stored.get(), family)) {
                LOG.debug("refresh-token family {} revoked", familyId);
                return Optional.of(family.handle());
            }
        }
        return Optional.empty();
    }

    /**
     * Revokes the family of a refresh token and logs its session out
     * ({@link RevocationReason#LOGOUT}), so that checked routes reject its access tokens at once.
     * Unknown tokens succeed silently.
     *
     * @param presented the refresh token, or {@code null}
     * @return whether a live family was revoked
     */
    public boolean logout(String presented) {
        Optional<SessionHandle> handle = revoke(presented);
        handle.ifPresent(h -> manager.revoke(h, RevocationReason.LOGOUT));
        return handle.isPresent();
    }

    // ---------------------------------------------------------------- helpers

    private boolean revokeFamily(String familyKey, byte[] expected, FamilyState family) {
        return store.compareAndSet(
                familyKey,
                expected,
                family.asRevoked().encode(),
                untilAbsolute(clock.instant(), family.absoluteExpiry()));
    }

    private Session liveSession(SessionHandle handle) {
        Resolution resolution = manager.lookup(handle);
        return resolution.session().orElse(null);
    }

    /**
     * Records the refresh as session activity. Best effort: it runs after the family moved on, when
     * a failure must not cost the client its new token (a retry would look like reuse).
     */
    private Session touch(Session session) {
        if (!manager.touchDue(session)) {
            return session;
        }
        try {
            return manager.save(session, SessionUpdate.none()).orElse(session);
        } catch (RuntimeException e) {
            LOG.debug(
                    "could not touch session {} on refresh: {}",
                    session.handle(),
                    e.getClass().getSimpleName());
            return session;
        }
    }

    private RefreshResult reject(RefreshRejection reason, String familyId) {
        LOG.debug("refresh rejected: {} (family {})", reason, familyId);
        return RefreshResult.rejected(reason);
    }

    private Duration familyTtl(Instant now, Instant absolute) {
        Duration toAbsolute = Duration.between(now, absolute);
        return (toAbsolute.compareTo(idleTimeout) < 0 ? toAbsolute : idleTimeout).plus(TTL_MARGIN);
    }

    static Duration untilAbsolute(Instant now, Instant absolute) {
        Duration d = Duration.between(now, absolute).plus(TTL_MARGIN);
        return d.isNegative() || d.isZero() ? TTL_MARGIN : d;
    }

    private static byte[] tokenRecord(String familyId, long generation) {
        return ("1|" + familyId + "|" + generation).getBytes(StandardCharsets.US_ASCII);
    }

    private static String familyIdOf(byte[] record) {
        String[] f = new String(record, StandardCharsets.US_ASCII).split("\\|", -1);
        return f.length == 3 && "1".equals(f[0]) && Hashes.isBase64Url(f[1], 22) ? f[1] : null;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** The key that seals a successor: HMAC-SHA256 keyed by the predecessor token. */
    private static SecretKeySpec sealKey(String predecessor, String familyId) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(predecessor.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        mac.update(SEAL_CONTEXT);
        return new SecretKeySpec(mac.doFinal(familyId.getBytes(StandardCharsets.US_ASCII)), "AES");
    }

    private String seal(String predecessor, String familyId, long generation, String successor) {
        try {
            byte[] iv = new byte[12];
            random.nextBytes(iv);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, sealKey(predecessor, familyId), new GCMParameterSpec(128, iv));
            cipher.updateAAD((familyId + "|" + generation).getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(successor.getBytes(StandardCharsets.US_ASCII));
            byte[] out = new byte[iv.length + sealed.length];
            System.arraycopy(iv, 0, out, 0, iv.length);
            System.arraycopy(sealed, 0, out, iv.length, sealed.length);
            return Hashes.B64.encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new TokenException("could not seal a refresh-token successor", e);
        }
    }

    private static String unseal(String predecessor, String familyId, long generation, String sealed) {
        try {
            byte[] in = Hashes.B64_DECODER.decode(sealed);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, sealKey(predecessor, familyId), new GCMParameterSpec(128, in, 0, 12));
            cipher.updateAAD((familyId + "|" + generation).getBytes(StandardCharsets.US_ASCII));
            return new String(cipher.doFinal(in, 12, in.length - 12), StandardCharsets.US_ASCII);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "RefreshTokenService[idle=" + idleTimeout + ", absolute=" + absoluteTimeout + ", grace=" + gracePeriod
                + "]";
    }

    /** Configures a {@link RefreshTokenService}. Not thread-safe; {@link #build()} validates. */
    public static final class Builder {
        private final SessionManager manager;
        private final AtomicValueStore store;
        private final AccessTokenIssuer issuer;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration absoluteTimeout = DEFAULT_ABSOLUTE_LIFETIME;
        private Duration gracePeriod = Duration.ZERO;
        private Function<Session, Map<String, ?>> claims = session -> Map.of();

        private Builder(SessionManager manager, AtomicValueStore store, AccessTokenIssuer issuer) {
            this.manager = Objects.requireNonNull(manager, "manager");
            this.store = Objects.requireNonNull(store, "store");
            this.issuer = Objects.requireNonNull(issuer, "issuer");
        }

        /**
         * Sets how long a family lives unused ({@link #DEFAULT_IDLE_TIMEOUT}).
         *
         * @param value the idle timeout, positive
         * @return this builder
         */
        public Builder idleTimeout(Duration value) {
            this.idleTimeout = positive(value, "idleTimeout");
            return this;
        }

        /**
         * Sets how long a family lives however it is used ({@link #DEFAULT_ABSOLUTE_LIFETIME}); it
         * never outlives its session's absolute expiry.
         *
         * @param value the absolute lifetime, positive
         * @return this builder
         */
        public Builder absoluteTimeout(Duration value) {
            this.absoluteTimeout = positive(value, "absoluteTimeout");
            return this;
        }

        /**
         * Lets a refresh of the token retired last, within {@code value} after its retirement,
         * receive the same successor instead of revoking the family (default zero: off).
         *
         * @param value the grace period, zero to {@link #MAX_GRACE_PERIOD}
         * @return this builder
         */
        public Builder gracePeriod(Duration value) {
            Objects.requireNonNull(value, "gracePeriod");
            if (value.isNegative() || value.compareTo(MAX_GRACE_PERIOD) > 0) {
                throw new IllegalArgumentException(
                        "gracePeriod (" + value + ") must be between PT0S and " + MAX_GRACE_PERIOD);
            }
            this.gracePeriod = value;
            return this;
        }

        /**
         * Sets the application claims of the access tokens issued on issue and refresh (default none).
         *
         * @param value computes claims from the current session
         * @return this builder
         */
        public Builder claims(Function<Session, Map<String, ?>> value) {
            this.claims = Objects.requireNonNull(value, "claims");
            return this;
        }

        /**
         * @return the service
         * @throws IllegalArgumentException if the idle timeout exceeds the absolute lifetime
         */
        public RefreshTokenService build() {
            if (idleTimeout.compareTo(absoluteTimeout) > 0) {
                throw new IllegalArgumentException(
                        "idleTimeout (" + idleTimeout + ") must not exceed absoluteTimeout (" + absoluteTimeout + ")");
            }
            return new RefreshTokenService(this);
        }

        private static Duration positive(Duration value, String name) {
            Objects.requireNonNull(value, name);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " (" + value + ") must be positive");
            }
            return value;
        }
    }
}
