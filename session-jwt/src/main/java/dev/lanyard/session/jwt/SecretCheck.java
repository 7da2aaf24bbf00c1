package dev.lanyard.session.jwt;

/**
 * Whether {@link TokenKey#hmac(String, TokenAlgorithm, byte[], SecretCheck)} inspects an HMAC
 * secret for visible signs of low entropy before accepting it. Length alone does not make a key
 * strong: a 32-character passphrase is 32 bytes with far fewer than 256 bits of entropy.
 *
 * @since 0.1.0
 */
public enum SecretCheck {
    /**
     * Refuses secrets that are visibly low-entropy: only printable ASCII (a passphrase, or hex or
     * base64 text that was not decoded), very few distinct byte values, or a short pattern repeated.
     * Bytes from {@link java.security.SecureRandom} pass. The default.
     */
    REFUSE_LOW_ENTROPY,
    /**
     * Accepts the secret as given, checking its length only. For a caller that knows better (a key
     * derived elsewhere, interoperability with a peer that mandates a text secret).
     */
    ACCEPT_AS_GIVEN
}
