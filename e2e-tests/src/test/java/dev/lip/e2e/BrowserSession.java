package dev.lip.e2e;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A headless Chromium (Debian's chromium through chromium-driver) for the tests of the pages, one a test; skipped,
 * saying so, where it is not installed. Screenshots go to {@code target/browser/}.
 */
abstract class BrowserSession {
    static final Path SHOTS = Path.of("target", "browser");
    static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    WebDriver driver;

    @BeforeEach
    void browser() throws Exception {
        String chromium = which("chromium", "chromium-browser", "google-chrome");
        String chromedriver = which("chromedriver");
        Assumptions.assumeTrue(chromium != null && chromedriver != null,
                "chromium and chromium-driver are not installed: apt-get install chromium chromium-driver");
        ChromeOptions options = new ChromeOptions().setBinary(chromium)
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1400",
                        "--force-device-scale-factor=1");
        driver = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(chromedriver)).build(), options);
        Files.createDirectories(SHOTS);
    }

    @AfterEach
    void quit() {
        if (driver != null) {
            driver.quit();
        }
    }

    /**
     * Submits {@code image} through the API as the page does (its result asked for at once); returns the job's id.
     */
    static String submit(Trio trio, String query, Path image) throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        var created = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(trio.api() + "/api/v1/jobs?" + query))
                .header("Content-Type", "application/octet-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofFile(image)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(202, created.statusCode(), created.body());
        String id = created.body().replaceAll("(?s).*\"id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(trio.api() + "/api/v1/jobs/" + id + "/result"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), java.net.http.HttpResponse.BodyHandlers.discarding());
        return id;
    }

    Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    void shot(String name) throws Exception {
        Files.write(SHOTS.resolve(name), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    private static String which(String... names) {
        for (String n : names) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                File f = new File(dir, n);
                if (f.canExecute()) {
                    return f.getAbsolutePath();
                }
            }
        }
        return null;
    }
}
