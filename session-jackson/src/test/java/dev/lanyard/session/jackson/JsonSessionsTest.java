package dev.lanyard.session.jackson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.AttributeCodecs;
import dev.lanyard.session.ClientInfo;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionManager;
import dev.lanyard.session.SessionUpdate;
import dev.lanyard.session.codec.DefaultAttributeCodec;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.jackson.app.Cart;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.spi.AttributeCodec;
import dev.lanyard.session.spi.AttributeCodecProvider;
import dev.lanyard.session.spi.SessionDelta;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The JSON codec behind a SessionManager, chosen by name as the servlet init-param chooses it. */
class JsonSessionsTest {

    private final InMemorySessionStore store = InMemorySessionStore.create(Clock.systemUTC());
    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    private static AttributeCodec json() {
        return AttributeCodecs.create(
                "JSON",
                new AttributeCodecProvider.Settings(List.of("dev.lanyard.session.jackson.app"), List.of(), null));
    }

    @Test
    void theInitParamNameJsonFindsThisCodec() {
        assertThat(json()).isInstanceOf(JsonAttributeCodec.class);
    }

    @Test
    void aSessionKeepsAnApplicationClassAndDropsAnUnreadableAttributeAlone() {
        SessionManager manager = SessionManager.builder(store)
                .attributeCodec(json())
                .listener(events::add)
                .build();
        NewSession login = manager.login(null, "alice", ClientInfo.UNKNOWN);
        Cart cart = new Cart();
        cart.add("apple");
        manager.save(
                login.session(),
                SessionUpdate.builder().put("cart", cart).put("theme", "dark").build());
        store.update(
                login.session().handle(),
                new SessionDelta(
                        Map.of(
                                "wishlist",
                                "[\"dev.lanyard.session.jackson.app.Wishlist\",{}]".getBytes(StandardCharsets.UTF_8)),
                        Set.of(),
                        Instant.now(),
                        null,
                        null,
                        Duration.ofMinutes(30),
                        Long.MAX_VALUE));

        Session session = manager.resolve(login.id()).session().orElseThrow();
        assertThat(session.userId()).hasValue("alice");
        assertThat(session.attribute("cart")).hasValue(cart);
        assertThat(session.attribute("wishlist")).isEmpty();
        assertThat(session.attribute("theme")).hasValue("dark");
        assertThat(events)
                .filteredOn(SessionEvent.AttributeUnreadable.class::isInstance)
                .hasSize(1);
        assertThatThrownBy(
                        () -> manager.checkAttribute("x", new dev.lanyard.session.jackson.gadget.ConstructorGadget()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowedPackages=");
    }

    /**
     * Memory per session: the bytes a store keeps for the attributes of one typical session (names
     * plus encoded values, as {@code SessionRecord.attributeBytes()} measures), under each codec.
     * Printed for the docs; asserted loosely so the figure stays honest.
     */
    @Test
    void memoryPerSessionAgainstTheDefaultCodec() {
        Cart cart = new Cart();
        for (String item : List.of("apple", "pear", "plum", "cherry", "fig")) {
            cart.add(item);
        }
        List<String> recent = new ArrayList<>(List.of("/home", "/cart", "/checkout"));
        Map<String, Object> typical = Map.of(
                "theme",
                "dark",
                "visits",
                12,
                "lastSeen",
                1_764_000_000_000L,
                "cart",
                cart,
                "recent",
                recent,
                "since",
                Instant.parse("2026-12-01T10:15:30Z"));
        AttributeCodec java = DefaultAttributeCodec.builder()
                .allowedPackages("dev.lanyard.session.jackson.app")
                .build();
        AttributeCodec json = json();
        long javaBytes = 0;
        long jsonBytes = 0;
        StringBuilder table = new StringBuilder("attribute | java | json\n");
        for (Map.Entry<String, Object> e : new java.util.TreeMap<>(typical).entrySet()) {
            int j = java.encode(e.getKey(), e.getValue()).length;
            int s = json.encode(e.getKey(), e.getValue()).length;
            javaBytes += e.getKey().length() + j;
            jsonBytes += e.getKey().length() + s;
            table.append(e.getKey())
                    .append(" | ")
                    .append(j)
                    .append(" | ")
                    .append(s)
                    .append('\n');
        }
        table.append("session total (names + values) | ")
                .append(javaBytes)
                .append(" | ")
                .append(jsonBytes)
                .append(String.format(" (json/java = %.2f)%n", (double) jsonBytes / javaBytes));
        System.out.println("memory per session, bytes of attributes in the store:\n" + table);
        assertThat(jsonBytes).isLessThan(javaBytes);
    }
}
