package dev.lanyard.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example in two headless Chromium instances (two devices of one user). The first fills a cart anonymously and
 * logs in: the cart crosses the login ({@code lanyard.login-attributes=cart}). The second logs in as the same user and
 * revokes the first from its device list: the first is signed out at its next page load, and its cart has gone with
 * its session. Uses Debian's chromium and chromium-driver at fixed paths; nothing is downloaded.
 */
class ShopBrowserIT {

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void theCartCrossesTheLoginAndARevokedDeviceIsSignedOutWithoutIt() throws IOException {
        if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
            fail("the browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install chromium chromium-driver");
        }
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(ShopApplication.class)
                .run("--server.port=0", "--spring.main.banner-mode=off")) {
            String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
            ChromeDriver laptop = chromium();
            ChromeDriver phone = chromium();
            try {
                laptop.get(base + "/cart");
                assertThat(textOf(laptop, "who")).contains("Not signed in");
                addToCart(laptop, "Badge holder", "Badge holder × 1");
                addToCart(laptop, "Badge holder", "Badge holder × 2");

                logIn(laptop, base);
                laptop.get(base + "/cart");
                assertThat(textOf(laptop, "who")).contains("Signed in as alice");
                assertThat(textOf(laptop, "cart")).isEqualTo("Badge holder × 2");

                logIn(phone, base);
                assertThat(textOf(phone, "body")).contains("Signed in as alice");
                phone.get(base + "/devices");
                assertThat(phone.findElements(By.cssSelector("#devices li"))).hasSize(2);
                phone.findElement(By.cssSelector("#devices li form button")).click();
                new WebDriverWait(phone, WAIT)
                        .until(d ->
                                d.findElements(By.cssSelector("#devices li")).size() == 1);
                assertThat(textOf(phone, "devices")).contains("(this device)");

                laptop.get(base + "/");
                new WebDriverWait(laptop, WAIT).until(d -> d.getCurrentUrl().contains("/login"));
                laptop.get(base + "/cart");
                assertThat(textOf(laptop, "who")).contains("Not signed in");
                assertThat(textOf(laptop, "cart")).isEqualTo("Your cart is empty.");

                phone.get(base + "/");
                assertThat(textOf(phone, "body")).contains("Signed in as alice");
            } finally {
                laptop.quit();
                phone.quit();
            }
        }
    }

    /** Clicks the item's button on {@code /cart} and waits for the reloaded page to show {@code expected}. */
    private static void addToCart(ChromeDriver browser, String item, String expected) {
        browser.findElement(By.xpath("//ul[@id='items']/li[contains(., '" + item + "')]//button"))
                .click();
        new WebDriverWait(browser, WAIT)
                .until(ExpectedConditions.textToBePresentInElementLocated(By.id("cart"), expected));
    }

    /** The text of the element with that id, or of the body. */
    private static String textOf(ChromeDriver browser, String id) {
        return browser.findElement("body".equals(id) ? By.tagName("body") : By.id(id))
                .getText();
    }

    private static void logIn(ChromeDriver browser, String base) {
        browser.get(base + "/login");
        browser.findElement(By.id("username")).sendKeys("alice");
        browser.findElement(By.id("password")).sendKeys("password");
        browser.findElement(By.cssSelector("button[type=submit]")).click();
        // The URL changes when the next page's navigation commits, before that page has loaded: wait for both, so
        // that what the test reads next is the whole page
        new WebDriverWait(browser, WAIT)
                .until(d -> !d.getCurrentUrl().contains("/login")
                        && "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    private static ChromeDriver chromium() throws IOException {
        Path profile = Files.createTempDirectory("lanyard-boot-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(WAIT);
        return driver;
    }
}
