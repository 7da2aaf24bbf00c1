package dev.lanyard.session.jackson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.UnreadableAttributeException;
import dev.lanyard.session.jackson.app.Cart;
import dev.lanyard.session.jackson.gadget.ConstructorGadget;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class JsonAttributeCodecTest {

    private final JsonAttributeCodec codec = JsonAttributeCodec.builder()
            .allowedPackages("dev.lanyard.session.jackson.app")
            .build();

    @BeforeEach
    void resetFlags() {
        ConstructorGadget.RAN.set(0);
        Cart.JAVA_READS.set(0);
    }

    private Object roundTrip(Object value) {
        return codec.decode("a", codec.encode("a", value));
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void commonValuesRoundTripWithTheirJavaTypes() {
        assertThat(roundTrip("grüße ✓")).isEqualTo("grüße ✓");
        assertThat(roundTrip(42)).isEqualTo(42);
        assertThat(roundTrip(-7L)).isEqualTo(-7L);
        assertThat(roundTrip(true)).isEqualTo(true);
        assertThat(roundTrip(2.5d)).isEqualTo(2.5d);
        assertThat(roundTrip(new ArrayList<>(List.of("a", "b")))).isEqualTo(List.of("a", "b"));
        assertThat(roundTrip(new HashMap<>(Map.of("k", 1, "l", 2L)))).isEqualTo(Map.of("k", 1, "l", 2L));
        assertThat(roundTrip(new BigDecimal("19.99"))).isEqualTo(new BigDecimal("19.99"));
        assertThat(roundTrip(Instant.parse("2026-01-01T00:00:00Z"))).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(roundTrip(LocalDate.of(2026, 11, 23))).isEqualTo(LocalDate.of(2026, 11, 23));
        UUID uuid = UUID.randomUUID();
        assertThat(roundTrip(uuid)).isEqualTo(uuid);
    }

    @Test
    void anApplicationClassIsPlainJsonThatOtherServicesCanRead() {
        Cart cart = new Cart();
        cart.add("apple");
        cart.add("pear");
        cart.note(3L);
        byte[] bytes = codec.encode("cart", cart);
        assertThat(text(bytes))
                .isEqualTo(
                        "[\"dev.lanyard.session.jackson.app.Cart\",{\"items\":[\"java.util.ArrayList\",[\"apple\",\"pear\"]],\"note\":[\"java.lang.Long\",3]}]");
        assertThat(text(codec.encode("theme", "dark"))).isEqualTo("\"dark\"");
        Object back = codec.decode("cart", bytes);
        assertThat(back).isEqualTo(cart);
        assertThat(((Cart) back).cached()).as("transient fields are not stored").isEqualTo("not stored");
        assertThat(Cart.JAVA_READS.get()).as("no Java deserialization ran").isZero();
    }

    @Test
    void aClassOffTheAllowListIsRefusedAtWriteNamingTheFix() {
        assertThatThrownBy(() -> codec.encode("gadget", new ConstructorGadget()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'gadget'")
                .hasMessageContaining(ConstructorGadget.class.getName())
                .hasMessageContaining("init-param allowedPackages=dev.lanyard.session.jackson.gadget")
                .hasMessageContaining(
                        "JsonAttributeCodec.builder().allowedPackages(\"dev.lanyard.session.jackson.gadget\")");
        Cart cart = new Cart();
        cart.note(new ConstructorGadget());
        ConstructorGadget.RAN.set(0);
        assertThatThrownBy(() -> codec.encode("cart", cart))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cart that holds a " + ConstructorGadget.class.getName());
        assertThat(ConstructorGadget.RAN.get()).isZero();
    }

    @Test
    void positiveControlAnAllowedGadgetIsBuiltWhenRead() {
        JsonAttributeCodec allowing = JsonAttributeCodec.builder()
                .allowedPackages("dev.lanyard.session.jackson.gadget")
                .build();
        byte[] bytes = "[\"dev.lanyard.session.jackson.gadget.ConstructorGadget\",{\"command\":\"x\"}]"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(allowing.decode("g", bytes)).isInstanceOf(ConstructorGadget.class);
        assertThat(ConstructorGadget.RAN.get()).isEqualTo(1);
    }

    @Test
    void craftedRecordsNamingGadgetsAreRefusedAndNothingIsBuilt() {
        JsonAttributeCodec permissive = JsonAttributeCodec.builder()
                .allowedPackages("org", "com", "groovy")
                .build();
        List<String> records = List.of(
                "[\"dev.lanyard.session.jackson.gadget.ConstructorGadget\",{\"command\":\"x\"}]",
                "[\"com.sun.rowset.JdbcRowSetImpl\",{\"dataSourceName\":\"ldap://127.0.0.1/x\",\"autoCommit\":true}]",
                "[\"org.apache.commons.collections.functors.InvokerTransformer\",{}]",
                "[\"org.springframework.beans.factory.config.PropertyPathFactoryBean\",{}]",
                "[\"org.codehaus.groovy.runtime.MethodClosure\",{}]",
                "[\"com.sun.org.apache.xalan.internal.xsltc.trax.TemplatesImpl\",{}]",
                "[\"java.util.ArrayList\",[[\"dev.lanyard.session.jackson.gadget.ConstructorGadget\",{}]]]",
                "[\"dev.lanyard.session.jackson.app.Cart\",{\"note\":[\"dev.lanyard.session.jackson.gadget.ConstructorGadget\",{}]}]",
                "[\"java.lang.ProcessBuilder\",{}]");
        for (String record : records) {
            byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> codec.decode("x", bytes))
                    .as(record)
                    .isInstanceOf(UnreadableAttributeException.class);
        }
        for (String record : records.subList(1, 6)) {
            assertThatThrownBy(() -> permissive.decode("x", record.getBytes(StandardCharsets.UTF_8)))
                    .as(record)
                    .isInstanceOf(UnreadableAttributeException.class)
                    .hasMessageContaining("deny-list");
        }
        assertThat(ConstructorGadget.RAN.get()).isZero();
    }

    @Test
    void aMissingClassIsUnreadableAndNamedWithoutTheStoredText() {
        byte[] bytes = "[\"dev.lanyard.session.jackson.app.Wishlist\",{\"secret\":\"s3cr3t\"}]"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode("wishlist", bytes))
                .isInstanceOf(UnreadableAttributeException.class)
                .satisfies(e -> assertThat(((UnreadableAttributeException) e).className())
                        .isEqualTo("dev.lanyard.session.jackson.app.Wishlist"))
                .hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> codec.decode("x", "{not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UnreadableAttributeException.class)
                .hasNoCause();
    }

    @Test
    void aFieldANewerClassDroppedIsIgnored() {
        byte[] older =
                "[\"dev.lanyard.session.jackson.app.Cart\",{\"items\":[\"java.util.ArrayList\",[\"apple\"]],\"coupon\":\"X1\"}]"
                        .getBytes(StandardCharsets.UTF_8);
        Cart expected = new Cart();
        expected.add("apple");
        assertThat(codec.decode("cart", older)).isEqualTo(expected);
    }

    @Test
    void jdkPackagesCannotBeAllowed() {
        assertThatThrownBy(() -> JsonAttributeCodec.builder().allowedPackages("java.lang.reflect"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowedPackages");
    }
}
