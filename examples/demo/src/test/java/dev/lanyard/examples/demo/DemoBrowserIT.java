package dev.lanyard.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lanyard.session.tck.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * The demo in real headless Chromium: what a user sees of Lanyard. Each test has a demo instance of its own
 * (in-memory store, a movable clock) and its own browsers (fresh profiles): the tests sign the same users in and
 * out, list their devices and move the clock, so a shared instance would make each depend on what ran before it.
 */
class DemoBrowserIT {

    private static final String COOKIE = "__Host-session";

    private final MutableClock clock = MutableClock.startingNow();
    private DemoServer demo;
    private String base;

    @BeforeEach
    void startDemo() throws Exception {
        demo = DemoServer.start(new DemoSettings("127.0.0.1", 0, "memory:", "node-it", false), clock);
        base = "http://localhost:" + demo.port();
    }

    @AfterEach
    void stopDemo() throws Exception {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void loginGivesANewSessionCookieAndKeepsTheCart() {
        try (Browser browser = new Browser(base)) {
            browser.open("/").click(By.id("add-lanyard"));
            Cookie anonymous = browser.cookie(COOKIE);
            assertThat(anonymous).as("the __Host- cookie over http://localhost").isNotNull();
            assertThat(anonymous.isSecure()).isTrue();
            assertThat(anonymous.isHttpOnly()).isTrue();
            assertThat(anonymous.getSameSite()).isEqualTo("Lax");
            assertThat(browser.driver().findElement(By.id("cart")).getText()).contains("Lanyard, navy blue × 1");
            browser.screenshot("shop-anonymous-cart");

            browser.logIn("alice", "alice");

            Cookie loggedIn = browser.cookie(COOKIE);
            assertThat(loggedIn.getValue())
                    .as("login rotates the session ID (fixation)")
                    .isNotEqualTo(anonymous.getValue());
            assertThat(browser.driver().findElement(By.id("user")).getText()).isEqualTo("alice");
            assertThat(browser.driver().findElement(By.id("cart")).getText()).contains("Lanyard, navy blue × 1");
        }
    }

    @Test
    void aDeviceSignedOutFromTheSessionsPageIsLoggedOutOnItsNextClick() {
        try (Browser laptop = new Browser(base);
                Browser phone = new Browser(base)) {
            laptop.logIn("alice", "alice");
            phone.logIn("alice", "alice").open("/account/sessions");
            assertThat(phone.heading()).isEqualTo("Your sessions");

            laptop.open("/account/sessions");
            List<WebElement> others = laptop.driver().findElements(By.cssSelector("button.revoke"));
            assertThat(others).hasSize(1);
            assertThat(laptop.text()).contains("this device");
            laptop.screenshot("sessions-two-devices");
            laptop.click(By.cssSelector("button.revoke"));
            assertThat(laptop.driver().findElements(By.cssSelector("button.revoke")))
                    .isEmpty();
            laptop.screenshot("sessions-after-revoke");

            phone.click(By.linkText("My sessions"));

            assertThat(phone.path()).startsWith("/login");
            assertThat(phone.heading()).isEqualTo("Log in");
            assertThat(phone.driver().findElements(By.id("user"))).isEmpty();
        }
    }

    @Test
    void aSecondBrowsersLiveSocketClosesWhenTheFirstSignsItOut() {
        try (Browser laptop = new Browser(base);
                Browser phone = new Browser(base)) {
            laptop.logIn("alice", "alice");
            phone.logIn("alice", "alice").open("/live");
            phone.waitUntil(
                    d -> "open".equals(d.findElement(By.id("live-status")).getText()));
            phone.driver().findElement(By.id("live-send")).click(); // no navigation: not Browser.click
            phone.waitUntil(d -> d.findElement(By.id("live-messages")).getText().contains("alice: hello"));

            laptop.open("/account/sessions");
            assertThat(laptop.driver().findElements(By.cssSelector("td.sockets")))
                    .extracting(WebElement::getText)
                    .as("the phone's open socket in the device list")
                    .contains("1");
            assertThat(laptop.driver().findElement(By.id("live-link")).getAttribute("href"))
                    .endsWith("/live");
            // The row of the phone: the one with the open socket.
            laptop.click(By.xpath("//tr[td[@class='sockets' and normalize-space()='1']]//button[@class='revoke']"));

            phone.waitUntil(
                    d -> "closed".equals(d.findElement(By.id("live-status")).getText()));
            // the device list signs a device out as a logout of that session
            assertThat(phone.driver().findElement(By.id("live-closed")).getText())
                    .isEqualTo("1008 lanyard: session revoked (logout)");
            phone.screenshot("live-socket-closed");
        }
    }

    @Test
    void theSecurityPageAsksForThePasswordAgainAfterFiveMinutes() {
        try (Browser browser = new Browser(base)) {
            browser.logIn("admin", "admin").open("/account/security");
            assertThat(browser.heading()).isEqualTo("Account security");

            clock.advance(DemoServer.STEP_UP.plus(Duration.ofMinutes(1)));
            browser.open("/account/security");

            assertThat(browser.path()).isEqualTo("/login?next=/account/security");
            assertThat(browser.driver().findElement(By.id("step-up")).getText()).contains("confirm your password");
            browser.screenshot("step-up-login");
            browser.confirmPassword("admin", "admin");
            assertThat(browser.path()).isEqualTo("/account/security");
            assertThat(browser.heading()).isEqualTo("Account security");
        }
    }

    @Test
    void backAfterLogoutShowsNoPrivatePage() {
        try (Browser browser = new Browser(base)) {
            browser.logIn("alice", "alice").open("/account/sessions");
            assertThat(browser.heading()).isEqualTo("Your sessions");

            browser.click(By.id("logout"));
            assertThat(browser.path()).as("logout lands on the shop").isEqualTo("/");
            assertThat(browser.driver().findElements(By.id("user"))).isEmpty();
            browser.driver().navigate().back();
            // the shop has a heading too: wait until the browser has left it and the page it went back to loaded
            browser.waitUntil(d -> !browser.path().equals("/")
                    && "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));

            assertThat(browser.heading()).isEqualTo("Log in");
            assertThat(browser.text()).doesNotContain("Your sessions").doesNotContain("this device");
        }
    }

    @Test
    void aFormPostedWithoutTheCsrfTokenIsRefused() {
        try (Browser browser = new Browser(base)) {
            browser.logIn("alice", "alice");
            WebElement button = browser.driver().findElement(By.id("add-badge"));
            ((JavascriptExecutor) browser.driver())
                    .executeScript("arguments[0].form.querySelector('input[name=_csrf]').remove();", button);
            browser.click(By.id("add-badge"));

            assertThat(browser.text()).startsWith("Forbidden");
            browser.open("/");
            assertThat(browser.driver().findElement(By.id("cart")).getText()).isEqualTo("Your cart is empty.");
        }
    }
}
