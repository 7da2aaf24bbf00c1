package dev.lanyard.session.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.app.Cart;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What refusing at write costs: the checked encode of the default codec against plain, unchecked
 * Java serialization of the same value, in the same run. Bounded (a fixed number of rounds), and
 * printed rather than asserted beyond a loose bound, since timings on a shared machine are noisy.
 */
class EncodeCostTest {

    private static final int WARM_UP = 5_000;
    private static final int ROUNDS = 20_000;

    private static double nanosPerOp(Runnable op) {
        for (int i = 0; i < WARM_UP; i++) {
            op.run();
        }
        long start = System.nanoTime();
        for (int i = 0; i < ROUNDS; i++) {
            op.run();
        }
        return (System.nanoTime() - start) / (double) ROUNDS;
    }

    @Test
    void checkedEncodeAgainstPlainJavaSerialization() {
        DefaultAttributeCodec codec = DefaultAttributeCodec.builder()
                .allowedPackages("dev.lanyard.session.app")
                .build();
        Cart small = new Cart();
        for (int i = 0; i < 5; i++) {
            small.add("item-" + i);
        }
        List<String> large = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            large.add("path-" + i);
        }
        StringBuilder out = new StringBuilder("encode cost, ns/op (same run):\n");
        for (Object value : List.of(small, large)) {
            double plain = Double.MAX_VALUE;
            double checked = Double.MAX_VALUE;
            for (int round = 0; round < 3; round++) { // alternate, keep the best of each: JIT and noise settle
                plain = Math.min(plain, nanosPerOp(() -> Crafted.serialized(value)));
                checked = Math.min(checked, nanosPerOp(() -> codec.encode("v", value)));
            }
            out.append(String.format(
                    "%s: plain %.0f, checked %.0f, ratio %.2f%n",
                    value.getClass().getSimpleName(), plain, checked, checked / plain));
            assertThat(checked / plain).isLessThan(20);
        }
        System.out.println(out);
    }
}
