package dev.lanyard.session.jwt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.tck.MutableClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Drives every path that logs or throws and searches the output for tokens and keys. */
class SecretsNotLoggedTest {

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private Logger root;
    private Level previousLevel;

    @BeforeEach
    void capture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        previousLevel = root.getLevel();
        root.setLevel(Level.TRACE);
        appender.setContext(context);
        appender.start();
        root.addAppender(appender);
    }

    @AfterEach
    void release() {
        root.detachAppender(appender);
        root.setLevel(previousLevel);
    }

    @Test
    void noTokenRefreshTokenOrKeyAppearsInAnyLogLineOrExceptionMessage() {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        List<String> secrets = new ArrayList<>(List.of(
                Base64.getEncoder().encodeToString(secret),
                Base64.getUrlEncoder().withoutPadding().encodeToString(secret),
                HexFormat.of().formatHex(secret)));
        List<String> exceptionMessages = new ArrayList<>();

        MutableClock clock = MutableClock.startingNow();
        InMemorySessionStore store = InMemorySessionStore.create(clock);
        SessionManager manager = SessionManager.builder(store).clock(clock).build(); // with the logging listener
        KeyRing keys = KeyRing.of(TokenKeySet.builder()
                .signingKey(TokenKey.hmac("h1", TokenAlgorithm.HS256, secret))
                .verificationKey(TokenKey.generate("e1", TokenAlgorithm.ES256))
                .build());
        AccessTokenIssuer issuer = AccessTokenIssuer.builder(keys)
                .issuer(Fixture.ISSUER)
                .audience(Fixture.AUDIENCE)
                .clock(clock)
                .build();
        TokenDenyList denyList = TokenDenyList.create(store, clock);
        AccessTokenVerifier verifier = AccessTokenVerifier.builder(keys)
                .issuer(Fixture.ISSUER)
                .audience(Fixture.AUDIENCE)
                .manager(manager)
                .denyList(denyList)
                .build();
        RefreshTokenService refresh =
                RefreshTokenService.builder(manager, store, issuer).build();
        Session session = manager.login(null, "alice", ClientInfo.UNKNOWN).session();

        TokenPair pair = refresh.issue(session);
        String access = pair.accessToken().value();
        secrets.add(access);
        secrets.addAll(List.of(access.split("\\.")));
        secrets.add(pair.refreshToken());

        verifier.verify(access, VerificationMode.CHECKED);
        String[] parts = access.split("\\.");
        verifier.verify(parts[0] + "." + parts[1] + ".AAAA", VerificationMode.STATELESS);
        verifier.verify(access + "x", VerificationMode.STATELESS);
        verifier.verify(access.repeat(40), VerificationMode.STATELESS);
        denyList.deny(pair.accessToken());
        verifier.verify(access, VerificationMode.STATELESS);
        exceptionMessages.add(catchThrowable(() ->
                        verifier.verify(access, VerificationMode.STATELESS).orElseThrow())
                .getMessage());
        exceptionMessages.add(catchThrowable(() -> TokenKey.hmac("short", TokenAlgorithm.HS512, secret))
                .getMessage());
        exceptionMessages.add(
                catchThrowable(() -> EncryptionKey.direct("d1", new byte[31])).getMessage());

        String second =
                refresh.refresh(pair.refreshToken()).tokens().orElseThrow().refreshToken();
        secrets.add(second);
        refresh.refresh(pair.refreshToken()); // reuse: family and session revoked, a WARN is logged
        refresh.refresh(second);
        refresh.refresh(second + "x");
        refresh.revoke(second);
        clock.advance(Duration.ofHours(1));
        verifier.verify(access, VerificationMode.CHECKED);

        assertThat(appender.list).as("the flow logs something to search").isNotEmpty();
        assertThat(appender.list)
                .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains("reuse detected"));
        List<String> lines = new ArrayList<>(exceptionMessages);
        for (ILoggingEvent event : appender.list) {
            lines.add(event.getFormattedMessage());
            if (event.getKeyValuePairs() != null) {
                event.getKeyValuePairs().forEach(kv -> lines.add(kv.key + "=" + kv.value));
            }
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                lines.add(t.getMessage());
            }
        }
        for (String line : lines) {
            if (line == null) {
                continue;
            }
            for (String s : secrets) {
                if (s.length() >= 8) {
                    assertThat(line).as("a log line or exception message").doesNotContain(s);
                }
            }
        }
    }
}
