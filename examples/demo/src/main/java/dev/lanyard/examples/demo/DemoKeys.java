package dev.lanyard.examples.demo;

import dev.lanyard.session.jwt.TokenKey;
import dev.lanyard.session.spi.AtomicValueStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * The ES256 key that signs the demo's access tokens.
 *
 * <p><b>Demo shortcut, do not copy:</b> the private key sits in the session store in clear text
 * (whoever reads that Redis can mint tokens for any user). So that several demo instances verify
 * each other's tokens without any setup, the first instance generates the key pair and leaves it
 * in the shared session store; the others read it. A real deployment loads its signing key from a secret
 * manager (every node the same key, rotated with {@code KeyRing.rotateTo}) and never puts a
 * private key in the session store.
 */
final class DemoKeys {

    static final String KEY_ID = "demo-es256";
    private static final String STORE_KEY = "demo:signing-key";
    private static final Duration TTL = Duration.ofDays(30);

    private DemoKeys() {}

    /**
     * @param values the shared store
     * @return the signing key every instance using {@code values} shares
     */
    static TokenKey sharedSigningKey(AtomicValueStore values) {
        KeyPair generated = generate();
        values.putIfAbsent(STORE_KEY, encode(generated), TTL);
        Optional<byte[]> stored = values.get(STORE_KEY);
        return TokenKey.ec(KEY_ID, stored.map(DemoKeys::decode).orElse(generated));
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a P-256 key pair", e);
        }
    }

    private static byte[] encode(KeyPair pair) {
        Base64.Encoder base64 = Base64.getEncoder();
        return (base64.encodeToString(pair.getPrivate().getEncoded()) + "\n"
                        + base64.encodeToString(pair.getPublic().getEncoded()))
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static KeyPair decode(byte[] stored) {
        String[] parts = new String(stored, StandardCharsets.US_ASCII).split("\n");
        try {
            KeyFactory factory = KeyFactory.getInstance("EC");
            return new KeyPair(
                    factory.generatePublic(
                            new X509EncodedKeySpec(Base64.getDecoder().decode(parts[1]))),
                    factory.generatePrivate(
                            new PKCS8EncodedKeySpec(Base64.getDecoder().decode(parts[0]))));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalStateException("the demo signing key in the store is unreadable", null);
        }
    }
}
