package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.app.Cart;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.memory.InMemorySessionStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** An application's own attribute classes: refused when written, never lost when read. */
class ApplicationAttributesTest {

  private final TestClock clock = new TestClock();
  private final InMemorySessionStore store = InMemorySessionStore.create(clock);
  private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

  private SessionManager manager() {
    return SessionManager.builder(store).clock(clock).listener(events::add).build();
  }

  @Test
  void aClassTheCodecCannotReadBackIsRefusedAtSaveAndTheSessionSurvives() {
    SessionManager manager = manager();
    NewSession s = manager.create(ClientInfo.UNKNOWN);
    Session saved = manager.save(s.session(), SessionUpdate.builder().put("visits", 1).build()).orElseThrow();
    Cart cart = new Cart();
    cart.add("apple");

    assertThatThrownBy(() -> manager.save(saved, SessionUpdate.builder().put("cart", cart).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'cart'")
        .hasMessageContaining("dev.lanyard.session.app.Cart")
        .hasMessageContaining("allowedPackages=dev.lanyard.session.app")
        .hasMessageContaining(".allowedPackages(\"dev.lanyard.session.app\")");

    Resolution next = manager.resolve(s.id());
    assertThat(next.status()).isEqualTo(ResolutionStatus.FOUND);
    assertThat(next.session().orElseThrow().attributes()).containsEntry("visits", 1).doesNotContainKey("cart");
  }
}
