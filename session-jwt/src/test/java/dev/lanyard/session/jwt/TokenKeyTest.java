package dev.lanyard.session.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class TokenKeyTest {

    @Test
    void shortHmacSecretIsRefusedNamingTheKeyIdNotTheSecret() {
        byte[] secret = "0123456789abcdef0123456789abcde".getBytes(java.nio.charset.StandardCharsets.US_ASCII); // 31
        assertThatThrownBy(() -> TokenKey.hmac("k-2024", TokenAlgorithm.HS256, secret))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("k-2024")
                .hasMessageContaining("32 bytes")
                .hasMessageNotContaining("0123456789")
                .hasMessageNotContaining(Base64.getEncoder().encodeToString(secret));
    }

    @Test
    void visiblyLowEntropyHmacSecretsAreRefusedUnlessTheCallerAcceptsThem() {
        byte[] passphrase = "correct horse battery staple 2024!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] base64Text =
                Base64.getEncoder().encodeToString(random(32)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] zeros = new byte[32];
        byte[] pattern = new byte[64];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (0xA0 + i % 5);
        }
        byte[] fewValues = random(32);
        for (int i = 0; i < fewValues.length; i++) {
            fewValues[i] = (byte) (fewValues[i] & 0x03 | 0x80);
        }
        // Positive control: 32 bytes from SecureRandom are accepted.
        assertThat(TokenKey.hmac("h-ok", TokenAlgorithm.HS256, random(32)).keyId())
                .isEqualTo("h-ok");

        for (byte[] weak : new byte[][] {passphrase, base64Text, zeros, pattern, fewValues}) {
            assertThatThrownBy(() -> TokenKey.hmac("h-weak", TokenAlgorithm.HS256, weak))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("h-weak")
                    .hasMessageContaining("low-entropy")
                    .hasMessageContaining("SecretCheck.ACCEPT_AS_GIVEN");
            assertThat(TokenKey.hmac("h-weak", TokenAlgorithm.HS256, weak, SecretCheck.ACCEPT_AS_GIVEN)
                            .keyId())
                    .isEqualTo("h-weak");
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new java.security.SecureRandom().nextBytes(b);
        return b;
    }

    @Test
    void eachHmacAlgorithmNeedsASecretOfItsHashSize() {
        assertThatThrownBy(() -> TokenKey.hmac("h", TokenAlgorithm.HS384, new byte[47]))
                .hasMessageContaining("48 bytes");
        assertThatThrownBy(() -> TokenKey.hmac("h", TokenAlgorithm.HS512, new byte[63]))
                .hasMessageContaining("64 bytes");
        assertThat(TokenKey.hmac("h", TokenAlgorithm.HS512, random(64)).algorithm())
                .isEqualTo(TokenAlgorithm.HS512);
    }

    @Test
    void hmacFactoryRefusesKeyPairAlgorithms() {
        assertThatThrownBy(() -> TokenKey.hmac("h", TokenAlgorithm.RS256, new byte[64]))
                .hasMessageContaining("not an HMAC algorithm");
    }

    @Test
    void rsaKeysShorterThan2048BitsAreRefused() {
        KeyPair weak = Fixture.rsaPair(1024);
        assertThatThrownBy(() -> TokenKey.rsa("r-old", weak))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("r-old")
                .hasMessageContaining("2048");
    }

    @Test
    void ecKeysOffP256AreRefused() {
        KeyPair p384 = Fixture.ecPair("secp384r1");
        assertThatThrownBy(() -> TokenKey.ec("e-384", p384))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("e-384")
                .hasMessageContaining("P-256");
    }

    @Test
    void mismatchedKeyPairIsRefused() {
        KeyPair a = Fixture.ecPair("secp256r1");
        KeyPair b = Fixture.ecPair("secp256r1");
        assertThatThrownBy(() -> TokenKey.ec("e", new KeyPair(a.getPublic(), b.getPrivate())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not match");
    }

    @Test
    void keyIdsAreRestrictedToASafeAlphabet() {
        assertThatThrownBy(() -> TokenKey.hmac("a\"b", TokenAlgorithm.HS256, new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TokenKey.hmac("", TokenAlgorithm.HS256, new byte[32]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringShowsIdAndAlgorithmOnly() {
        TokenKey key = TokenKey.generate("h1", TokenAlgorithm.HS256);
        assertThat(key.toString()).isEqualTo("TokenKey[kid=h1, alg=HS256, signs=true]");
    }

    @Test
    void publicJwkSetHoldsPublicKeysOnlyWithKidAndAlg() {
        TokenKey hs = TokenKey.hmac("h1", TokenAlgorithm.HS256, random(32));
        TokenKey es = TokenKey.generate("e1", TokenAlgorithm.ES256);
        TokenKey rs = TokenKey.generate("r1", TokenAlgorithm.RS256);
        TokenKeySet set = TokenKeySet.builder()
                .signingKey(es)
                .verificationKey(rs)
                .verificationKey(hs)
                .build();

        String json = set.publicJwkSetJson();

        assertThat(json)
                .contains(
                        "\"kid\":\"e1\"",
                        "\"kid\":\"r1\"",
                        "\"alg\":\"ES256\"",
                        "\"alg\":\"RS256\"",
                        "\"use\":\"sig\"");
        assertThat(json).doesNotContain("\"h1\"", "\"oct\"", "\"d\"", "\"p\"", "\"q\"", "\"k\"");
    }

    @Test
    void aPublishedJwkSetIsReadBackAsVerifyOnlyPinnedKeys() {
        TokenKey es = TokenKey.generate("e1", TokenAlgorithm.ES256);
        TokenKey rs = TokenKey.generate("r1", TokenAlgorithm.RS256);
        String json =
                TokenKeySet.builder().signingKey(es).verificationKey(rs).build().publicJwkSetJson();

        TokenKeySet other = TokenKeySet.fromPublicJwkSet(json);

        assertThat(other.signingKey()).isEmpty();
        assertThat(other.verificationKey("e1").orElseThrow().algorithm()).isEqualTo(TokenAlgorithm.ES256);
        assertThat(other.verificationKey("r1").orElseThrow().algorithm()).isEqualTo(TokenAlgorithm.RS256);
        assertThat(other.verificationKey("e1").orElseThrow().canSign()).isFalse();
    }

    @Test
    void aJwkWithoutAlgIsRefusedBecauseItWouldNotBePinned() {
        String json = TokenKeySet.of(TokenKey.generate("r1", TokenAlgorithm.RS256))
                .publicJwkSetJson()
                .replace("\"alg\":\"RS256\",", "")
                .replace(",\"alg\":\"RS256\"", "");
        assertThat(json).doesNotContain("RS256");
        assertThatThrownBy(() -> TokenKeySet.fromPublicJwkSet(json))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("r1");
    }

    @Test
    void rotationKeepsTheOldKeyForVerificationAndRetiringRemovesIt() {
        TokenKey old = TokenKey.generate("k1", TokenAlgorithm.HS256);
        TokenKey next = TokenKey.generate("k2", TokenAlgorithm.HS256);
        KeyRing ring = KeyRing.of(TokenKeySet.of(old));

        ring.rotateTo(next);
        assertThat(ring.current().signingKey()).contains(next);
        assertThat(ring.current().verificationKey("k1")).contains(old);

        ring.retire("k1");
        assertThat(ring.current().verificationKey("k1")).isEmpty();
        assertThat(ring.current().verificationKey("k2")).contains(next);
    }

    @Test
    void theActiveSigningKeyCannotBeRetired() {
        KeyRing ring = KeyRing.of(TokenKeySet.of(TokenKey.generate("k1", TokenAlgorithm.HS256)));
        assertThatThrownBy(() -> ring.retire("k1")).hasMessageContaining("active signing key");
    }

    @Test
    void twoKeysWithOneIdAreRefused() {
        TokenKey a = TokenKey.generate("k", TokenAlgorithm.HS256);
        TokenKey b = TokenKey.generate("k", TokenAlgorithm.HS256);
        assertThatThrownBy(() ->
                        TokenKeySet.builder().signingKey(a).verificationKey(b).build())
                .hasMessageContaining("'k'");
    }

    @Test
    void aVerifyOnlyKeyCannotSign() {
        KeyPair pair = Fixture.rsaPair(2048);
        TokenKey pub = TokenKey.rsaVerifyOnly("r", (java.security.interfaces.RSAPublicKey) pair.getPublic());
        assertThat(pub.canSign()).isFalse();
        assertThatThrownBy(() -> TokenKeySet.builder().signingKey(pub)).hasMessageContaining("cannot sign");
    }

    @Test
    void directEncryptionKeyNeeds32Bytes() {
        assertThatThrownBy(() -> EncryptionKey.direct("d1", new byte[16]))
                .hasMessageContaining("d1")
                .hasMessageContaining("32-byte");
    }
}
