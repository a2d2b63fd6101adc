package dev.lip.e2e;

import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The job page's viewer in a real browser: it grows at every zoom while the job runs and shows at DONE what a
 * reloaded page shows; a job made with its upload shows the image arriving; a scale bar and the cursor's place in
 * the input's own units.
 */
class ViewerBrowserTest extends BrowserSession {
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
     * A job made with its resumable upload (issue 27) is followable while its image arrives: its page shows how much
     * has arrived, from the upload itself.
     */
    @Test
    void theJobPageShowsTheImageArriving() throws Exception {
        SampleImage img = SampleImage.generate(200, 100, 3, 8, 14);
        Path png = dir.resolve("arriving.png");
        img.writePng(png);
        byte[] bytes = Files.readAllBytes(png);
        int half = bytes.length / 2;
        try (Trio trio = new Trio(false)) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String metadata = "filename " + java.util.Base64.getEncoder().encodeToString("arriving.png".getBytes())
                    + ",job " + java.util.Base64.getEncoder().encodeToString("tileSize=64".getBytes());
            var created = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(trio.api() + "/api/v1/uploads"))
                    .header("Tus-Resumable", "1.0.0").header("Upload-Length", Integer.toString(bytes.length))
                    .header("Upload-Metadata", metadata).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());
            String job = created.headers().firstValue("Lip-Job").orElseThrow();
            var patched = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(trio.api()
                            + created.headers().firstValue("Location").orElseThrow()))
                    .header("Tus-Resumable", "1.0.0").header("Upload-Offset", "0")
                    .header("Content-Type", "application/offset+octet-stream")
                    .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofByteArray(java.util.Arrays.copyOf(bytes, half)))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(204, patched.statusCode(), patched.body());
            driver.get(trio.api() + "/jobs/" + job);
            WebDriverWait wait = new WebDriverWait(driver, DEADLINE);
            wait.until(d -> d.findElement(By.id("progress")).getText().startsWith("Receiving the image:"));
            // through the next polls (two a second) the text stays: it used to flick back to "0 of 0 patches"
            String progress = driver.findElement(By.id("progress")).getText();
            for (long end = System.nanoTime() + 1_500_000_000L; System.nanoTime() < end; ) {
                progress = driver.findElement(By.id("progress")).getText();
                assertTrue(progress.startsWith("Receiving the image:"), progress);
            }
            assertTrue(progress.startsWith("Receiving the image:")
                    && progress.contains("(" + (100 * half / bytes.length) + " %)"), progress);
            assertEquals("RECEIVING", driver.findElement(By.tagName("body")).getDomAttribute("data-state"));
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
}
