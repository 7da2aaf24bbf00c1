package dev.lanyard.session.jwt;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.memory.InMemorySessionStore;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The code sample of docs/tokens.md, compiled and run. Keep the two in step. */
class TokensGuideExampleTest {

    @Test
    void theGuidesSampleRuns() {
        // --8<-- [start:sample]
        InMemorySessionStore store = InMemorySessionStore.create(); // or the Redis store
        SessionManager manager = SessionManager.builder(store)
                .listener(RefreshFamilyListener.create(store, Clock.systemUTC())) // families follow rotations
                .build();

        KeyRing keys = KeyRing.of(TokenKeySet.of(TokenKey.generate("2026-11", TokenAlgorithm.ES256)));
        AccessTokenIssuer issuer = AccessTokenIssuer.builder(keys)
                .issuer("https://auth.example.com")
                .audience("api")
                .lifetime(Duration.ofMinutes(5))
                .clock(manager.clock())
                .build();
        TokenDenyList denyList = TokenDenyList.create(store, manager.clock());
        AccessTokenVerifier verifier = AccessTokenVerifier.builder(keys)
                .issuer("https://auth.example.com")
                .audience("api")
                .manager(manager) // CHECKED mode, events, clock and skew from the policy
                .denyList(denyList) // optional: one extra read per verification
                .build();
        RefreshTokenService refresh = RefreshTokenService.builder(
                        manager, issuer) // refresh state lives in the session store
                .idleTimeout(Duration.ofDays(14))
                .absoluteTimeout(Duration.ofDays(30))
                .gracePeriod(Duration.ofSeconds(10))
                .build();

        // at login
        Session session = manager.login(null, "alice", ClientInfo.UNKNOWN).session();
        TokenPair pair = refresh.issue(session);

        // on each API request
        TokenVerification result = verifier.verify(pair.accessToken().value(), VerificationMode.CHECKED);
        if (!result.isValid()) {
            // 401, WWW-Authenticate: Bearer error="invalid_token"; result.rejection() is the metric tag
        }

        // when the access token expires
        RefreshResult renewed = refresh.refresh(pair.refreshToken());

        // key rotation: a new key signs, the old one verifies until its tokens expired, then goes
        keys.rotateTo(TokenKey.generate("2026-12", TokenAlgorithm.ES256));
        String jwks = keys.current().publicJwkSetJson(); // serve at your jwks_uri
        // ... one token lifetime plus the clock skew later:
        keys.retire("2026-11");
        // --8<-- [end:sample]

        assertThat(result.isValid()).isTrue();
        assertThat(renewed.isSuccess()).isTrue();
        assertThat(jwks).contains("2026-11", "2026-12");
        assertThat(keys.current().verificationKey("2026-11")).isEmpty();
    }
}
