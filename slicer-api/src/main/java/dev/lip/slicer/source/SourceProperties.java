package dev.lip.slicer.source;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.nio.file.Path;
import java.util.List;

/**
 * Where jobs may take their image by reference instead of an upload ({@code lip.*}).
 *
 * @param sourceRoots directories whose files a job may name as {@code source=file:///...}; empty (the default): no
 *                    file is read by reference (403)
 * @param s3          object storage: credentials, region and endpoint come from the AWS SDK's standard chains
 *                    ({@code AWS_ACCESS_KEY_ID}, {@code AWS_REGION}, {@code AWS_ENDPOINT_URL}, profiles, ...)
 */
@ConfigurationProperties("lip")
public record SourceProperties(List<Path> sourceRoots, S3 s3) {

    public SourceProperties {
        sourceRoots = sourceRoots == null ? List.of() : List.copyOf(sourceRoots);
        s3 = s3 == null ? new S3(null) : s3;
    }

    /**
     * @param pathStyle path-style addressing ({@code endpoint/bucket/key}); unset: on when an endpoint is configured
     *                  (MinIO, Ceph RGW and most S3-compatible servers need it), off for AWS itself
     */
    public record S3(Boolean pathStyle) {
    }
}
