package dev.lip.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Issue 26: an otsu job slicing with nothing processed showed 0/1692 (0:00:00 / ?); it shows the slicing. */
    @Test
    void aJobWaitingForItsStatisticsShowsItsSlicing() throws Exception {
        var waiting = JSON.readTree("{\"state\":\"SLICING\",\"patches\":{\"total\":1692,\"sliced\":600,\"processed\":0}}");
        assertEquals(new Jobs.Shown(600, 1692, "SLICING, nothing processed yet"), Jobs.shown(waiting));
        var processing = JSON.readTree("{\"state\":\"PROCESSING\",\"patches\":{\"total\":1692,\"sliced\":1692,\"processed\":40}}");
        assertEquals(new Jobs.Shown(40, 1692, "PROCESSING (sliced 1692)"), Jobs.shown(processing));
    }

    /** A job about to end is asked about often, so its result is fetched when ready; others at the given interval. */
    @Test
    void aJobAboutToEndIsPolledOften() throws Exception {
        var slicing = JSON.readTree("{\"state\":\"SLICING\",\"patches\":{\"total\":1600,\"processed\":800}}");
        assertEquals(250, Jobs.pollWait(slicing, 250));
        var lastPatches = JSON.readTree("{\"state\":\"PROCESSING\",\"patches\":{\"total\":1600,\"processed\":1530}}");
        assertEquals(50, Jobs.pollWait(lastPatches, 250));
        var stitching = JSON.readTree("{\"state\":\"STITCHING\",\"patches\":{\"total\":1600,\"processed\":1600}}");
        assertEquals(50, Jobs.pollWait(stitching, 250));
        assertEquals(20, Jobs.pollWait(stitching, 20), "never slower than asked");
        var receiving = JSON.readTree("{\"state\":\"RECEIVING\"}");
        assertEquals(250, Jobs.pollWait(receiving, 250));
    }

    /** Issue 26: the server's refusals name the client's flags, not the REST fields. */
    @Test
    void refusalsNameTheClientsFlags() {
        assertEquals("--tile-size must be a multiple of 16 between 16 and 8192, not 1000.",
                Jobs.inFlags("tileSize must be a multiple of 16 between 16 and 8192, not 1000. (HTTP 400)", null));
        assertEquals("Unknown --result-format 'png'. Valid result formats: cog, ome-tiff, tiff.",
                Jobs.inFlags("Unknown resultFormat 'png'. Valid result formats: cog, ome-tiff, tiff. (HTTP 400)", null));
        assertEquals("--overlap must be at least 0 and less than the tile size (512), not 600.",
                Jobs.inFlags("overlap must be at least 0 and less than the tile size (512), not 600. (HTTP 400)", null));
        assertEquals("--param threshold must be a whole number, not 'abc'.",
                Jobs.inFlags("threshold must be a whole number, not 'abc'. (HTTP 400)", java.util.Map.of("threshold", "abc")));
        assertEquals("There is no job with id x. (HTTP 404)", Jobs.inFlags("There is no job with id x. (HTTP 404)", null),
                "other answers are left as they are");
    }

    @Test
    void theListIsATableNewestFirstWithAges() throws Exception {
        var jobs = JSON.readTree("[{\"id\":\"a\",\"state\":\"DONE\",\"name\":\"old.png\",\"algorithm\":\"otsu\","
                + "\"image\":{\"width\":10,\"height\":20,\"format\":\"PNG\"},\"patches\":{\"total\":4,\"processed\":4},"
                + "\"createdAt\":\"2026-12-07T10:00:00Z\"},{\"id\":\"b\",\"state\":\"SLICING\",\"source\":\"s3://b/new.tif\","
                + "\"algorithm\":\"threshold\",\"patches\":{\"total\":9,\"processed\":1,\"failed\":2},"
                + "\"createdAt\":\"2026-12-07T11:59:30Z\"}]");
        StringWriter out = new StringWriter();
        Jobs.printList(new PrintWriter(out, true), jobs, Instant.parse("2026-12-07T12:00:00Z"));
        String[] lines = out.toString().split("\n");
        assertTrue(lines[0].startsWith("JOB") && lines[0].contains("AGE"), lines[0]);
        assertTrue(lines[1].startsWith("b ") && lines[1].contains("s3://b/new.tif") && lines[1].contains("1/9 !2")
                && lines[1].trim().endsWith("30 s"), lines[1]);
        assertTrue(lines[2].startsWith("a ") && lines[2].contains("old.png") && lines[2].contains("10x20 PNG")
                && lines[2].trim().endsWith("2 h"), lines[2]);
    }
}
