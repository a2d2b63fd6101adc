package dev.lip.slicer.job;

import dev.lip.formats.tiff.ResultLayout;

import java.util.Map;

/**
 * What a client asks for with an upload, checked before a byte of the image is read (the web layer builds it from
 * the query, {@code web.SubmissionParser}).
 *
 * @param destination where the finished result is also uploaded ({@code s3://bucket/key}), or null
 * @param name        what the client calls the job (its image's file name), or null
 */
public record Submission(String algorithm, int tileSize, int overlap, Map<String, String> algorithmParameters,
                         ResultLayout resultLayout, boolean preview, String destination, String name) {

    public Submission(String algorithm, int tileSize, int overlap, Map<String, String> algorithmParameters) {
        this(algorithm, tileSize, overlap, algorithmParameters, ResultLayout.COG, false, null, null);
    }
}
