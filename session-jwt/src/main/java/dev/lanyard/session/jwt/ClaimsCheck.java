package dev.lanyard.session.jwt;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.lanyard.session.Resolution;
import dev.lanyard.session.ResolutionStatus;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.SessionManager;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The claim checks of {@link AccessTokenVerifier}, run once the signature (or a cached one) holds:
 * {@code iss}, {@code aud} by the {@link AudienceRule}, {@code exp}, {@code nbf} and {@code iat}
 * within the clock skew, {@code sub}, {@code sid}, {@code ver} and {@code jti} well formed, the
 * deny-list, and in checked mode the session. Immutable and thread-safe.
 */
final class ClaimsCheck {

    private static final int MAX_JTI_LENGTH = 256;

    private final String issuer;
    private final String audience;
    private final AudienceRule audienceRule;
    private final Duration skew;
    private final TokenDenyList denyList;
    private final SessionManager manager;

    /**
     * @param denyList the deny-list, or {@code null}
     * @param manager the manager for checked mode, or {@code null}
     */
    ClaimsCheck(
            String issuer,
            String audience,
            AudienceRule audienceRule,
            Duration skew,
            TokenDenyList denyList,
            SessionManager manager) {
        this.issuer = issuer;
        this.audience = audience;
        this.audienceRule = audienceRule;
        this.skew = skew;
        this.denyList = denyList;
        this.manager = manager;
    }

    TokenOutcome check(JWTClaimsSet claims, TokenKey key, VerificationMode mode, Instant now) {
        String subject;
        String sid;
        Long version;
        String jti;
        try {
            if (!issuer.equals(claims.getIssuer())) {
                return TokenOutcome.reject(RejectionReason.WRONG_ISSUER);
            }
            List<String> aud = claims.getAudience();
            if (aud == null || !aud.contains(audience) || (audienceRule == AudienceRule.SOLE && aud.size() != 1)) {
                return TokenOutcome.reject(RejectionReason.WRONG_AUDIENCE);
            }
            Date exp = claims.getExpirationTime();
            Date iat = claims.getIssueTime();
            if (exp == null || iat == null) {
                return TokenOutcome.reject(RejectionReason.CLAIMS_INVALID);
            }
            if (!now.isBefore(exp.toInstant().plus(skew))) {
                return TokenOutcome.reject(RejectionReason.EXPIRED);
            }
            Date nbf = claims.getNotBeforeTime();
            if (nbf != null && nbf.toInstant().isAfter(now.plus(skew))) {
                return TokenOutcome.reject(RejectionReason.NOT_YET_VALID);
            }
            if (iat.toInstant().isAfter(now.plus(skew))) {
                return TokenOutcome.reject(RejectionReason.ISSUED_IN_FUTURE);
            }
            subject = claims.getSubject();
            sid = claims.getStringClaim("sid");
            version = claims.getLongClaim("ver");
            jti = claims.getJWTID();
        } catch (ParseException | RuntimeException e) {
            return TokenOutcome.reject(RejectionReason.CLAIMS_INVALID);
        }
        if (subject == null
                || subject.isEmpty()
                || !SessionHandle.isWellFormed(sid)
                || version == null
                || jti == null
                || jti.isEmpty()
                || jti.length() > MAX_JTI_LENGTH) {
            return TokenOutcome.reject(RejectionReason.CLAIMS_INVALID);
        }
        if (denyList != null && denyList.isDenied(jti)) {
            return TokenOutcome.reject(RejectionReason.DENIED);
        }
        SessionHandle handle = SessionHandle.of(sid);
        Session session = null;
        if (mode == VerificationMode.CHECKED) {
            Resolution resolution = manager.lookup(handle, version);
            if (resolution.status() == ResolutionStatus.STALE_VERSION) {
                return TokenOutcome.reject(RejectionReason.SESSION_VERSION_STALE);
            }
            session = resolution.session().orElse(null);
            if (session == null || !subject.equals(session.userId().orElse(null))) {
                return TokenOutcome.reject(RejectionReason.SESSION_NOT_FOUND);
            }
        }
        return TokenOutcome.accept(new VerifiedToken(
                subject,
                handle,
                version,
                jti,
                claims.getIssueTime().toInstant(),
                claims.getExpirationTime().toInstant(),
                key.keyId(),
                claims.getClaims(),
                Optional.ofNullable(session)));
    }
}
