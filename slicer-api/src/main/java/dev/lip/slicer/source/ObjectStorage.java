package dev.lip.slicer.source;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadBucketRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Objects in S3 or an S3-compatible server (MinIO, Ceph RGW, ...), through the AWS SDK for Java v2 with its standard
 * configuration: credentials and region from the SDK's default chains, the endpoint from {@code AWS_ENDPOINT_URL}
 * (or {@code AWS_ENDPOINT_URL_S3}, {@code aws.endpointUrl}). Objects are streamed, never held in memory (an upload
 * holds one part). Errors are sentences naming the object and never the credentials.
 */
@Component
public class ObjectStorage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ObjectStorage.class);
    /** A read cut off mid-object is taken up again from where it stopped this many times. */
    private static final int RESUMES = 3;
    private final SourceProperties props;
    private volatile S3Client client;

    public ObjectStorage(SourceProperties props) {
        this.props = props;
    }

    /** The object's size; fails with a sentence when it is not there, not ours to read, or the server is away. */
    public long size(SourceReference.S3Object object) {
        try {
            return client().headObject(HeadObjectRequest.builder().bucket(object.bucket()).key(object.key()).build())
                    .contentLength();
        } catch (SdkException e) {
            throw explain(object, e);
        }
    }

    /**
     * Streams the object into {@code target}; a connection cut mid-object is resumed from the bytes received.
     *
     * @param expected  the object's size ({@link #size})
     * @param cancelled asked between reads: true stops the copy (returns early, the file is partial)
     * @return the bytes written
     */
    public long copy(SourceReference.S3Object object, long expected, Path target, BooleanSupplier cancelled)
            throws IOException {
        long written = 0;
        int resumes = 0;
        byte[] buffer = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(target)) {
            while (written < expected && !cancelled.getAsBoolean()) {
                GetObjectRequest.Builder get = GetObjectRequest.builder().bucket(object.bucket()).key(object.key());
                if (written > 0) {
                    get.range("bytes=" + written + "-");
                }
                try (ResponseInputStream<GetObjectResponse> in = client().getObject(get.build())) {
                    written += pump(in, out, buffer, cancelled);
                } catch (IOException | SdkClientException e) {
                    if (++resumes > RESUMES) {
                        throw new SourceException(SourceException.Kind.UNREACHABLE, "Reading " + object.uri()
                                + " stopped at " + written + " of " + expected + " bytes: " + reason(e), e);
                    }
                    log.warn("reading {} stopped at {} of {} bytes ({}); resuming", object.uri(), written, expected, reason(e));
                } catch (SdkException e) {
                    throw explain(object, e);
                }
            }
        }
        return written;
    }

    /**
     * Uploads {@code file} as the object: one request for a file of one part, else a multipart upload of
     * {@code lip.s3.part-size} parts read from the file one at a time (the SDK retries each request on transient errors;
     * an upload that fails is aborted, leaving no parts behind).
     *
     * @param cancelled asked between parts: true aborts the upload
     * @return the object's size
     */
    public long upload(SourceReference.S3Object object, Path file, BooleanSupplier cancelled) throws IOException {
        long size = Files.size(file);
        long part = props.s3().partSize().toBytes();
        try {
            if (size <= part) {
                client().putObject(PutObjectRequest.builder().bucket(object.bucket()).key(object.key())
                        .contentType("image/tiff").build(), RequestBody.fromFile(file));
                return size;
            }
            String upload = client().createMultipartUpload(CreateMultipartUploadRequest.builder()
                    .bucket(object.bucket()).key(object.key()).contentType("image/tiff").build()).uploadId();
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                List<CompletedPart> parts = new ArrayList<>();
                ByteBuffer buffer = ByteBuffer.allocate((int) part);
                for (int n = 1; (long) (n - 1) * part < size; n++) {
                    if (cancelled.getAsBoolean()) {
                        throw new IOException("the job ended during the upload");
                    }
                    buffer.clear();
                    while (buffer.hasRemaining() && in.read(buffer) > 0) {
                        // fill the part
                    }
                    buffer.flip();
                    int number = n;
                    String etag = client().uploadPart(UploadPartRequest.builder().bucket(object.bucket())
                            .key(object.key()).uploadId(upload).partNumber(number).build(),
                            RequestBody.fromByteBuffer(buffer)).eTag();
                    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                }
                client().completeMultipartUpload(CompleteMultipartUploadRequest.builder().bucket(object.bucket())
                        .key(object.key()).uploadId(upload)
                        .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build()).build());
                return size;
            } catch (IOException | RuntimeException e) {
                try {
                    client().abortMultipartUpload(AbortMultipartUploadRequest.builder().bucket(object.bucket())
                            .key(object.key()).uploadId(upload).build());
                } catch (SdkException abort) {
                    e.addSuppressed(abort);
                }
                throw e;
            }
        } catch (SdkException e) {
            throw explain(object, e);
        }
    }

    private static long pump(InputStream in, OutputStream out, byte[] buffer, BooleanSupplier cancelled) throws IOException {
        long n = 0;
        for (int r; (r = in.read(buffer)) > 0; ) {
            out.write(buffer, 0, r);
            n += r;
            if (cancelled.getAsBoolean()) {
                break;
            }
        }
        return n;
    }

    private SourceException explain(SourceReference.S3Object object, SdkException e) {
        if (e instanceof S3Exception s3) {
            int status = s3.statusCode();
            if (status == 404) {
                return new SourceException(SourceException.Kind.INVALID, bucketExists(object.bucket())
                        ? "There is no object " + object.uri() + "." : "There is no bucket '" + object.bucket() + "'.");
            }
            if (status == 403 || status == 401) {
                return new SourceException(SourceException.Kind.FORBIDDEN, "Reading " + object.uri() + " was refused ("
                        + code(s3) + "): check the credentials slicer-api runs with and the bucket's policy.");
            }
            return new SourceException(SourceException.Kind.UNREACHABLE, "The object storage answered " + status
                    + " (" + code(s3) + ") for " + object.uri() + ".");
        }
        return new SourceException(SourceException.Kind.UNREACHABLE, "The object storage at "
                + (endpoint() == null ? "AWS S3" : endpoint()) + " could not be reached for " + object.uri() + ": " + reason(e), e);
    }

    private boolean bucketExists(String bucket) {
        try {
            client().headBucket(HeadBucketRequest.builder().bucket(bucket).build());
            return true;
        } catch (S3Exception e) {
            return e.statusCode() != 404;
        } catch (SdkException e) {
            return true;
        }
    }

    private static String code(S3Exception e) {
        return e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                ? e.awsErrorDetails().errorCode() : "HTTP " + e.statusCode();
    }

    private static String reason(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        if (root instanceof java.net.UnknownHostException) {
            return "unknown host " + m;
        }
        if (m != null && m.startsWith("Unable to load credentials")) {
            // the SDK lists every provider of its chain and why each failed: not for the client
            return "no credentials were found for it (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile or a role)";
        }
        if (m == null) {
            return "the connection failed";
        }
        int detail = m.indexOf(" : [");
        m = detail > 0 ? m.substring(0, detail) : m;
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }

    /** The configured endpoint, for messages: the SDK's own variables, or AWS itself. */
    static String endpoint() {
        for (String name : new String[]{"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
            String v = System.getenv(name);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        for (String name : new String[]{"aws.endpointUrlS3", "aws.endpointUrl"}) {
            String v = System.getProperty(name);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    private static boolean blankEndpointVariable() {
        for (String name : new String[]{"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
            String v = System.getenv(name);
            if (v != null && v.isBlank()) {
                return true;
            }
        }
        return false;
    }

    private S3Client client() {
        S3Client c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = build();
                }
                c = client;
            }
        }
        return c;
    }

    private S3Client build() {
        String endpoint = endpoint();
        boolean pathStyle = props.s3().pathStyle() != null ? props.s3().pathStyle() : endpoint != null;
        Region region;
        try {
            region = new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            region = Region.US_EAST_1; // S3-compatible servers take any region; AWS redirects by bucket
        }
        if (blankEndpointVariable()) {
            // docker-compose passes AWS_ENDPOINT_URL= (empty) when none is set: that means AWS itself, not an error
            System.setProperty("aws.ignoreConfiguredEndpointUrls", "true");
        }
        log.info("object storage: {} (region {}, {} addressing)", endpoint == null ? "AWS S3" : endpoint, region,
                pathStyle ? "path-style" : "virtual-host");
        var builder = S3Client.builder();
        if (endpoint != null) {
            builder.endpointOverride(java.net.URI.create(endpoint));
        }
        return builder.region(region).forcePathStyle(pathStyle)
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)))
                .build();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
