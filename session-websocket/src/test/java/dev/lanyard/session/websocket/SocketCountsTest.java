package dev.lanyard.session.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.SessionHandle;
import dev.lanyard.session.memory.InMemorySessionStore;
import dev.lanyard.session.spi.AtomicValueStore;
import dev.lanyard.session.tck.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The store-wide socket counts: the value format, the merge, and two nodes writing through one store. */
class SocketCountsTest {

    private static final SessionHandle HANDLE = SessionHandle.of("h".repeat(SessionHandle.LENGTH));
    private static final Duration CHECK = Duration.ofSeconds(1);

    private final MutableClock clock = MutableClock.startingNow();
    private final InMemorySessionStore store = InMemorySessionStore.create(clock);
    private final SocketCounts a = new SocketCounts(store, clock, 1L, CHECK);
    private final SocketCounts b = new SocketCounts(store, clock, 2L, CHECK);

    @Test
    void aValueIsAVersionByteAndTwentyBytesPerEntry() {
        List<SocketCounts.Entry> entries =
                List.of(new SocketCounts.Entry(7L, 3, 1_000L), new SocketCounts.Entry(-9L, 1, 2_000L));

        byte[] value = SocketCounts.encode(entries);

        assertThat(value).hasSize(1 + 2 * 20);
        assertThat(value[0]).isEqualTo((byte) 1);
        assertThat(value[1 + 7]).isEqualTo((byte) 7); // the node, big-endian
        assertThat(SocketCounts.decode(value)).containsExactlyElementsOf(entries);
    }

    @Test
    void aValueOfAnotherVersionOrLengthReadsAsEmpty() {
        byte[] value = SocketCounts.encode(List.of(new SocketCounts.Entry(7L, 3, 1_000L)));
        byte[] future = value.clone();
        future[0] = 2;

        assertThat(SocketCounts.decode(future)).isEmpty();
        assertThat(SocketCounts.decode(java.util.Arrays.copyOf(value, value.length - 1)))
                .isEmpty();
        assertThat(SocketCounts.decode(new byte[0])).isEmpty();
    }

    @Test
    void theMergeReplacesTheNodesEntryKeepsOthersAndDropsExpiredOnes() {
        byte[] current = SocketCounts.encode(List.of(
                new SocketCounts.Entry(1L, 5, 10_000L), // this node's old entry
                new SocketCounts.Entry(2L, 2, 20_000L), // another live node
                new SocketCounts.Entry(3L, 4, 999L))); // a node that died: expired at 999

        SocketCounts.Write write =
                SocketCounts.merge(current, 1L, 1, 1_000L, 61_000L).orElseThrow();

        assertThat(SocketCounts.decode(write.value()))
                .containsExactlyInAnyOrder(
                        new SocketCounts.Entry(1L, 1, 61_000L), new SocketCounts.Entry(2L, 2, 20_000L));
        assertThat(write.ttl()).isEqualTo(Duration.ofMillis(60_000L)); // covers the longest-lived entry
    }

    @Test
    void aZeroCountWithdrawsTheEntryAndWritesNothingWhereThereIsNoValue() {
        byte[] current = SocketCounts.encode(List.of(new SocketCounts.Entry(1L, 5, 10_000L)));

        SocketCounts.Write write =
                SocketCounts.merge(current, 1L, 0, 1_000L, 61_000L).orElseThrow();

        assertThat(SocketCounts.decode(write.value())).isEmpty();
        assertThat(write.ttl()).isEqualTo(Duration.ofSeconds(1)); // an emptied value lapses soon
        assertThat(SocketCounts.merge(null, 1L, 0, 1_000L, 61_000L)).isEmpty();
    }

    @Test
    void theMergeKeepsTheLongestLivedEntriesWithinTheStoresValueLimit() {
        List<SocketCounts.Entry> many = new ArrayList<>();
        for (long node = 10; node < 10 + 300; node++) {
            many.add(new SocketCounts.Entry(node, 1, 100_000L + node));
        }
        byte[] current = SocketCounts.encode(many);

        SocketCounts.Write write =
                SocketCounts.merge(current, 1L, 1, 0L, 60_000L).orElseThrow();

        List<SocketCounts.Entry> kept = SocketCounts.decode(write.value());
        assertThat(kept).hasSize(SocketCounts.MAX_ENTRIES);
        assertThat(write.value().length).isLessThanOrEqualTo(AtomicValueStore.MAX_VALUE_BYTES);
        assertThat(kept)
                .extracting(SocketCounts.Entry::node)
                .doesNotContain(10L, 1L)
                .contains(309L);
    }

    @Test
    void eachNodeCountsTheOtherNodesEntriesButNotItsOwn() {
        assertThat(a.publish(HANDLE, 2)).isTrue();
        assertThat(b.publish(HANDLE, 3)).isTrue();

        assertThat(a.onOtherNodes(HANDLE)).isEqualTo(3);
        assertThat(b.onOtherNodes(HANDLE)).isEqualTo(2);

        assertThat(a.publish(HANDLE, 0)).isTrue();
        assertThat(b.onOtherNodes(HANDLE)).isZero();
        assertThat(a.onOtherNodes(HANDLE)).isEqualTo(3);
    }

    @Test
    void anEntryThatIsNotRefreshedStopsCountingAfterItsLifetime() {
        a.publish(HANDLE, 2);
        clock.advance(a.lifetime().minusMillis(1));
        assertThat(b.onOtherNodes(HANDLE)).isEqualTo(2);

        clock.advance(Duration.ofMillis(1));

        assertThat(b.onOtherNodes(HANDLE)).isZero();
        b.publish(HANDLE, 1); // the next writer drops it
        assertThat(SocketCounts.decode(store.get(SocketCounts.key(HANDLE)).orElseThrow()))
                .extracting(SocketCounts.Entry::node)
                .containsExactly(2L);
    }

    @Test
    void theLifetimeIsAMinuteOrThreeCheckIntervalsAndRefreshesComeAtAThird() {
        assertThat(a.lifetime()).isEqualTo(Duration.ofSeconds(60));
        assertThat(a.refreshEvery()).isEqualTo(Duration.ofSeconds(20));
        assertThat(new SocketCounts(store, clock, 1L, Duration.ofMinutes(1)).lifetime())
                .isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void aWriteThatLosesARaceReadsAgainAndKeepsTheWinnersEntry() {
        // a store whose first compare-and-set loses to node B's write, slipped in between the read and the write
        AtomicValueStore racing = new AtomicValueStore() {
            private boolean raced;

            @Override
            public Optional<byte[]> get(String key) {
                return store.get(key);
            }

            @Override
            public boolean putIfAbsent(String key, byte[] value, Duration ttl) {
                return store.putIfAbsent(key, value, ttl);
            }

            @Override
            public boolean compareAndSet(String key, byte[] expected, byte[] replacement, Duration ttl) {
                if (!raced) {
                    raced = true;
                    b.publish(HANDLE, 4);
                }
                return store.compareAndSet(key, expected, replacement, ttl);
            }

            @Override
            public boolean remove(String key) {
                return store.remove(key);
            }
        };
        SocketCounts racer = new SocketCounts(racing, clock, 1L, CHECK);
        racer.publish(HANDLE, 1); // the first write: putIfAbsent, no race yet

        assertThat(racer.publish(HANDLE, 2)).isTrue();

        assertThat(SocketCounts.decode(store.get(SocketCounts.key(HANDLE)).orElseThrow()))
                .extracting(SocketCounts.Entry::node, SocketCounts.Entry::count)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(1L, 2), org.assertj.core.groups.Tuple.tuple(2L, 4));
    }

    @Test
    void reconcilingWritesChangesRefreshesWhenDueAndWithdrawsSessionsWithoutSockets() {
        a.reconcile(Map.of(HANDLE, 2));
        assertThat(b.onOtherNodes(HANDLE)).isEqualTo(2);

        clock.advance(Duration.ofSeconds(50)); // past the refresh, within the lifetime
        a.reconcile(Map.of(HANDLE, 2));
        clock.advance(Duration.ofSeconds(50)); // 100 s after the first write: only the refresh still counts
        assertThat(b.onOtherNodes(HANDLE)).isEqualTo(2);

        a.reconcile(Map.of());
        assertThat(b.onOtherNodes(HANDLE)).isZero();
    }

    @Test
    void nodesNamedAlikeShareAnIdentityAndUnnamedNodesDoNot() {
        assertThat(SocketCounts.nodeOf(Optional.of("node-a"))).isEqualTo(SocketCounts.nodeOf(Optional.of("node-a")));
        assertThat(SocketCounts.nodeOf(Optional.of("node-a"))).isNotEqualTo(SocketCounts.nodeOf(Optional.of("node-b")));
        assertThat(SocketCounts.nodeOf(Optional.empty())).isNotEqualTo(SocketCounts.nodeOf(Optional.empty()));
    }
}
