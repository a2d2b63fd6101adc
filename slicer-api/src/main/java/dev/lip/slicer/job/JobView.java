package dev.lip.slicer.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.protocol.JobManifest;
import dev.lip.formats.tiff.Placement;

import java.time.Instant;
import java.util.Map;

/**
 * A job as the API shows it, and as it is saved in {@code temp/<job>/status.json} so that it survives a restart.
 *
 * @param jobValues job-wide values the algorithm derived from the whole image (Otsu's threshold, say)
 * @param notes     what the service decided for the user (a halo raised to what the algorithm needs, say)
 * @param stages    when each phase (upload, slicing, processing, stitching) started and ended
 * @param placement the input's GeoTIFF tags and pixel size (resolution tags, a slide's MPP), written into the result
 * @param resultFormat how the result is laid out: {@code cog}, {@code ome-tiff} or {@code tiff}
 * @param preview      whether the slicer writes a preview of the input for viewers (Deep Zoom {@code input} layer)
 * @param source       where the image was read by reference ({@code s3://bucket/key}, {@code file:///path}); none
 *                     for an upload
 * @param destination  where the finished result is also uploaded ({@code s3://bucket/key}), when asked for
 * @param resultObject the uploaded result: the object's URL and size, once it is there
 * @param name         what the client calls the job: the image's file name, as the CLI and the page send it
 * @param upload       the resumable upload bringing the image of a job made at that upload's creation, while it is
 *                     awaited (the job is RECEIVING)
 * @param submission   that job's parameters, kept until the image has arrived (a restart takes them up again)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record JobView(String id, JobState state, ImageInfo image, JobManifest.GridSpec grid, String algorithm,
                      Map<String, String> parameters, Map<String, Object> jobValues, Patches patches,
                      boolean resultRequested, Result result, String error, java.util.List<String> notes,
                      Instant createdAt, Instant updatedAt, Map<String, Stage> stages, Placement placement,
                      String resultFormat, Boolean preview, String source, String destination,
                      Result resultObject, String name, String upload, Submission submission) {

    public record Patches(int total, int sliced, int processed, int failed) {
    }

    /** {@code bytes} of the stitched file and where to download it. */
    public record Result(String url, long bytes) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Stage(Instant startedAt, Instant endedAt, Double seconds) {
    }
}
