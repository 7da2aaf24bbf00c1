package dev.lanyard.session.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MemcachedOptionsTest {

    @Test
    void defaultsAreTheNamedConstants() {
        MemcachedOptions options = MemcachedOptions.builder().server("cache-1").build();
        assertThat(options.servers()).containsExactly("cache-1:11211");
        assertThat(options.keyPrefix()).isEqualTo(MemcachedOptions.DEFAULT_KEY_PREFIX);
        assertThat(options.timeout()).isEqualTo(MemcachedOptions.DEFAULT_TIMEOUT);
        assertThat(options.connectTimeout()).isEqualTo(MemcachedOptions.DEFAULT_CONNECT_TIMEOUT);
        assertThat(options.casRetries()).isEqualTo(MemcachedOptions.DEFAULT_CAS_RETRIES);
        assertThat(options.username()).isNull();
    }

    @Test
    void aLocationNamesSeveralServersAndEveryOption() {
        MemcachedOptions options = MemcachedOptions.fromUri(URI.create(
                "memcached://cache-1:11211,cache-2:11212,cache-3?keyPrefix=shop:&timeout=250ms&connectTimeout=PT2S"
                        + "&CASRETRIES=10"));
        assertThat(options.servers()).containsExactly("cache-1:11211", "cache-2:11212", "cache-3:11211");
        assertThat(options.keyPrefix()).isEqualTo("shop:");
        assertThat(options.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.casRetries()).isEqualTo(10);
    }

    @Test
    void ipv6ServersAreBracketed() {
        assertThat(MemcachedOptions.fromUri(URI.create("memcached://[::1]:11213"))
                        .servers())
                .containsExactly("[::1]:11213");
        assertThat(MemcachedOptions.builder()
                        .server("::1")
                        .server("[2001:db8::7]:11300")
                        .build()
                        .servers())
                .containsExactly("[::1]:11211", "[2001:db8::7]:11300");
    }

    @Test
    void credentialsComeFromTheUserInfoAndNeverShow() {
        MemcachedOptions options = MemcachedOptions.fromUri(URI.create("memcached://app:p%40ss%3Aword@cache-1:11211"));
        assertThat(options.username()).isEqualTo("app");
        assertThat(options.password()).isEqualTo("p@ss:word");
        assertThat(options.toString()).doesNotContain("p@ss").contains("authenticated=true");
    }

    @Test
    void mutateKeepsEverythingItDoesNotChange() {
        MemcachedOptions options =
                MemcachedOptions.builder().server("a").server("b").casRetries(5).build();
        MemcachedOptions changed =
                options.mutate().timeout(Duration.ofSeconds(1)).build();
        assertThat(changed.servers()).containsExactly("a:11211", "b:11211");
        assertThat(changed.casRetries()).isEqualTo(5);
        assertThat(changed.timeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void buildNamesTheOptionThatDoesNotFit() {
        assertThatThrownBy(() -> MemcachedOptions.builder().build()).hasMessageContaining("servers");
        assertThatThrownBy(() ->
                        MemcachedOptions.builder().server("a").server("a:11211").build())
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> MemcachedOptions.builder()
                        .server("a")
                        .timeout(Duration.ZERO)
                        .build())
                .hasMessageContaining("timeout");
        assertThatThrownBy(() -> MemcachedOptions.builder()
                        .server("a")
                        .connectTimeout(Duration.ofMinutes(2))
                        .build())
                .hasMessageContaining("connectTimeout");
        assertThatThrownBy(() ->
                        MemcachedOptions.builder().server("a").casRetries(0).build())
                .hasMessageContaining("casRetries");
        assertThatThrownBy(() -> MemcachedOptions.builder()
                        .server("a")
                        .keyPrefix("has space")
                        .build())
                .hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> MemcachedOptions.builder().server("a:99999")).hasMessageContaining("port");
        assertThatThrownBy(() -> MemcachedOptions.builder().server(":11211")).hasMessageContaining("no host");
    }

    @Test
    void malformedLocationsAreRefusedWithoutRepeatingThePassword() {
        assertThatThrownBy(() -> MemcachedOptions.fromUri(URI.create("memcached://u:secret@a?timeout=soon")))
                .hasMessageContaining("timeout")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> MemcachedOptions.fromUri(URI.create("memcached://a?nearCache=true")))
                .hasMessageContaining("unknown Memcached option 'nearCache'");
        assertThatThrownBy(() -> MemcachedOptions.fromUri(URI.create("memcached://u:secret@a:port")))
                .hasMessageNotContaining("secret");
    }

    @Test
    void tlsIsRefusedByNameAsTheClientHasNone() {
        assertThatThrownBy(() -> MemcachedOptions.fromUri(URI.create("memcacheds://a:11211")))
                .hasMessageContaining("TLS");
        assertThatThrownBy(() -> MemcachedOptions.fromUri(URI.create("memcached://a:11211?tls=true")))
                .hasMessageContaining("tls");
    }
}
