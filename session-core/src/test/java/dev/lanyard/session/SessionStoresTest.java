package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.memory.InMemorySessionStore;
import org.junit.jupiter.api.Test;

class SessionStoresTest {

    @Test
    void theMemorySchemeOpensTheInMemoryStore() {
        assertThat(SessionStores.open("memory:")).isInstanceOf(InMemorySessionStore.class);
        assertThat(SessionStores.open("memory://")).isInstanceOf(InMemorySessionStore.class);
    }

    @Test
    void anUnknownSchemeNamesTheSchemeButNeverTheCredentials() {
        assertThatThrownBy(() -> SessionStores.open("nosuch://admin:hunter2@db.example:1234"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nosuch'")
                .hasMessageContaining("memory")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aMalformedLocationIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> SessionStores.open("redis://user:p@ss word@host"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("ss word");
    }
}
