package dev.lanyard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.tck.MutableClock;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin page's live charts, in real headless Chromium: after traffic (logins, logouts, a
 * replayed refresh token), every chart is drawn from the demo's own meters with data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoChartsIT {

    private static final List<String> CHARTS = List.of("sessions", "reuse", "latency", "hit-ratio");

    private final MutableClock clock = MutableClock.startingNow();
    private final DemoHttp http = new DemoHttp();
    private DemoServer demo;
    private String base;

    @BeforeAll
    void startDemo() throws Exception {
        demo = DemoServer.start(new DemoSettings("127.0.0.1", 0, "memory:", "node-charts", false), clock);
        base = "http://localhost:" + demo.port();
    }

    @AfterAll
    void stopDemo() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void theAdminPageDrawsEveryChartWithDataAfterTraffic() throws Exception {
        generateTraffic();

        try (Browser browser = new Browser(base)) {
            browser.logIn("admin", "admin").open("/admin/users");
            WebDriver driver = browser.driver();
            new WebDriverWait(driver, Duration.ofSeconds(60))
                    .until(d -> max(d, "sessions") > 0
                            && max(d, "reuse") > 0
                            && max(d, "latency") > 0
                            && points(d, "hit-ratio") >= 2);
            ((JavascriptExecutor) driver).executeScript("document.getElementById('charts').scrollIntoView()");
            Path screenshot = browser.screenshot("admin-charts");

            for (String chart : CHARTS) {
                WebElement svg = driver.findElement(By.id("chart-" + chart));
                assertThat(Integer.parseInt(svg.getAttribute("data-points")))
                        .as("samples of %s", chart)
                        .isGreaterThanOrEqualTo(2);
                assertThat(svg.findElements(By.cssSelector("path.series")))
                        .as("lines of %s", chart)
                        .isNotEmpty();
                assertThat(svg.getText()).as("legend of %s", chart).isNotBlank();
            }
            assertThat(driver.findElement(By.id("chart-sessions")).findElements(By.cssSelector("path.series")))
                    .as("created and revoked")
                    .hasSize(2);
            assertThat(Files.size(screenshot)).isGreaterThan(10_000);
        }
    }

    @Test
    void theChartDataIsForAdministratorsOnly() throws Exception {
        assertThat(http.get(demo, "/admin/charts.json", null).statusCode()).isEqualTo(401);
        String alice = http.logIn(demo, "alice", "alice");
        assertThat(http.get(demo, "/admin/charts.json", alice).statusCode()).isEqualTo(403);
        HttpResponse<String> admin = http.get(demo, "/admin/charts.json", http.logIn(demo, "admin", "admin"));
        assertThat(admin.statusCode()).isEqualTo(200);
        assertThat(admin.body()).startsWith("{\"intervalSeconds\":2,\"charts\":[{\"id\":\"sessions\"");
    }

    /**
     * Three logins, two logouts, one refresh token presented twice (reuse detection). Few logins:
     * each hashes a password, which a loaded build machine makes slow.
     */
    private void generateTraffic() throws Exception {
        List<String> cookies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            cookies.add(http.logIn(demo, "alice", "alice"));
        }
        for (String cookie : cookies.subList(0, 2)) {
            HttpResponse<String> logout = http.post(demo, "/logout", cookie, "_csrf=" + http.csrfToken(demo, cookie));
            assertThat(logout.statusCode()).isEqualTo(302);
        }
        String cookie = cookies.get(2);
        String issued = http.post(demo, "/api/token", cookie, "_csrf=" + http.csrfToken(demo, cookie))
                .body();
        String refreshToken = DemoHttp.field(issued, "refresh_token");
        assertThat(http.post(demo, "/api/token/refresh", null, "grant_type=refresh_token&refresh_token=" + refreshToken)
                        .statusCode())
                .isEqualTo(200);
        clock.advance(Duration.ofSeconds(11)); // past the demo's 10-second grace for racing refreshes
        assertThat(http.post(demo, "/api/token/refresh", null, "grant_type=refresh_token&refresh_token=" + refreshToken)
                        .statusCode())
                .as("a replayed refresh token")
                .isEqualTo(400);
    }

    private static double max(WebDriver driver, String chart) {
        String value = driver.findElement(By.id("chart-" + chart)).getAttribute("data-max");
        return value == null ? 0 : Double.parseDouble(value);
    }

    private static int points(WebDriver driver, String chart) {
        String value = driver.findElement(By.id("chart-" + chart)).getAttribute("data-points");
        return value == null ? 0 : Integer.parseInt(value);
    }
}
