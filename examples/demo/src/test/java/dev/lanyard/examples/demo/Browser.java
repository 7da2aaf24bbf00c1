package dev.lanyard.examples.demo;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium: a separate profile, so two instances are two devices. Uses the Debian
 * {@code chromium} and {@code chromium-driver} packages at fixed paths; Selenium Manager never runs
 * (nothing is downloaded).
 */
final class Browser implements AutoCloseable {

    static final File CHROMIUM = new File("/usr/bin/chromium");
    static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final Path profile;
    private final ChromeDriver driver;
    private final String base;

    Browser(String base) {
        if (!CHROMIUM.canExecute() || !CHROMEDRIVER.canExecute()) {
            fail("Chromium is missing: the browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + ". Install them with: apt-get install chromium chromium-driver");
        }
        this.base = base;
        try {
            this.profile = Files.createTempDirectory("lanyard-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1100,800",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort()
                .build();
        ChromeDriver started = null;
        try {
            started = new ChromeDriver(service, options);
            started.manage().timeouts().pageLoadTimeout(WAIT);
        } finally {
            if (started == null) {
                deleteProfile();
            }
        }
        this.driver = started;
    }

    /** Opens a path of the demo. */
    Browser open(String path) {
        driver.get(base + path);
        return this;
    }

    /** Logs in through the form and waits until the browser has left the login page. */
    Browser logIn(String user, String password) {
        open("/login");
        return confirmPassword(user, password);
    }

    /** Fills and submits the login form the browser is on. */
    Browser confirmPassword(String user, String password) {
        WebElement name = driver.findElement(By.id("username"));
        name.clear();
        name.sendKeys(user);
        driver.findElement(By.id("password")).sendKeys(password);
        click(By.id("login"));
        waitUntil(d -> !d.getCurrentUrl().contains("/login"));
        return this;
    }

    /** Clicks an element and waits for the next page. */
    void click(By by) {
        WebElement element = driver.findElement(by);
        element.click();
        waitUntil(d -> isGone(element));
        waitUntil(d -> "complete".equals(((JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    /** True once the page that held {@code element} has been replaced. */
    private static boolean isGone(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (StaleElementReferenceException e) {
            return true;
        } catch (WebDriverException e) {
            // Chromium sometimes reports a replaced document as "node does not belong to the document"
            return e.getMessage() != null && e.getMessage().contains("does not belong to the document");
        }
    }

    void waitUntil(java.util.function.Function<WebDriver, Boolean> condition) {
        new WebDriverWait(driver, WAIT).until(condition::apply);
    }

    String heading() {
        return driver.findElement(By.tagName("h1")).getText();
    }

    String text() {
        return driver.findElement(By.tagName("body")).getText();
    }

    String path() {
        return driver.getCurrentUrl().substring(base.length());
    }

    Cookie cookie(String name) {
        return driver.manage().getCookieNamed(name);
    }

    WebDriver driver() {
        return driver;
    }

    /** Saves a screenshot to {@code target/screenshots/<name>.png}. */
    Path screenshot(String name) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "screenshots"));
            Path file = dir.resolve(name + ".png");
            Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            deleteProfile();
        }
    }

    private void deleteProfile() {
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temporary profile is harmless
        }
    }
}
