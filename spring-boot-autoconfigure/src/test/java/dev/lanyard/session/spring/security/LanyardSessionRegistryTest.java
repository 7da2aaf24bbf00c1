package dev.lanyard.session.spring.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.memory.InMemorySessionStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.userdetails.User;

/** Spring Security's registry API, answered from Lanyard's store. */
class LanyardSessionRegistryTest {

    private final SessionManager manager =
            SessionManager.builder(InMemorySessionStore.create()).build();
    private final LanyardSessionRegistry registry = new LanyardSessionRegistry(manager);

    @Test
    void aUsersSessionsAreTheStoresNamedByHandle() {
        String first = manager.login(null, "carol", ClientInfo.UNKNOWN)
                .session()
                .handle()
                .value();
        String second = manager.login(null, "carol", ClientInfo.UNKNOWN)
                .session()
                .handle()
                .value();
        manager.login(null, "dave", ClientInfo.UNKNOWN);

        List<SessionInformation> sessions = registry.getAllSessions(
                User.withUsername("carol").password("x").roles("USER").build(), false);

        assertThat(sessions).extracting(SessionInformation::getSessionId).containsExactlyInAnyOrder(first, second);
    }

    @Test
    void expiringASessionEndsItInTheStore() {
        manager.login(null, "carol", ClientInfo.UNKNOWN);
        SessionInformation session = registry.getAllSessions("carol", false).get(0);

        session.expireNow();

        assertThat(session.isExpired()).isTrue();
        assertThat(manager.sessionsOf("carol")).isEmpty();
    }

    @Test
    void anUnusableUserNameHasNoSessions() {
        assertThat(registry.getAllSessions("", false)).isEmpty();
        assertThat(registry.getAllSessions("x".repeat(SessionManager.MAX_USER_ID_LENGTH + 1), false))
                .isEmpty();
    }
}
