package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientInfoTest {

    @Test
    void keepsOnlyTheNetworkPrefixOfAnAddress() {
        assertThat(ClientInfo.of(null, "192.0.2.77").addressPrefix()).isEqualTo("192.0.2.0/24");
        assertThat(ClientInfo.of(null, "2001:db8:85a3:8d3:1319:8a2e:370:7348").addressPrefix())
                .isEqualTo("2001:db8:85a3::/48");
        assertThat(ClientInfo.of(null, "[2001:db8::1]").addressPrefix()).isEqualTo("2001:db8::/48");
    }

    @Test
    void neverResolvesOrKeepsSomethingThatIsNotAnAddress() {
        assertThat(ClientInfo.of(null, "example.com").addressPrefix()).isEmpty();
        assertThat(ClientInfo.of(null, "1.2.3").addressPrefix()).isEmpty();
        assertThat(ClientInfo.of(null, "x".repeat(1000)).addressPrefix()).isEmpty();
        assertThat(ClientInfo.of(null, null).addressPrefix()).isEmpty();
    }

    @Test
    void summarisesTheUserAgentWithinItsBound() {
        String firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assertThat(ClientInfo.of(firefox, null).userAgent()).isEqualTo("Firefox 128 on Linux");
        assertThat(ClientInfo.of("z".repeat(500) + "\n\u0000", null).userAgent())
                .hasSize(ClientInfo.MAX_USER_AGENT)
                .doesNotContain("\n");
    }

    @Test
    void theConstructorDropsControlCharactersAndCutsEvenShortValues() {
        ClientInfo info = new ClientInfo("a\tb\u007fc\u0000", "192.0.2.0/24\r\n");
        assertThat(info.userAgent()).isEqualTo("abc");
        assertThat(info.addressPrefix()).isEqualTo("192.0.2.0/24");
        assertThat(new ClientInfo("y".repeat(ClientInfo.MAX_USER_AGENT + 1), "").userAgent())
                .isEqualTo("y".repeat(ClientInfo.MAX_USER_AGENT));
        assertThat(new ClientInfo("Firefox 128 on Linux", "2001:db8::/48"))
                .isEqualTo(new ClientInfo("Firefox 128 on Linux", "2001:db8::/48"))
                .extracting(ClientInfo::userAgent, ClientInfo::addressPrefix)
                .containsExactly("Firefox 128 on Linux", "2001:db8::/48");
        assertThat(new ClientInfo(null, null)).isEqualTo(ClientInfo.UNKNOWN);
    }
}
