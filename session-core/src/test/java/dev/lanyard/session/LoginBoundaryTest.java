package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.memory.InMemorySessionStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What crosses the login boundary (session puzzling, ASVS V7): an attacker who plants security
 * state in an anonymous session (a name a framework trusts as identity) must not see it honoured
 * once a victim logs in with that session; the application's own attributes (a cart) stay.
 */
class LoginBoundaryTest {

    private final TestClock clock = new TestClock();
    private final InMemorySessionStore store = InMemorySessionStore.create(clock);

    private SessionManager manager(LoginAttributePolicy policy) {
        return SessionManager.builder(store)
                .clock(clock)
                .logEvents(false)
                .policy(SessionPolicy.builder().loginAttributes(policy).build())
                .build();
    }

    /** An anonymous session holding a cart, a locale, and what an attacker planted. */
    private Session planted(SessionManager manager) {
        Session anonymous = manager.create(ClientInfo.UNKNOWN).session();
        return manager.save(
                        anonymous,
                        SessionUpdate.builder()
                                .put("cart", "sku-1 x2")
                                .put("locale", "fr")
                                .put("SPRING_SECURITY_CONTEXT", "forged admin context")
                                .put("SPRING_SECURITY_SAVED_REQUEST", "https://evil.test/")
                                .put("lanyard.roles", "admin")
                                .build())
                .orElseThrow();
    }

    private Map<String, Object> afterLogin(SessionManager manager) {
        NewSession loggedIn = manager.login(planted(manager), "victim", ClientInfo.UNKNOWN);
        Map<String, Object> inMemory = loggedIn.session().attributes();
        Map<String, Object> stored =
                manager.resolve(loggedIn.id()).session().orElseThrow().attributes();
        assertThat(stored).as("as stored").isEqualTo(inMemory);
        return stored;
    }

    @Test
    void plantedSecurityStateDoesNotCrossALoginByDefault() {
        Map<String, Object> attributes = afterLogin(
                SessionManager.builder(store).clock(clock).logEvents(false).build());

        assertThat(attributes)
                .doesNotContainKeys("SPRING_SECURITY_CONTEXT", "SPRING_SECURITY_SAVED_REQUEST", "lanyard.roles");
        assertThat(attributes).containsEntry("cart", "sku-1 x2").containsEntry("locale", "fr");
    }

    @Test
    void noneCarriesNothing() {
        assertThat(afterLogin(manager(LoginAttributePolicy.none()))).isEmpty();
    }

    @Test
    void namedCarriesOnlyTheNamedAttributes() {
        assertThat(afterLogin(manager(LoginAttributePolicy.named("cart")))).containsOnlyKeys("cart");
    }

    @Test
    void allCarriesEverythingAsAPlainContainerDoes() {
        assertThat(afterLogin(manager(LoginAttributePolicy.all())))
                .containsOnlyKeys(
                        "cart", "locale", "SPRING_SECURITY_CONTEXT", "SPRING_SECURITY_SAVED_REQUEST", "lanyard.roles");
    }

    @Test
    void aSessionAlreadyLoggedInKeepsItsAttributesWhenItRotates() {
        SessionManager manager = manager(LoginAttributePolicy.none());
        Session user = manager.login(null, "alice", ClientInfo.UNKNOWN).session();
        user = manager.save(user, SessionUpdate.builder().put("cart", "sku-9").build())
                .orElseThrow();

        NewSession again = manager.login(user, "alice", ClientInfo.UNKNOWN);

        assertThat(again.session().attributes()).containsEntry("cart", "sku-9");
    }

    @Test
    void namedRefusesSecurityStateNames() {
        assertThatThrownBy(() -> LoginAttributePolicy.named("cart", "SPRING_SECURITY_CONTEXT"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SPRING_SECURITY_CONTEXT");
        assertThatThrownBy(() -> LoginAttributePolicy.named("lanyard.roles"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lanyard.roles");
    }

    @Test
    void theDefaultPolicyIsApplicationAttributes() {
        assertThat(SessionPolicy.defaults().loginAttributes()).isEqualTo(LoginAttributePolicy.applicationAttributes());
        assertThat(SessionPolicy.defaults().mutate().build().loginAttributes())
                .isEqualTo(LoginAttributePolicy.applicationAttributes());
    }
}
