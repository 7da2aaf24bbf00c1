package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.app.Cart;
import dev.lanyard.session.codec.DefaultAttributeCodec;
import dev.lanyard.session.event.SessionEvent;
import dev.lanyard.session.gadget.GadgetFlag;
import dev.lanyard.session.gadget.GadgetRecords;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.spi.AttributeCodec;
import dev.lanyard.session.spi.SessionDelta;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
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
        Session saved = manager.save(
                        s.session(), SessionUpdate.builder().put("visits", 1).build())
                .orElseThrow();
        Cart cart = new Cart();
        cart.add("apple");

        assertThatThrownBy(() -> manager.save(
                        saved, SessionUpdate.builder().put("cart", cart).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cart'")
                .hasMessageContaining("dev.lanyard.session.app.Cart")
                .hasMessageContaining("allowedPackages=dev.lanyard.session.app")
                .hasMessageContaining(".allowedPackages(\"dev.lanyard.session.app\")");

        Resolution next = manager.resolve(s.id());
        assertThat(next.status()).isEqualTo(ResolutionStatus.FOUND);
        assertThat(next.session().orElseThrow().attributes())
                .containsEntry("visits", 1)
                .doesNotContainKey("cart");
    }

    private SessionManager manager(AttributeCodec codec) {
        return SessionManager.builder(store)
                .clock(clock)
                .listener(events::add)
                .attributeCodec(codec)
                .build();
    }

    private void writeStraightIntoTheStore(Session session, String name, byte[] bytes) {
        store.update(
                session.handle(),
                new SessionDelta(
                        Map.of(name, bytes),
                        Set.of(),
                        clock.instant(),
                        null,
                        null,
                        Duration.ofMinutes(30),
                        Long.MAX_VALUE));
    }

    @Test
    void anAllowedApplicationClassSurvivesTheRoundTrip() {
        SessionManager manager = manager(DefaultAttributeCodec.builder()
                .allowedPackages("dev.lanyard.session.app")
                .build());
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        Cart cart = new Cart();
        cart.add("apple");
        manager.save(s.session(), SessionUpdate.builder().put("cart", cart).build());
        assertThat(manager.resolve(s.id()).session().orElseThrow().attribute("cart"))
                .hasValue(cart);
    }

    @Test
    void checkAttributeRefusesWithoutWriting() {
        SessionManager manager = manager();
        assertThatThrownBy(() -> manager.checkAttribute("cart", new Cart()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowedPackages=dev.lanyard.session.app");
        manager.checkAttribute("cart", List.of("apple"));
    }

    @Test
    void resolveDecodesNothingAndEachAttributeAtMostOnce() {
        AtomicInteger decodes = new AtomicInteger();
        DefaultAttributeCodec real = DefaultAttributeCodec.create();
        AttributeCodec counting = new AttributeCodec() {
            @Override
            public byte[] encode(String name, Object value) {
                return real.encode(name, value);
            }

            @Override
            public Object decode(String name, byte[] bytes) {
                decodes.incrementAndGet();
                return real.decode(name, bytes);
            }
        };
        SessionManager manager = manager(counting);
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        manager.save(
                s.session(),
                SessionUpdate.builder()
                        .put("a", List.of(1, 2))
                        .put("b", "x")
                        .put("c", 3)
                        .build());

        Session resolved = manager.resolve(s.id()).session().orElseThrow();
        assertThat(decodes).hasValue(0);
        assertThat(resolved.attributes().keySet()).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(decodes).hasValue(0);
        resolved.attribute("a");
        resolved.attribute("a");
        assertThat(decodes).hasValue(1);
        Session saved = manager.save(
                        resolved, SessionUpdate.builder().put("d", 4).build())
                .orElseThrow();
        assertThat(saved.attribute("a")).hasValue(List.of(1, 2));
        assertThat(saved.attribute("d")).hasValue(4);
        assertThat(decodes)
                .as("values already read or just written are not decoded again")
                .hasValue(1);
    }

    @Test
    void theLoginSurvivesADeployThatRemovedAnAttributeClass() {
        SessionManager manager = manager(DefaultAttributeCodec.builder()
                .allowedPackages("dev.lanyard.session.app")
                .build());
        NewSession login = manager.login(null, "alice", ClientInfo.UNKNOWN);
        Session session = manager.save(
                        login.session(),
                        SessionUpdate.builder().put("theme", "dark").build())
                .orElseThrow();
        // what the previous release wrote: a class this release no longer has
        writeStraightIntoTheStore(session, "wishlist", GadgetRecords.naming("dev.lanyard.session.app.Wishlist"));

        Session after = manager.resolve(login.id()).session().orElseThrow();
        assertThat(after.userId()).hasValue("alice");
        assertThat(after.version()).isEqualTo(login.session().version());
        assertThat(after.authenticatedAt()).isEqualTo(login.session().authenticatedAt());
        assertThat(after.attribute("wishlist")).isEmpty();
        assertThat(after.attribute("theme")).hasValue("dark");
        assertThat(events)
                .filteredOn(SessionEvent.AttributeUnreadable.class::isInstance)
                .singleElement()
                .satisfies(e -> {
                    SessionEvent.AttributeUnreadable u = (SessionEvent.AttributeUnreadable) e;
                    assertThat(u.attribute()).isEqualTo("wishlist");
                    assertThat(u.className()).isEqualTo("dev.lanyard.session.app.Wishlist");
                });
        Resolution next = manager.resolve(login.id());
        assertThat(next.session().orElseThrow().attributes()).containsOnlyKeys("theme");
        assertThat(events)
                .filteredOn(SessionEvent.AttributeUnreadable.class::isInstance)
                .hasSize(1);
    }

    @Test
    void aGadgetRecordWrittenIntoTheStoreIsDroppedAloneAndRunsNothing() {
        GadgetFlag.RAN.set(0);
        SessionManager manager = manager(DefaultAttributeCodec.builder()
                .allowedPackages("dev.lanyard.session.app")
                .build());
        NewSession login = manager.login(null, "alice", ClientInfo.UNKNOWN);
        for (String gadget : GadgetRecords.WELL_KNOWN) {
            writeStraightIntoTheStore(login.session(), "x", GadgetRecords.naming(gadget));
            Session session = manager.resolve(login.id()).session().orElseThrow();
            assertThat(session.attribute("x")).as(gadget).isEmpty();
            assertThat(session.userId()).hasValue("alice");
        }
        writeStraightIntoTheStore(login.session(), "x", GadgetRecords.of(new dev.lanyard.session.gadget.FlagGadget()));
        assertThat(manager.resolve(login.id()).session().orElseThrow().attribute("x"))
                .isEmpty();
        assertThat(GadgetFlag.RAN.get()).isZero();
    }

    @Test
    void aRotationCarriesUnreadableAttributesWithoutLosingTheOthers() {
        SessionManager manager = manager();
        NewSession s = manager.create(ClientInfo.UNKNOWN);
        Session saved = manager.save(
                        s.session(),
                        SessionUpdate.builder().put("theme", "dark").build())
                .orElseThrow();
        writeStraightIntoTheStore(saved, "broken", new byte[] {16, 1, 2});
        NewSession login = manager.login(manager.resolve(s.id()).session().orElseThrow(), "bob", ClientInfo.UNKNOWN);
        assertThat(login.session().attribute("theme")).hasValue("dark");
        assertThat(login.session().attribute("broken")).isEmpty();
        assertThat(manager.resolve(login.id()).session().orElseThrow().attributes())
                .containsOnlyKeys("theme");
    }

    @Test
    void aRefusedClassIsLoggedAtWarnOncePerClass() {
        ch.qos.logback.classic.Logger log =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(DefaultAttributeCodec.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        appender.start();
        log.addAppender(appender);
        try {
            SessionManager manager = manager();
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> manager.checkAttribute("cart", new Cart()))
                        .isInstanceOf(IllegalArgumentException.class);
            }
            assertThatThrownBy(() -> manager.checkAttribute("other", new dev.lanyard.session.gadget.FlagGadget()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(appender.list)
                    .hasSize(2)
                    .allSatisfy(e -> assertThat(e.getLevel().toString()).isEqualTo("WARN"));
            assertThat(appender.list.get(0).getFormattedMessage())
                    .contains("'cart'", Cart.class.getName(), "allowedPackages=dev.lanyard.session.app");
        } finally {
            log.detachAppender(appender);
        }
    }
}
