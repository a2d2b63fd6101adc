package dev.lip.slicer.source;

import org.springframework.boot.context.properties.ConfigurationProperties;

import org.springframework.util.unit.DataSize;

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
        s3 = s3 == null ? new S3(null, null) : s3;
    }

    /**
     * @param pathStyle path-style addressing ({@code endpoint/bucket/key}); unset: on when an endpoint is configured
     *                  (MinIO, Ceph RGW and most S3-compatible servers need it), off for AWS itself
     * @param partSize  results larger than this are uploaded in parts of this size (16MB; S3 takes 5MB and more)
     */
    public record S3(Boolean pathStyle, DataSize partSize) {
        public S3 {
            partSize = partSize == null ? DataSize.ofMegabytes(16) : partSize;
            if (partSize.toBytes() < 1 || partSize.toBytes() > DataSize.ofGigabytes(1).toBytes()) {
                throw new IllegalArgumentException("lip.s3.part-size must be between 1B and 1GB, not " + partSize);
            }
        }
    }
}
