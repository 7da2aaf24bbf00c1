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
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example in two headless Chromium instances (two devices of one user): each logs in through the form, the
 * first revokes the second from its device list, and the second is signed out. Uses Debian's chromium and
 * chromium-driver at fixed paths; nothing is downloaded.
 */
class ShopBrowserIT {

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void aDeviceRevokedFromTheListIsSignedOut() throws IOException {
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
                logIn(laptop, base);
                logIn(phone, base);
                assertThat(phone.findElement(By.tagName("body")).getText()).contains("Signed in as alice");

                laptop.get(base + "/devices");
                assertThat(laptop.findElements(By.cssSelector("#devices li"))).hasSize(2);
                laptop.findElement(By.cssSelector("#devices li form button")).click();
                new WebDriverWait(laptop, WAIT)
                        .until(d ->
                                d.findElements(By.cssSelector("#devices li")).size() == 1);

                phone.get(base + "/");
                new WebDriverWait(phone, WAIT).until(d -> d.getCurrentUrl().contains("/login"));
                laptop.get(base + "/");
                assertThat(laptop.findElement(By.tagName("body")).getText()).contains("Signed in as alice");
            } finally {
                laptop.quit();
                phone.quit();
            }
        }
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
