package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lanyard.session.LoginAttributePolicy;
import dev.lanyard.session.ReadMode;
import dev.lanyard.session.codec.DefaultAttributeCodec;
import dev.lanyard.session.jackson.JsonAttributeCodec;
import dev.lanyard.session.servlet.app.ShopCart;
import dev.lanyard.session.spi.AttributeCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InitParametersTest {

    @Test
    void durationsAcceptIsoAndUnitForms() {
        assertThat(InitParameters.duration("x", "PT30M")).isEqualTo(Duration.ofMinutes(30));
        assertThat(InitParameters.duration("x", "pt1h")).isEqualTo(Duration.ofHours(1));
        assertThat(InitParameters.duration("x", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(InitParameters.duration("x", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(InitParameters.duration("x", "15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(InitParameters.duration("x", "12h")).isEqualTo(Duration.ofHours(12));
        assertThat(InitParameters.duration("x", "7d")).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void badDurationsNameTheOption() {
        for (String bad : new String[] {"", "m", "10", "ten minutes", "PTX"}) {
            assertThatThrownBy(() -> InitParameters.duration("idleTimeout", bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("idleTimeout (");
        }
    }

    @Test
    void loginAttributesAcceptTheKeywordsAndNames() {
        assertThat(InitParameters.loginAttributes("application"))
                .isEqualTo(LoginAttributePolicy.applicationAttributes());
        assertThat(InitParameters.loginAttributes("ALL")).isEqualTo(LoginAttributePolicy.all());
        assertThat(InitParameters.loginAttributes("none")).isEqualTo(LoginAttributePolicy.none());
        assertThat(InitParameters.loginAttributes("cart, locale"))
                .isEqualTo(LoginAttributePolicy.named("cart", "locale"));
        for (String bad : new String[] {"", " , ", "cart SPRING_SECURITY_CONTEXT", "lanyard.roles"}) {
            assertThatThrownBy(() -> InitParameters.loginAttributes(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("loginAttributes");
        }
    }

    @Test
    void routeSpecificationSetsEveryOption() {
        RoutePolicy route = InitParameters.route(
                "/admin/*",
                "idleTimeout=5m; stepUp=PT10M; onStepUp=redirect:/login; failureMode=open; csrf=exempt; read=store");
        assertThat(route.pattern()).isEqualTo("/admin/*");
        assertThat(route.idleTimeout()).hasValue(Duration.ofMinutes(5));
        assertThat(route.stepUpMaxAge()).hasValue(Duration.ofMinutes(10));
        assertThat(route.stepUpAnswer().location()).isEqualTo("/login");
        assertThat(route.failureMode()).isEqualTo(FailureMode.OPEN);
        assertThat(route.csrfExempt()).isTrue();
        assertThat(route.read()).isEqualTo(ReadMode.STORE);
    }

    @Test
    void emptyRouteSpecificationKeepsDefaults() {
        RoutePolicy route = InitParameters.route("/x", "");
        assertThat(route.idleTimeout()).isEmpty();
        assertThat(route.stepUpMaxAge()).isEmpty();
        assertThat(route.failureMode()).isNull();
        assertThat(route.read()).isEqualTo(ReadMode.CACHE);
    }

    @Test
    void routeSpecificationErrorsNameTheRouteAndKey() {
        assertThatThrownBy(() -> InitParameters.route("/x", "idleTimeout"))
                .hasMessageContaining("route:/x")
                .hasMessageContaining("key=value");
        assertThatThrownBy(() -> InitParameters.route("/x", "colour=red")).hasMessageContaining("unknown key 'colour'");
        assertThatThrownBy(() -> InitParameters.route("/x", "onStepUp=redirect:/a"))
                .hasMessageContaining("onStepUp needs stepUp");
        assertThatThrownBy(() -> InitParameters.route("/x", "stepUp=1m; onStepUp=403"))
                .hasMessageContaining("401 or redirect");
        assertThatThrownBy(() -> InitParameters.route("/x", "failureMode=maybe"))
                .hasMessageContaining("failure");
        assertThatThrownBy(() -> InitParameters.route("/x", "read=sometimes"))
                .hasMessageContaining("route:/x read (sometimes) must be one of [cache, store]");
    }

    @Test
    void everyKnownParameterIsDocumented() throws Exception {
        java.nio.file.Path doc = java.nio.file.Path.of("..", "docs", "configuration.md");
        assertThat(doc).exists();
        String text = java.nio.file.Files.readString(doc);
        for (String name : InitParameters.KNOWN) {
            assertThat(text).as("docs/configuration.md documents " + name).contains("`" + name + "`");
        }
        assertThat(text).contains("`route:<pattern>`");
    }

    @Test
    void attributeCodecChoosesTheCodecByNameAndAllowedPackagesReachesIt() {
        AttributeCodec javaCodec =
                InitParameters.codec(Map.of("allowedPackages", "dev.lanyard.session.servlet.app"), null);
        assertThat(javaCodec).isInstanceOf(DefaultAttributeCodec.class);
        javaCodec.encode("cart", new ShopCart());

        AttributeCodec json = InitParameters.codec(
                Map.of("attributeCodec", "JSON", "allowedPackages", "dev.lanyard.session.servlet.app"), null);
        assertThat(json).isInstanceOf(JsonAttributeCodec.class);
        assertThat(new String(json.encode("cart", new ShopCart()), StandardCharsets.UTF_8))
                .startsWith("[\"dev.lanyard.session.servlet.app.ShopCart\"");
        assertThatThrownBy(() -> InitParameters.codec(Map.of(), null).encode("cart", new ShopCart()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("init-param allowedPackages=dev.lanyard.session.servlet.app");
    }

    @Test
    void anUnknownAttributeCodecOrABadPackageNamesTheOption() {
        assertThatThrownBy(() -> InitParameters.codec(Map.of("attributeCodec", "xml"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attributeCodec (xml)")
                .hasMessageContaining("json")
                .hasMessageContaining("java");
        assertThatThrownBy(() -> InitParameters.codec(Map.of("allowedPackages", "java.lang"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowedPackages (java.lang)");
    }
}
