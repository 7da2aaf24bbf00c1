package dev.lanyard.session.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    private static final RoutePolicy FALLBACK = RoutePolicy.forPattern("/").build();

    private static RoutePolicy route(String pattern) {
        return RoutePolicy.forPattern(pattern).build();
    }

    private final RouteTable table = new RouteTable(
            List.of(
                    route("/admin/*"),
                    route("/admin/users/*"),
                    route("/admin/login"),
                    route("*.json"),
                    route("/exact")),
            FALLBACK);

    @Test
    void exactMatchWinsOverPrefix() {
        assertThat(table.match("/admin/login").pattern()).isEqualTo("/admin/login");
    }

    @Test
    void longestPrefixWins() {
        assertThat(table.match("/admin/users/7").pattern()).isEqualTo("/admin/users/*");
        assertThat(table.match("/admin/settings").pattern()).isEqualTo("/admin/*");
    }

    @Test
    void prefixMatchesItsBarePathButNotASiblingName() {
        assertThat(table.match("/admin").pattern()).isEqualTo("/admin/*");
        assertThat(table.match("/administrator").pattern()).isEqualTo("/");
    }

    @Test
    void prefixWinsOverExtension() {
        assertThat(table.match("/admin/data.json").pattern()).isEqualTo("/admin/*");
    }

    @Test
    void extensionMatchesTheLastSegment() {
        assertThat(table.match("/api/data.json").pattern()).isEqualTo("*.json");
        assertThat(table.match("/api.json/data").pattern()).isEqualTo("/");
    }

    @Test
    void unmatchedPathsGetTheDefaultRoute() {
        assertThat(table.match("/shop").pattern()).isEqualTo("/");
        assertThat(table.match("").pattern()).isEqualTo("/");
    }

    @Test
    void slashPatternReplacesTheDefaultRoute() {
        RoutePolicy open =
                RoutePolicy.forPattern("/").failureMode(FailureMode.OPEN).build();
        assertThat(new RouteTable(List.of(open), FALLBACK).match("/anything").failureMode())
                .isEqualTo(FailureMode.OPEN);
    }

    @Test
    void slashStarMatchesEverything() {
        RouteTable all = new RouteTable(List.of(route("/*")), FALLBACK);
        assertThat(all.match("/a/b").pattern()).isEqualTo("/*");
        assertThat(all.match("/").pattern()).isEqualTo("/*");
    }

    @Test
    void aPatternConfiguredTwiceIsRefused() {
        assertThatThrownBy(() -> new RouteTable(List.of(route("/a/*"), route("/a/*")), FALLBACK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/a/*");
        assertThatThrownBy(() -> new RouteTable(List.of(route("/a"), route("/a")), FALLBACK))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void invalidPatternsAreRefusedWithTheirName() {
        for (String bad : new String[] {"admin", "/a/*/b", "/a*", "*.", "*.a/b", "/a b", "**"}) {
            assertThatThrownBy(() -> route(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("servlet URL pattern");
        }
    }

    @Test
    void durationsMustBePositive() {
        assertThatThrownBy(() ->
                        RoutePolicy.forPattern("/a").idleTimeout(Duration.ZERO).build())
                .hasMessageContaining("idleTimeout");
        assertThatThrownBy(() -> RoutePolicy.forPattern("/a")
                        .stepUp(Duration.ofSeconds(-1), StepUpAnswer.unauthorized())
                        .build())
                .hasMessageContaining("stepUp");
    }

    @Test
    void stepUpRedirectRefusesHeaderInjection() {
        assertThatThrownBy(() -> StepUpAnswer.redirectTo("/login\r\nSet-Cookie: x=y"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(StepUpAnswer.redirectTo("/login").isRedirect()).isTrue();
        assertThat(StepUpAnswer.unauthorized().isRedirect()).isFalse();
    }
}
