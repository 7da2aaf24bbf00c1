package dev.lanyard.session.jwt;

import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.PlainHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;

/** The header and shape checks of {@link AccessTokenVerifier}, on text it has not trusted yet. */
final class TokenHeaders {

    private TokenHeaders() {}

    /** Whether the header supplies a key ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}). */
    static boolean hasHeaderKey(JWSHeader h) {
        return h.getJWK() != null
                || h.getJWKURL() != null
                || h.getX509CertURL() != null
                || h.getX509CertChain() != null;
    }

    /** Whether the header supplies a key ({@code jwk}, {@code jku}, {@code x5u}, {@code x5c}). */
    static boolean hasHeaderKey(JWEHeader h) {
        return h.getJWK() != null
                || h.getJWKURL() != null
                || h.getX509CertURL() != null
                || h.getX509CertChain() != null;
    }

    /**
     * Whether the header carries {@code crit} in any form. This verifier understands no critical
     * extension, so every value is unknown, and an empty list is malformed (RFC 7515 §4.1.11). The
     * parsed header is checked and then the header as sent, since a parser may drop an empty list.
     */
    static boolean hasCriticalHeader(Header h) {
        if (h.getCriticalParams() != null || h.getIncludedParams().contains("crit")) {
            return true;
        }
        Base64URL raw = h.getParsedBase64URL();
        if (raw == null) {
            return false;
        }
        try {
            return JSONObjectUtils.parse(raw.decodeToString()).containsKey("crit");
        } catch (ParseException | RuntimeException e) {
            return true;
        }
    }

    /** Whether the header of a token that is not a JWS says {@code alg: none}. */
    static boolean isUnsecured(String token) {
        try {
            Base64URL header = new Base64URL(token.substring(0, token.indexOf('.')));
            return Header.parse(header) instanceof PlainHeader;
        } catch (ParseException | RuntimeException e) {
            return false;
        }
    }

    static boolean isAccessTokenType(JOSEObjectType type) {
        if (type == null) {
            return false;
        }
        String t = type.getType();
        return AccessTokenIssuer.TOKEN_TYPE.equalsIgnoreCase(t)
                || ("application/" + AccessTokenIssuer.TOKEN_TYPE).equalsIgnoreCase(t);
    }

    static int countDots(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '.' && ++n > 4) {
                return n;
            }
        }
        return n;
    }
}
