package dev.lanyard.session.jwt;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds tokens by hand, with the JDK only, the way an attacker would. */
final class Forge {

    static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private Forge() {}

    static String b64(String s) {
        return B64.encodeToString(s.getBytes(UTF_8));
    }

    /** Claims an attacker would write: valid-looking for this fixture's issuer and audience. */
    static String claims(long nowSeconds, String sid) {
        return "{\"iss\":\"" + Fixture.ISSUER + "\",\"aud\":\"" + Fixture.AUDIENCE + "\",\"sub\":\"admin\",\"sid\":\""
                + sid + "\",\"ver\":1,\"jti\":\"forged\",\"iat\":" + nowSeconds + ",\"exp\":" + (nowSeconds + 300)
                + "}";
    }

    static String unsigned(String headerJson, String claimsJson) {
        return b64(headerJson) + "." + b64(claimsJson) + ".";
    }

    static String hmac(String headerJson, String claimsJson, byte[] secret) {
        try {
            String input = b64(headerJson) + "." + b64(claimsJson);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String rsa(String headerJson, String claimsJson, PrivateKey key) {
        try {
            String input = b64(headerJson) + "." + b64(claimsJson);
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(input.getBytes(US_ASCII));
            return input + "." + B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
