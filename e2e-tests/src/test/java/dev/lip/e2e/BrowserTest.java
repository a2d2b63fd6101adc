package dev.lip.e2e;

import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
class BrowserTest {
    private static final Path SHOTS = Path.of("target", "browser");
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private WebDriver driver;

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

    /**
     * Issue 26: a job page opened before any patch is processed shows, at DONE and without a reload, what a freshly
     * loaded page shows: the default (zoomed-out) view's result tiles answered 404 at first, and the viewer asks for
     * them again as the job goes on (before: they stayed missing, the view black, until the page was reloaded).
     */
    @Test
    void aPageOpenedBeforeProcessingShowsTheWholeResultAtDoneWithoutAReload() throws Exception {
        SampleImage img = SampleImage.generate(3000, 2200, 3, 8, 91);
        Path png = dir.resolve("live.png");
        img.writePng(png);
        try (Trio trio = new Trio(false)) {
            String id = submit(trio, "tileSize=128&preview=true&algorithm=threshold", png);

            driver.get(trio.api() + "/jobs/" + id);
            WebDriverWait wait = new WebDriverWait(driver, DEADLINE);
            // no processor yet: the default view's result tiles are asked for and are not there
            wait.until(d -> Boolean.TRUE.equals(js("if (!window.lipViewer || lipViewer.world.getItemCount() < 2) return false;"
                    + "const m = lipViewer.world.getItemAt(1).tilesMatrix;"
                    + "return Object.values(m).some(l => Object.values(l).some(c => Object.values(c).some(t => t.exists === false)));")));
            trio.startProcessor("processor", 0, "--lip.threads=2");
            wait.until(d -> "DONE".equals(d.findElement(By.tagName("body")).getDomAttribute("data-state")));
            List<?> live = viewSamples(wait);
            shot("live-done.png");

            driver.navigate().refresh();
            wait.until(d -> "DONE".equals(d.findElement(By.tagName("body")).getDomAttribute("data-state")));
            List<?> reloaded = viewSamples(wait);
            shot("live-reloaded.png");
            long unlike = java.util.stream.IntStream.range(0, live.size())
                    .filter(i -> !live.get(i).equals(reloaded.get(i))).count();
            assertEquals(0, unlike, "the page followed to DONE shows what a reloaded page shows (samples that "
                    + "differ; screenshots in " + SHOTS + ")");

            driver.findElement(By.id("showResult")).click();
            List<?> inputOnly = viewSamples(wait);
            long differing = java.util.stream.IntStream.range(0, live.size())
                    .filter(i -> !live.get(i).equals(inputOnly.get(i))).count();
            assertTrue(differing > live.size() / 4, "the result is drawn over the input: " + differing + " of "
                    + live.size() + " samples differ without it");
        }
    }

    /**
     * Viewer basics (issue 26): a georeferenced scene (gdal_translate, UTM 33N, 2 m pixels) has a scale bar in
     * metres and the cursor's place in pixels and in map coordinates with its CRS named; the zoom buttons zoom;
     * a slide's pixel size gives a scale bar in micrometres.
     */
    @Test
    void aScaleBarAndTheCursorsPlaceInTheInputsOwnUnits() throws Exception {
        Assumptions.assumeTrue(dev.lip.formats.testing.FieldTools.installed("gdal_translate"),
                "GDAL is not installed: apt-get install gdal-bin");
        SampleImage img = SampleImage.generate(1200, 900, 3, 8, 5);
        Path png = dir.resolve("scene.png");
        img.writePng(png);
        Path geo = dir.resolve("scene.tif");
        dev.lip.formats.testing.FieldTools.run("gdal_translate", "-q", "-a_srs", "EPSG:32633", "-a_ullr", "500000",
                "4600000", "502400", "4598200", png.toString(), geo.toString());
        try (Trio trio = new Trio(true)) {
            String id = submitAndOpen(trio, geo);
            WebDriverWait wait = new WebDriverWait(driver, DEADLINE);
            wait.until(d -> d.findElement(By.id("scaleBar")).isDisplayed()
                    && d.findElement(By.cssSelector("#scaleBar span")).getText().matches("\\d+ (m|km)"));
            String label = driver.findElement(By.cssSelector("#scaleBar span")).getText();
            int barPx = driver.findElement(By.cssSelector("#scaleBar div")).getSize().getWidth();
            double metres = label.endsWith("km") ? Double.parseDouble(label.split(" ")[0]) * 1000 : Double.parseDouble(label.split(" ")[0]);
            double zoom = ((Number) js("const it = lipViewer.world.getItemAt(0);"
                    + "return it.viewportToImageZoom(lipViewer.viewport.getZoom(true));")).doubleValue();
            assertEquals(metres / 2 * zoom, barPx, 3, "the bar is as long on screen as " + label + " of 2 m pixels");

            // the cursor over image pixel (600, 450): its map coordinates are 501200 E, 4599100 N (pixel corner)
            List<?> at = (List<?>) js("const it = lipViewer.world.getItemAt(0);"
                    + "const p = it.imageToViewerElementCoordinates(new OpenSeadragon.Point(600.5, 450.5));"
                    + "return [p.x - lipViewer.container.clientWidth / 2, p.y - lipViewer.container.clientHeight / 2];");
            new org.openqa.selenium.interactions.Actions(driver).moveToElement(driver.findElement(By.id("viewer")),
                    (int) Math.round(((Number) at.get(0)).doubleValue()), (int) Math.round(((Number) at.get(1)).doubleValue())).perform();
            wait.until(d -> d.findElement(By.id("cursor")).getText().contains("EPSG:32633"));
            String cursor = driver.findElement(By.id("cursor")).getText();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("x (\\d+), y (\\d+) px · ([\\d.]+), ([\\d.]+) \\(EPSG:32633\\)")
                    .matcher(cursor);
            assertTrue(m.matches(), cursor);
            int x = Integer.parseInt(m.group(1));
            int y = Integer.parseInt(m.group(2));
            assertEquals(600, x, 3, "where the mouse went (a screen pixel is two image pixels): " + cursor);
            assertEquals(450, y, 3, cursor);
            assertEquals(500000 + 2 * x, Double.parseDouble(m.group(3)), 2.01, "easting of the pixel: " + cursor);
            assertEquals(4600000 - 2 * y, Double.parseDouble(m.group(4)), 2.01, "northing of the pixel: " + cursor);

            double before = ((Number) js("return lipViewer.viewport.getZoom(false)")).doubleValue();
            driver.findElement(By.id("zoomIn")).click();
            double after = ((Number) js("return lipViewer.viewport.getZoom(false)")).doubleValue();
            assertEquals(before * 1.5, after, before * 0.01, "the + button zooms in");
            shot("scale-bar.png");
            assertTrue(id.length() > 0);

            // a slide: ImageMagick writes 20000 pixels a centimetre (0.5 µm pixels) as the TIFF's resolution
            Assumptions.assumeTrue(new java.io.File("/usr/bin/convert").canExecute(), "ImageMagick is not installed");
            Path slide = dir.resolve("slide.tif");
            dev.lip.formats.testing.FieldTools.run("/usr/bin/convert", png.toString(), "-units", "PixelsPerCentimeter",
                    "-density", "20000", slide.toString());
            submitAndOpen(trio, slide);
            wait.until(d -> d.findElement(By.id("scaleBar")).isDisplayed()
                    && d.findElement(By.cssSelector("#scaleBar span")).getText().matches("\\d+ (µm|mm)"));
            String um = driver.findElement(By.cssSelector("#scaleBar span")).getText();
            double microns = Double.parseDouble(um.split(" ")[0]) * (um.endsWith("mm") ? 1000 : 1);
            double slideZoom = ((Number) js("const it = lipViewer.world.getItemAt(0);"
                    + "return it.viewportToImageZoom(lipViewer.viewport.getZoom(true));")).doubleValue();
            assertEquals(microns / 0.5 * slideZoom, driver.findElement(By.cssSelector("#scaleBar div")).getSize().getWidth(), 3,
                    "the bar is as long on screen as " + um + " of 0.5 µm pixels");
        }
    }

    /**
     * Submits {@code image} through the API as the page does (its result asked for at once); returns the job's id.
     */
    private static String submit(Trio trio, String query, Path image) throws Exception {
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

    /** Uploads through the API with the page's parameters, opens the job page, waits for DONE. */
    private String submitAndOpen(Trio trio, Path image) throws Exception {
        String id = submit(trio, "tileSize=256&preview=true", image);
        driver.get(trio.api() + "/jobs/" + id);
        new WebDriverWait(driver, DEADLINE).until(d -> "DONE".equals(d.findElement(By.tagName("body")).getDomAttribute("data-state")));
        return id;
    }

    /** The canvas of the default view, once every tile of both layers is in: a grid of RGBA samples. */
    private List<?> viewSamples(WebDriverWait wait) throws InterruptedException {
        wait.until(d -> Boolean.TRUE.equals(js("return !!window.lipViewer && lipViewer.world.getItemCount() === 2"
                + " && lipViewer.world.getItemAt(0).getFullyLoaded() && lipViewer.world.getItemAt(1).getFullyLoaded()"
                + " && lipViewer.viewport.getZoom(true) === lipViewer.viewport.getZoom(false)")));
        Thread.sleep(300); // one more frame drawn after the last tile arrived
        return (List<?>) js("const c = lipViewer.drawer.canvas; const g = c.getContext('2d');"
                + "const out = []; for (let y = 0; y < 24; y++) for (let x = 0; x < 32; x++) {"
                + "const d = g.getImageData(Math.floor((x + 0.5) * c.width / 32), Math.floor((y + 0.5) * c.height / 24), 1, 1).data;"
                + "out.push(d[0] + ',' + d[1] + ',' + d[2] + ',' + d[3]); } return out;");
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

    private Object js(String script) {
        return ((JavascriptExecutor) driver).executeScript(script);
    }

    private void shot(String name) throws Exception {
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
