package io.stowage.storage.s3;

import java.net.URI;
import java.time.Duration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Where and how to reach an S3 API.
 *
 * @param endpoint the API's URL, or null for AWS S3
 * @param region the signing region
 * @param accessKey static credentials with {@code secretKey}; when null, the SDK's default provider chain
 * @param pathStyle {@code endpoint/bucket} addressing instead of virtual-hosted buckets
 */
public record S3Connection(URI endpoint, String region, String accessKey, String secretKey, boolean pathStyle) {

    /** A client with the SDK's standard retry policy (backoff on throttling, 5xx and I/O errors). */
    public S3Client client() {
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(region))
                .forcePathStyle(pathStyle)
                .credentialsProvider(credentials())
                // Streaming clients hold a connection each while they pull; the default pool of 50 is too small.
                .httpClientBuilder(Apache5HttpClient.builder()
                        .maxConnections(256)
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
                // Checksums only where S3 requires them: MinIO, Ceph RGW and older S3 clones reject the
                // aws-chunked trailing checksums the SDK sends by default. Blobs are verified by digest anyway.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /**
     * Signs URLs the way {@link #client()} signs requests (same endpoint, region, credentials and addressing),
     * so that a presigned URL names the object the client wrote. Signing is local: no request is sent.
     */
    public S3Presigner presigner() {
        S3Presigner.Builder builder = S3Presigner.builder()
                .region(Region.of(region))
                .credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    private AwsCredentialsProvider credentials() {
        if (accessKey != null && !accessKey.isBlank()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @Override
    public String toString() {
        // Never the secret key.
        return "S3Connection[endpoint=" + endpoint + ", region=" + region + ", pathStyle=" + pathStyle + "]";
    }
}
