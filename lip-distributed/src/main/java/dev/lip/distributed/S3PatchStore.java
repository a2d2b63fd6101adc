package dev.lip.distributed;

import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.transport.PatchKeys;
import dev.lip.common.transport.PatchStore;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The patch store in an S3 bucket (AWS, MinIO, Ceph RGW, s3proxy: any S3-compatible server), through the AWS SDK
 * v2: a key is an object under {@code prefix}. S3 writes an object whole or not at all, and a put replaces it, which
 * is what the contract asks; a job's objects share the prefix {@code <prefix><job>/}, so deleting a job lists and
 * deletes that prefix alone.
 */
public final class S3PatchStore implements PatchStore {
    private final S3Client s3;
    private final String bucket;
    private final String prefix;

    /** @param prefix put before every key: empty, or ending with {@code /} */
    public S3PatchStore(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix == null || prefix.isEmpty() || prefix.endsWith("/") ? (prefix == null ? "" : prefix) : prefix + "/";
    }

    private String object(String key) {
        return prefix + PatchKeys.check(key);
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
        String object = object(key);
        try {
            // the caller's array as it is (put returns once it is sent): fromBytes would copy each patch first
            s3.putObject(b -> b.bucket(bucket).key(object), RequestBody.fromContentProvider(
                    software.amazon.awssdk.http.ContentStreamProvider.fromByteArrayUnsafe(bytes), bytes.length,
                    "application/octet-stream"));
        } catch (S3Exception e) {
            throw io("cannot store " + key, e);
        }
    }

    @Override
    public Optional<byte[]> get(String key) throws IOException {
        String object = object(key);
        // read into one array of the object's length: getObjectAsBytes grows a buffer and copies it twice more,
        // 7% of a processor's CPU in the distributed mode (perf)
        try (var in = s3.getObject(b -> b.bucket(bucket).key(object))) {
            Long length = in.response().contentLength();
            if (length == null || length < 0 || length > Integer.MAX_VALUE - 8) {
                return Optional.of(in.readAllBytes());
            }
            byte[] bytes = in.readNBytes(length.intValue());
            if (bytes.length != length || in.read() != -1) {
                throw new IOException("cannot read " + key + " in object storage: " + bytes.length
                        + " bytes came where the server announced " + length);
            }
            return Optional.of(bytes);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            throw io("cannot read " + key, e);
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        String object = object(key);
        try {
            s3.headObject(b -> b.bucket(bucket).key(object));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw io("cannot look for " + key, e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        String object = object(key);
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(object));
        } catch (S3Exception e) {
            throw io("cannot delete " + key, e);
        }
    }

    @Override
    public void deleteJob(String job) throws IOException {
        if (!JobDirectory.isValidJobId(job)) {
            throw new IllegalArgumentException("not a job id: " + job);
        }
        try {
            for (var page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + job + "/"))) {
                List<ObjectIdentifier> ids = new ArrayList<>();
                for (S3Object o : page.contents()) {
                    ids.add(ObjectIdentifier.builder().key(o.key()).build());
                }
                if (!ids.isEmpty()) {
                    s3.deleteObjects(b -> b.bucket(bucket).delete(Delete.builder().objects(ids).quiet(true).build()));
                }
            }
        } catch (S3Exception e) {
            throw io("cannot delete job " + job + "'s objects", e);
        }
    }

    private static IOException io(String what, S3Exception e) {
        return new IOException(what + " in object storage: " + e.awsErrorDetails().errorMessage()
                + " (HTTP " + e.statusCode() + ")", e);
    }
}
