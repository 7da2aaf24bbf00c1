package dev.lanyard.session.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisLocationTest {

    @Test
    void aRedisUriIsStandalone() {
        RedisLocation location = RedisLocation.parse("redis://cache.internal:6380/2");
        assertThat(location.topology).isEqualTo(RedisSessionStore.Topology.STANDALONE);
        assertThat(location.uris).singleElement().satisfies(u -> {
            assertThat(u.getHost()).isEqualTo("cache.internal");
            assertThat(u.getPort()).isEqualTo(6380);
            assertThat(u.getDatabase()).isEqualTo(2);
            assertThat(u.isSsl()).isFalse();
        });
        assertThat(location.timeoutGiven).isFalse();
        assertThat(location.keyPrefix).isNull();
    }

    @Test
    void aRedissUriUsesTls() {
        assertThat(RedisLocation.parse("rediss://:pw@cache:6380").uris.get(0).isSsl())
                .isTrue();
    }

    @Test
    void theNearCacheOptionIsReadAndRemovedFromTheLettuceUri() {
        assertThat(RedisLocation.parse("redis://h:1?nearCache=true&clientName=n").nearCache)
                .isTrue();
        assertThat(RedisLocation.parse("redis://h:1?nearCache=false").nearCache).isFalse();
        assertThat(RedisLocation.parse("redis://h:1").nearCache).isFalse();
        assertThatThrownBy(() -> RedisLocation.parse("redis://h:1?nearCache=maybe"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nearCache must be true or false");
    }

    @Test
    void lanyardOptionsAreTakenOutAndLettuceOptionsKept() {
        RedisLocation location =
                RedisLocation.parse("redis://h:1?keyPrefix=app%3A1%3A&timeout=400ms&clientName=node-a");
        assertThat(location.keyPrefix).isEqualTo("app:1:");
        assertThat(location.timeoutGiven).isTrue();
        assertThat(location.uris.get(0).getTimeout()).isEqualTo(Duration.ofMillis(400));
        assertThat(location.uris.get(0).getClientName()).isEqualTo("node-a");
    }

    @Test
    void theLivenessOptionsAreLanyardsAndTakenOutOfTheLettuceUri() {
        RedisLocation location =
                RedisLocation.parse("redis://h:1?tcpUserTimeout=5000ms&reconnectAfterTimeouts=4&clientName=n");
        assertThat(location.tcpUserTimeout).isEqualTo(Duration.ofSeconds(5));
        assertThat(location.reconnectAfterTimeouts).isEqualTo(4);
        assertThat(location.uris.get(0).getClientName()).isEqualTo("n");
        assertThat(RedisSessionStore.LOCATION_OPTIONS).contains("tcpUserTimeout", "reconnectAfterTimeouts");
        RedisLocation cluster = RedisLocation.parse("redis-cluster://h:1,h:2?reconnectAfterTimeouts=2");
        assertThat(cluster.reconnectAfterTimeouts).isEqualTo(2);
        assertThat(RedisLocation.parse("redis://h:1").tcpUserTimeout).isNull();
    }

    @Test
    void aSentinelUriNamesItsSentinelsAndMaster() {
        RedisLocation location = RedisLocation.parse("redis-sentinel://s1:26379,s2:26380?sentinelMasterId=mymaster");
        assertThat(location.topology).isEqualTo(RedisSessionStore.Topology.SENTINEL);
        assertThat(location.uris.get(0).getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(location.uris.get(0).getSentinels())
                .extracting(u -> u.getHost() + ":" + u.getPort())
                .containsExactly("s1:26379", "s2:26380");
    }

    @Test
    void aSentinelUriWithoutAMasterIsRefused() {
        assertThatThrownBy(() -> RedisLocation.parse("redis-sentinel://s1:26379"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names its master");
    }

    @Test
    void aClusterUriListsEverySeedWithTheSameCredentialsAndOptions() {
        RedisLocation location =
                RedisLocation.parse("redis-cluster://app:secret@n1:7000,n2:7001,n3:7002?timeout=300ms");
        assertThat(location.topology).isEqualTo(RedisSessionStore.Topology.CLUSTER);
        assertThat(location.uris)
                .extracting(u -> u.getHost() + ":" + u.getPort())
                .containsExactly("n1:7000", "n2:7001", "n3:7002");
        assertThat(location.uris).allSatisfy(u -> {
            assertThat(u.getTimeout()).isEqualTo(Duration.ofMillis(300));
            assertThat(u.getCredentialsProvider()).isNotNull();
        });
        assertThat(RedisLocation.parse("rediss-cluster://n1:7000").uris.get(0).isSsl())
                .isTrue();
    }

    @Test
    void malformedLocationsNeverRepeatThePassword() {
        for (String bad : new String[] {
            "redis://:hunter2@",
            "redis-cluster://:hunter2@",
            "redis://:hunter2@host:notaport",
            "memcached://:hunter2@host",
            ":hunter2@host",
            "redis-sentinel://:hunter2@s1:1"
        }) {
            assertThatThrownBy(() -> RedisLocation.parse(bad))
                    .as(bad.replace("hunter2", "***"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"))
                    .hasNoCause();
        }
    }

    @Test
    void theBuilderRefusesBadOptionsNamingThem() {
        assertThatThrownBy(() -> RedisSessionStore.builder().keyPrefix("has{brace}"))
                .hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> RedisSessionStore.builder().commandTimeout(Duration.ZERO))
                .hasMessageContaining("commandTimeout");
        assertThatThrownBy(() -> RedisSessionStore.builder().build()).hasMessageContaining("location");
        assertThatThrownBy(() -> RedisSessionStore.builder()
                        .cluster("n1:7000")
                        .database(3)
                        .build())
                .hasMessageContaining("database");
        assertThatThrownBy(() -> RedisSessionStore.builder().cluster("n1")).hasMessageContaining("host:port");
    }

    @Test
    void theProviderRegistersEveryRedisScheme() {
        assertThat(new RedisStoreProvider().schemes())
                .containsExactlyInAnyOrder(
                        "redis", "rediss", "redis-sentinel", "rediss-sentinel", "redis-cluster", "rediss-cluster");
    }
}
