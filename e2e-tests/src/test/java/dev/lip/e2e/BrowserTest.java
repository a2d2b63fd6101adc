package dev.lip.e2e;

import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pages in a real browser (Debian's chromium, headless, through chromium-driver): an image uploaded through the
 * form reaches DONE on the job page, whose viewer, zoomed to full resolution, draws the result's own pixel values at
 * known positions; the same with an API token, asked for by the page and never put in a URL or a log. Screenshots go
 * to {@code target/browser/}.
 */
class BrowserTest extends BrowserSession {
    @Test
    void anImageUploadedThroughThePageIsShownExactlyInTheViewer() throws Exception {
        try (Trio trio = new Trio(true)) {
            uploadAndCheck(trio, null, "open");
        }
    }

    @Test
    void withATokenThePageAsksForItAndKeepsItOutOfUrlsAndLogs() throws Exception {
        String token = "browser-secret-7d1f";
        try (Trio trio = new Trio(true, "--lip.api-token=" + token)) {
            uploadAndCheck(trio, token, "token");
            assertFalse(driver.getCurrentUrl().contains(token), driver.getCurrentUrl());
            assertFalse(trio.log("slicer-api").contains(token), "the token is not in slicer-api's log");
        }
    }

    /**
     * Issue 26: the interactive API page (/ui/api.html, Swagger UI over /v3/api-docs) asks for the token as the
     * other pages do, then shows every operation, and an operation tried from it carries the token.
     */
    @Test
    void theApiPageShowsEveryOperationAndTriesThemWithTheToken() throws Exception {
        String token = "api-page-secret-51c0";
        try (Trio trio = new Trio(false, "--lip.api-token=" + token)) {
            driver.get(trio.api() + "/ui/api.html");
            WebDriverWait wait = new WebDriverWait(driver, DEADLINE);
            wait.until(d -> d.findElement(By.id("login")).isDisplayed());
            driver.findElement(By.cssSelector("#login input")).sendKeys(token);
            driver.findElement(By.cssSelector("#login button")).click();
            wait.until(d -> d.findElements(By.cssSelector(".opblock")).size() >= 15);
            shot("api-page.png");
            // try GET /api/v1/algorithms from the page: answered 200, with the token in the header
            Object status = ((JavascriptExecutor) driver).executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "const r = { url: '/api/v1/algorithms', method: 'GET', headers: {} };"
                    + "fetch(r.url, { headers: lipApi.getConfigs().requestInterceptor(r).headers }).then(x => done(x.status));");
            assertEquals(200L, status);
            assertFalse(driver.getCurrentUrl().contains(token));
        }
    }

    /** Issue 26: a mistake in the form is reported before the upload starts, not after the whole file is sent. */
    @Test
    void theFormReportsAMistakeBeforeUploading() throws Exception {
        SampleImage img = SampleImage.generate(400, 300, 3, 8, 12);
        Path png = dir.resolve("mistake.png");
        img.writePng(png);
        try (Trio trio = new Trio(false)) {
            driver.get(trio.api() + "/");
            WebDriverWait wait = new WebDriverWait(driver, DEADLINE);
            wait.until(d -> !new Select(d.findElement(By.id("algorithm"))).getOptions().isEmpty()
                    && !d.findElements(By.cssSelector("#params input[name=threshold]")).isEmpty());
            driver.findElement(By.id("file")).sendKeys(png.toString());
            driver.findElement(By.cssSelector("#params input[name=threshold]")).sendKeys("abc");
            driver.findElement(By.id("start")).click();
            wait.until(d -> d.findElement(By.id("uploadError")).getText().contains("threshold must be a whole number"));
            Path received = trio.resultDir.resolve(".uploads").resolve("uploads"); // tus' storage: an entry an upload
            assertFalse(Files.isDirectory(received) && Files.list(received).findAny().isPresent(), "no upload was started");
            assertTrue(driver.getCurrentUrl().endsWith("/"), "still on the form: " + driver.getCurrentUrl());
        }
    }

    @Test
    void anImageWhereItLivesIsProcessedFromThePage() throws Exception {
        Path root = java.nio.file.Files.createDirectories(dir.resolve("archive"));
        SampleImage img = SampleImage.generate(500, 300, 3, 8, 5);
        Path png = root.resolve("scene.png");
        img.writePng(png);
        try (Trio trio = new Trio(java.util.Map.of(), true, "--lip.source-roots=" + root)) {
            driver.get(trio.api() + "/");
            WebDriverWait wait = new WebDriverWait(driver, DEADLINE);
            wait.until(d -> !new Select(d.findElement(By.id("algorithm"))).getOptions().isEmpty());
            driver.findElement(By.id("source")).sendKeys(png.toUri().toString());
            assertEquals("Process", driver.findElement(By.id("start")).getText());
            driver.findElement(By.id("start")).click();
            wait.until(d -> d.getCurrentUrl().contains("/jobs/"));
            wait.until(d -> "DONE".equals(d.findElement(By.tagName("body")).getDomAttribute("data-state")));
            assertTrue(driver.findElement(By.id("where")).getText().contains("Image read from " + png.toUri()),
                    driver.findElement(By.id("where")).getText());
            shot("source-job.png");
            String id = driver.getCurrentUrl().substring(driver.getCurrentUrl().lastIndexOf('/') + 1);
            Masks.assertMaskEquals(img.thresholdMask(128, false), img.width, img.height,
                    trio.resultDir.resolve(id + ".tif"), "a file read in place from the page");

            // a reference outside the roots: the sentence is on the form, and nothing starts
            driver.get(trio.api() + "/");
            wait.until(d -> !new Select(d.findElement(By.id("algorithm"))).getOptions().isEmpty());
            driver.findElement(By.id("source")).sendKeys("file:///etc/passwd");
            driver.findElement(By.id("start")).click();
            wait.until(d -> d.findElement(By.id("uploadError")).getText().contains("lip.source-roots"));
            assertFalse(driver.getCurrentUrl().contains("/jobs/"));
        }
    }

    private void uploadAndCheck(Trio trio, String token, String name) throws Exception {
        SampleImage img = SampleImage.generate(900, 700, 3, 8, 77);
        Path png = dir.resolve(name + ".png");
        img.writePng(png);
        driver.get(trio.api() + "/");
        WebDriverWait wait = new WebDriverWait(driver, DEADLINE);
        if (token != null) {
            wait.until(d -> d.findElement(By.id("login")).isDisplayed());
            driver.findElement(By.cssSelector("#login input")).sendKeys(token);
            driver.findElement(By.cssSelector("#login button")).click();
        }
        wait.until(d -> !new Select(d.findElement(By.id("algorithm"))).getOptions().isEmpty());
        driver.findElement(By.id("file")).sendKeys(png.toString());
        driver.findElement(By.id("tileSize")).clear();
        driver.findElement(By.id("tileSize")).sendKeys("128");
        driver.findElement(By.id("start")).click();
        wait.until(d -> d.getCurrentUrl().contains("/jobs/"));
        wait.until(d -> "DONE".equals(d.findElement(By.tagName("body")).getDomAttribute("data-state")));
        String id = driver.getCurrentUrl().substring(driver.getCurrentUrl().lastIndexOf('/') + 1);
        wait.until(d -> Boolean.TRUE.equals(js("return !!window.lipViewer && lipViewer.world.getItemCount() === 2"
                + " && lipViewer.world.getItemAt(0).getFullyLoaded() && lipViewer.world.getItemAt(1).getFullyLoaded()")));
        Thread.sleep(300); // one more frame drawn after the last tile arrived
        shot(name + "-job.png");

        // the result alone, as its grey values, fully opaque, zoomed to full resolution (7 screen pixels a pixel)
        driver.findElement(By.id("showInput")).click();
        new Select(driver.findElement(By.id("tint"))).selectByValue("");
        js("const o = document.getElementById('opacity'); o.value = 100; o.dispatchEvent(new Event('input'));");
        wait.until(d -> Boolean.TRUE.equals(js("return lipViewer.world.getItemCount() === 2")));
        js("const it = lipViewer.world.getItemAt(1); it.setOpacity(1);"
                + "lipViewer.viewport.fitBounds(it.imageToViewportRectangle(400, 300, 120, 90), true);");
        wait.until(d -> Boolean.TRUE.equals(js("const it = lipViewer.world.getItemAt(1); lipViewer.forceRedraw();"
                + "return it.getFullyLoaded() && lipViewer.viewport.getZoom(true) === lipViewer.viewport.getZoom(false)")));
        Thread.sleep(300); // one more frame drawn after the last tile arrived
        shot(name + "-full-resolution.png");
        byte[] mask = img.thresholdMask(128, false);
        int checked = 0;
        for (int y = 305; y < 385; y += 7) {
            for (int x = 405; x < 515; x += 9) {
                Object v = js("const p = lipViewer.viewport.imageToViewerElementCoordinates(new OpenSeadragon.Point("
                        + (x + 0.5) + "," + (y + 0.5) + "));const c = lipViewer.drawer.canvas;"
                        + "const r = c.width / c.clientWidth;"
                        + "const d = c.getContext('2d').getImageData(Math.floor(p.x * r), Math.floor(p.y * r), 1, 1).data;"
                        + "return [d[0], d[1], d[2], d[3]];");
                List<?> rgba = (List<?>) v;
                int expected = mask[y * img.width + x] & 0xFF;
                assertEquals(expected, ((Number) rgba.get(0)).intValue(), "red at " + x + "," + y + ": " + rgba);
                assertEquals(255, ((Number) rgba.get(3)).intValue(), "opaque at " + x + "," + y);
                checked++;
            }
        }
        assertTrue(checked > 100, "pixels checked: " + checked);
        // the result file holds the same values
        Masks.assertMaskEquals(mask, img.width, img.height, trio.resultDir.resolve(id + ".tif"), "the result file");
    }

}
