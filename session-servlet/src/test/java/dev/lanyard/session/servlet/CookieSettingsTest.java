package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CookieSettingsTest {

    @Test
    void defaultsAreHostPrefixedSecureHttpOnlyLaxRootPathWithoutDomain() {
        assertThat(CookieSettings.defaults().setCookie("ID"))
                .isEqualTo("__Host-session=ID; Path=/; Secure; HttpOnly; SameSite=Lax");
    }

    @Test
    void clearingCookieExpiresAtOnceWithTheSameAttributes() {
        assertThat(CookieSettings.defaults().clearCookie())
                .isEqualTo(
                        "__Host-session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure; HttpOnly; SameSite=Lax");
    }

    @Test
    void configuredAttributesAreWritten() {
        CookieSettings settings = CookieSettings.builder()
                .name("sid")
                .sameSite(SameSite.STRICT)
                .path("/app")
                .domain("example.com")
                .maxAge(Duration.ofHours(1))
                .build();
        assertThat(settings.setCookie("ID"))
                .isEqualTo("sid=ID; Max-Age=3600; Path=/app; Domain=example.com; Secure; HttpOnly; SameSite=Strict");
    }

    @Test
    void hostPrefixNeedsSecure() {
        assertThatThrownBy(() -> CookieSettings.builder().secure(false).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("__Host-")
                .hasMessageContaining("secure");
    }

    @Test
    void hostPrefixNeedsRootPath() {
        assertThatThrownBy(() -> CookieSettings.builder().path("/app").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("path=/");
    }

    @Test
    void hostPrefixForbidsADomain() {
        assertThatThrownBy(() -> CookieSettings.builder().domain("example.com").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("forbids a domain");
    }

    @Test
    void hostPrefixRulesApplyWhateverTheCase() {
        assertThatThrownBy(() ->
                        CookieSettings.builder().name("__HOST-x").secure(false).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void securePrefixNeedsSecure() {
        assertThatThrownBy(() -> CookieSettings.builder()
                        .name("__Secure-sid")
                        .secure(false)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("__Secure-");
    }

    @Test
    void sameSiteNoneNeedsSecure() {
        assertThatThrownBy(() -> CookieSettings.builder()
                        .name("sid")
                        .secure(false)
                        .sameSite(SameSite.NONE)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sameSite=None");
    }

    @Test
    void namesThatAreNotTokensAreRefused() {
        for (String bad : new String[] {"", "a b", "a;b", "a=b", "é"}) {
            assertThatThrownBy(() -> CookieSettings.builder().name(bad).build())
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cookie name");
        }
    }

    @Test
    void attributeValuesCannotInjectOtherAttributes() {
        assertThatThrownBy(() -> CookieSettings.builder()
                        .name("sid")
                        .path("/; Domain=evil")
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cookie path");
        assertThatThrownBy(
                        () -> CookieSettings.builder().name("sid").domain("a;b").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cookie domain");
    }

    @Test
    void mutateKeepsEveryValue() {
        CookieSettings settings = CookieSettings.builder()
                .name("sid")
                .domain("example.com")
                .maxAge(Duration.ofMinutes(5))
                .build();
        assertThat(settings.mutate().build().setCookie("x")).isEqualTo(settings.setCookie("x"));
    }
}
