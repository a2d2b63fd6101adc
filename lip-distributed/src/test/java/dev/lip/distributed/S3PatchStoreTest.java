package dev.lip.distributed;

import dev.lip.common.transport.PatchStore;
import dev.lip.common.transport.PatchStoreContract;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** An S3 bucket as the patch store, held to the stores' contract against a real S3 server (s3proxy, in this JVM). */
class S3PatchStoreTest extends PatchStoreContract {
    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials("access", "secret").build();
    private static int buckets;

    @Override
    protected PatchStore store() {
        // the client as the services configure it, against a server that checks every request's signature
        S3Client client = Transport.configured().endpointOverride(S3.getUri()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
                .build();
        String bucket = "patches-" + ++buckets;
        client.createBucket(b -> b.bucket(bucket));
        return new S3PatchStore(client, bucket, "work/");
    }
}
