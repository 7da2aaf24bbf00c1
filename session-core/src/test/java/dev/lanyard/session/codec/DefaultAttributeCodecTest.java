package dev.lanyard.session.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.UnreadableSessionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DefaultAttributeCodecTest {

    private final DefaultAttributeCodec codec = DefaultAttributeCodec.create();

    /** Stands in for a gadget: a Serializable class whose readObject has a side effect. */
    static final class Gadget implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger READS = new AtomicInteger();

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            READS.incrementAndGet();
        }
    }

    /** A plain data class of "the application". */
    record CartLine(String sku, int quantity) implements Serializable {}

    private Object roundTrip(Object value) {
        return codec.decode("a", codec.encode("a", value));
    }

    @Test
    void commonValuesRoundTrip() {
        assertThat(roundTrip("grüße ✓")).isEqualTo("grüße ✓");
        assertThat(roundTrip("")).isEqualTo("");
        assertThat(roundTrip(42)).isEqualTo(42);
        assertThat(roundTrip(-7L)).isEqualTo(-7L);
        assertThat(roundTrip(true)).isEqualTo(true);
        assertThat(roundTrip(2.5d)).isEqualTo(2.5d);
        assertThat(roundTrip(new ArrayList<>(List.of("a", "b")))).isEqualTo(List.of("a", "b"));
        assertThat(roundTrip(new HashMap<>(Map.of("k", 1)))).isEqualTo(Map.of("k", 1));
        assertThat(roundTrip(List.of(1, 2))).isEqualTo(List.of(1, 2));
        assertThat(roundTrip(Instant.parse("2026-01-01T00:00:00Z"))).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(roundTrip(LocalDate.of(2026, 11, 23))).isEqualTo(LocalDate.of(2026, 11, 23));
        assertThat(roundTrip(new BigDecimal("19.99"))).isEqualTo(new BigDecimal("19.99"));
        UUID uuid = UUID.randomUUID();
        assertThat(roundTrip(uuid)).isEqualTo(uuid);
    }

    @Test
    void smallValuesAreCompact() {
        assertThat(codec.encode("a", "abc")).hasSize(4);
        assertThat(codec.encode("a", 7)).hasSize(5);
        assertThat(codec.encode("a", true)).hasSize(2);
    }

    @Test
    void aValueThatIsNotSerializableIsRefusedByNameAndType() {
        assertThatThrownBy(() -> codec.encode("cart", new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cart'")
                .hasMessageContaining("java.lang.Object");
    }

    @Test
    void aPoisonedValueOfAClassOffTheAllowListIsRefusedBeforeItsCodeRuns() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(16);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new Gadget());
        }
        Gadget.READS.set(0);
        assertThatThrownBy(() -> codec.decode("cart", bytes.toByteArray()))
                .isInstanceOf(UnreadableSessionException.class)
                .hasMessageContaining("'cart'");
        assertThat(Gadget.READS.get()).isZero();
    }

    @Test
    void aGadgetHiddenInsideAnAllowedCollectionIsRefused() throws IOException {
        ArrayList<Object> list = new ArrayList<>(List.of("harmless", new Gadget()));
        assertThatThrownBy(() -> codec.encode("list", list))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.util.ArrayList that holds a " + Gadget.class.getName());
        byte[] encoded = Crafted.serialized(list);
        Gadget.READS.set(0);
        assertThatThrownBy(() -> codec.decode("list", encoded)).isInstanceOf(UnreadableSessionException.class);
        assertThat(Gadget.READS.get()).isZero();
    }

    @Test
    void theApplicationsPackagesCanBeAllowed() {
        DefaultAttributeCodec allowing = DefaultAttributeCodec.builder()
                .allowPackage("dev.lanyard.session.codec")
                .build();
        CartLine line = new CartLine("apple", 3);
        byte[] encoded = allowing.encode("line", line);
        assertThat(allowing.decode("line", encoded)).isEqualTo(line);
        assertThatThrownBy(() -> codec.encode("line", line)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> codec.decode("line", encoded)).isInstanceOf(UnreadableSessionException.class);
    }

    @Test
    void jdkPackagesCannotBeAllowedWholesale() {
        assertThatThrownBy(() -> DefaultAttributeCodec.builder().allowPackage("java.lang.reflect"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DefaultAttributeCodec.builder().allowPackage("com.example.*"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDeeplyNestedValueIsRefused() {
        LinkedList<Object> outer = new LinkedList<>();
        LinkedList<Object> current = outer;
        for (int i = 0; i < 100; i++) {
            LinkedList<Object> next = new LinkedList<>();
            current.add(next);
            current = next;
        }
        assertThatThrownBy(() -> codec.encode("deep", outer))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'deep'");
        byte[] encoded = Crafted.serialized(outer);
        assertThatThrownBy(() -> codec.decode("deep", encoded)).isInstanceOf(UnreadableSessionException.class);
    }

    @Test
    void corruptBytesAreUnreadableNotFatal() {
        assertThatThrownBy(() -> codec.decode("a", new byte[0])).isInstanceOf(UnreadableSessionException.class);
        assertThatThrownBy(() -> codec.decode("a", new byte[] {99})).isInstanceOf(UnreadableSessionException.class);
        assertThatThrownBy(() -> codec.decode("a", new byte[] {2, 1})).isInstanceOf(UnreadableSessionException.class);
        assertThatThrownBy(() -> codec.decode("a", new byte[] {16, 1, 2, 3}))
                .isInstanceOf(UnreadableSessionException.class);
    }
}
