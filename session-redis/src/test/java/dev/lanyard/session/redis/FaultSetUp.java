package dev.lanyard.session.redis;

import static org.awaitility.Awaitility.await;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.StoreUnavailableException;
import java.time.Duration;
import java.util.Objects;

/**
 * The set-up step of the fault tests, whose stores have a short command timeout on purpose: the
 * first scripts a store runs on a fresh Redis (an {@code EVAL} that Redis compiles) can outlast it
 * on a loaded machine, which says nothing about the fault that the test injects afterwards.
 */
final class FaultSetUp {

    private FaultSetUp() {}

    /**
     * Creates a session, presenting the call again while the store does not answer in time.
     *
     * @param manager the node
     * @return the session, written before the test's fault
     */
    static NewSession created(SessionManager manager) {
        return await("a session created before the fault")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .ignoreException(StoreUnavailableException.class)
                .until(() -> manager.create(ClientInfo.UNKNOWN), Objects::nonNull);
    }
}
