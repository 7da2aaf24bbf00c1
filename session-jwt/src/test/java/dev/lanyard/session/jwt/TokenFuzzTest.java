package dev.lanyard.session.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import dev.lanyard.session.Session;

/**
 * Fuzzes what a client presents as a token: an access token given to
 * {@link AccessTokenVerifier#verify} is valid or rejected with a reason, and a refresh token given
 * to {@link RefreshTokenService#refresh} or {@link RefreshTokenService#revoke} succeeds or is
 * rejected, never with another exception. A token derived from a genuine one by the fuzzer's
 * edits verifies only if it still carries the genuine token's claims (base64url's spare bits
 * make a few textual edits harmless), and a refresh token the fuzzer made up is never accepted.
 *
 * <p>{@code mvn verify} replays the inputs under {@code TokenFuzzTestInputs}; a fuzzing run is
 * described in {@code docs/testing.md}.
 */
class TokenFuzzTest {

    private final Fixture fx = new Fixture();
    private final KeyRing keys = KeyRing.of(TokenKeySet.of(TokenKey.generate("h1", TokenAlgorithm.HS256)));
    private final AccessTokenIssuer issuer = fx.issuer(keys).build();
    private final AccessTokenVerifier verifier = fx.verifier(keys).build();
    private final RefreshTokenService refresh =
            RefreshTokenService.builder(fx.manager, fx.store, issuer).build();
    private final Session session = fx.login("alice");
    private final IssuedToken genuine = issuer.issue(session);
    private final TokenPair pair = refresh.issue(session);

    @FuzzTest
    void anyTextAsAnAccessTokenIsRejectedWithAReason(@NotNull String presented) {
        for (VerificationMode mode : VerificationMode.values()) {
            TokenVerification result = verifier.verify(presented, mode);

            if (result.isValid()) {
                assertThat(result.orElseThrow().jti()).isEqualTo(genuine.jti());
            } else {
                assertThat(result.rejection()).isPresent();
            }
        }
    }

    @FuzzTest
    void anEditedAccessTokenVerifiesOnlyWithTheGenuineClaims(FuzzedDataProvider data) {
        StringBuilder token = new StringBuilder(genuine.value());
        int edits = data.consumeInt(1, 4);
        for (int i = 0; i < edits && token.length() > 0; i++) {
            int at = data.consumeInt(0, token.length() - 1);
            switch (data.consumeInt(0, 2)) {
                case 0 -> token.setCharAt(at, data.consumeChar());
                case 1 -> token.deleteCharAt(at);
                default -> token.insert(at, data.consumeString(8));
            }
        }

        TokenVerification result = verifier.verify(token.toString(), VerificationMode.CHECKED);

        if (result.isValid()) {
            VerifiedToken verified = result.orElseThrow();
            assertThat(verified.jti()).isEqualTo(genuine.jti());
            assertThat(verified.subject()).isEqualTo("alice");
            assertThat(verified.sessionHandle()).isEqualTo(session.handle());
        } else {
            assertThat(result.rejection()).isPresent();
        }
    }

    @FuzzTest
    void anyTextAsARefreshTokenIsRejected(@NotNull String presented) {
        // Compared by digest: Jazzer feeds the operands of String.equals back into its inputs, so
        // comparing the text itself would hand the fuzzer the genuine token (it did, at once).
        boolean genuine = sha256(presented).equals(sha256(pair.refreshToken()));
        RefreshResult result = refresh.refresh(presented);

        assertThat(result.isSuccess()).as("accepted").isEqualTo(genuine);
        if (!genuine) {
            assertThat(result.rejection()).isPresent();
            assertThat(refresh.revoke(presented)).isEmpty();
        }
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
