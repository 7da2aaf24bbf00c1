package dev.lanyard.session.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionId;
import java.security.SecureRandom;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The module's secrets check is only as good as its scanner: a planted raw ID must be found
 * wherever an encoder could print it. (This class does not use the harness, whose after-test
 * check would rightly fail on the planted leaks.)
 */
class SecretScanTest {

    private static final Logger LOG = LoggerFactory.getLogger("dev.lanyard.test.leaky");

    private final RecordingRandom random = new RecordingRandom();
    private final String secret = SessionId.generate(random).value();
    private final LogCapture capture = new LogCapture(random.secrets()).attach();

    @AfterEach
    void detach() {
        capture.detach();
        MDC.clear();
    }

    @Test
    void aSecretInTheMessageIsFound() {
        LOG.info("session {} resolved", secret);

        assertThat(capture.leaks())
                .hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("<SECRET>").doesNotContain(secret));
    }

    @Test
    void aSecretInAKeyValuePairIsFound() {
        LOG.atDebug().addKeyValue("id", secret).log("resolved");

        assertThat(capture.leaks()).hasSize(1);
    }

    @Test
    void aSecretInTheMdcIsFound() {
        MDC.put("cookie", "__Host-session=" + secret);
        LOG.trace("request");

        assertThat(capture.leaks()).hasSize(1);
    }

    @Test
    void aSecretInAnExceptionCauseIsFound() {
        LOG.debug("failed", new IllegalStateException("outer", new IllegalArgumentException("bad id " + secret)));

        assertThat(capture.leaks()).hasSize(1);
    }

    @Test
    void aSecretGluedToOtherTokenCharactersIsFound() {
        LOG.info("x{}y", secret);

        assertThat(capture.leaks()).hasSize(1);
    }

    @Test
    void theHandleAloneIsNotASecret() {
        LOG.info("session {} resolved", SessionId.parse(secret).orElseThrow().handle());

        assertThat(capture.leaks()).isEmpty();
        assertThat(capture.seen()).isEqualTo(1);
    }

    @Test
    void theScannerFindsSecretsInMeterDescriptions() {
        String meter = "lanyard.sessions.resolved{source=" + secret + ",} Presented sessions";

        assertThat(SecretScanner.find(meter, Set.of(secret))).containsExactly(secret);
        assertThat(SecretScanner.find(
                        meter, Set.of(SessionId.generate(new SecureRandom()).value())))
                .isEmpty();
    }
}
