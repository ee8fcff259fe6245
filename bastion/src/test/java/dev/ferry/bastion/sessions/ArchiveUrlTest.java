package dev.ferry.bastion.sessions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ArchiveUrlTest {
    @Test
    void amazonS3ByBucketAndPrefix() {
        ArchiveUrl url = ArchiveUrl.parse("s3://ferry-recordings/eu/bastion/?region=eu-west-1");
        assertEquals("ferry-recordings", url.bucket());
        assertEquals("eu/bastion", url.prefix());
        assertNull(url.endpoint());
        assertEquals("eu-west-1", url.region());
        assertFalse(url.pathStyle(), "Amazon S3 is addressed by virtual host");
        assertEquals("eu/bastion/2026/12/07/s1/events.jsonl.gz", url.key("2026/12/07/s1/events.jsonl.gz"));
        assertEquals("s3://ferry-recordings/eu/bastion?region=eu-west-1", url.toString());
    }

    @Test
    void anotherStoreByItsEndpointIsAddressedByPath() {
        ArchiveUrl url = ArchiveUrl.parse("s3://rec?endpoint=https://minio.example:9000");
        assertEquals(URI.create("https://minio.example:9000"), url.endpoint());
        assertEquals("", url.prefix());
        assertEquals("us-east-1", url.region());
        assertTrue(url.pathStyle());
        assertEquals("s1/x.gz", url.key("s1/x.gz"));
        assertEquals(url, ArchiveUrl.parse(url.toString()), "its text reads back as itself");
        assertFalse(ArchiveUrl.parse("s3://rec?endpoint=https://minio.example:9000&path_style=false").pathStyle());
    }

    @Test
    void whatIsNotAStoreUrlIsRefusedWithWhatIsWrong() {
        assertEquals("is not an s3://BUCKET/PREFIX URL", assertThrows(IllegalArgumentException.class,
                () -> ArchiveUrl.parse("https://bucket.example/recordings")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ArchiveUrl.parse("s3://b?secret=x"))
                .getMessage().contains("has secret, which it does not take"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ArchiveUrl.parse("s3://b?endpoint=ftp://x"))
                .getMessage().contains("endpoint that is not an http(s) URL"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ArchiveUrl.parse("s3://b?path_style=yes"))
                .getMessage().contains("true or false"));
    }
}
