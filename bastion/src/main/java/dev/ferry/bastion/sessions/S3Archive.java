package dev.ferry.bastion.sessions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Recordings in a bucket of an S3-compatible store, through the AWS SDK over the JDK's HTTP client. Credentials come
 * from the SDK's default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE and ~/.aws, an instance's
 * role). Checksums beyond the signature are asked only where the API requires them: several S3-compatible stores
 * refuse the SDK's newer trailing checksums, and each recording's SHA-256 is kept in the registry anyway.
 */
public final class S3Archive implements RecordingArchive {
    private final ArchiveUrl url;
    private final S3Client s3;

    public S3Archive(ArchiveUrl url) {
        this.url = url;
        var builder = S3Client.builder()
                .region(Region.of(url.region()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .forcePathStyle(url.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)));
        if (url.endpoint() != null) {
            builder.endpointOverride(url.endpoint());
        }
        this.s3 = builder.build();
    }

    @Override
    public void put(String name, Path file) throws IOException {
        try {
            s3.putObject(b -> b.bucket(url.bucket()).key(url.key(name)).contentType("application/gzip"),
                    RequestBody.fromFile(file));
        } catch (SdkException e) {
            throw new IOException("cannot store " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String name) throws IOException {
        try {
            return s3.getObject(b -> b.bucket(url.bucket()).key(url.key(name)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(url + ": no object " + url.key(name));
        } catch (SdkException e) {
            throw new IOException(url + ": cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void delete(String name) throws IOException {
        try {
            s3.deleteObject(b -> b.bucket(url.bucket()).key(url.key(name)));
        } catch (SdkException e) {
            throw new IOException("cannot delete " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String check() {
        try {
            s3.headBucket(b -> b.bucket(url.bucket()));
            return null;
        } catch (SdkException e) {
            return url + " does not answer as a bucket: " + e.getMessage();
        }
    }

    @Override
    public String toString() {
        return url.toString();
    }

    @Override
    public void close() {
        s3.close();
    }
}
