package dev.ferry.bastion;

import dev.ferry.testing.Await;
import dev.ferry.testing.FreePorts;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * S3Proxy, a real S3-compatible server (signatures checked), on a loopback port, its buckets directories under
 * {@code dir}; a process of its own, from the classpath the {@code test-s3} module writes when it is built.
 * {@link #stop} and {@link #start} again keep port and contents: a store that goes away and comes back.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String IDENTITY = "ferry-test";
    public static final String CREDENTIAL = "ferry-test-secret";
    private static final Path CLASSPATH = Path.of("..", "test-s3", "target", "classpath.txt");

    private final Path dir;
    private final int port;
    private Process process;

    private S3ProxyServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts a server whose buckets {@code buckets} exist (empty). */
    public static S3ProxyServer start(Path dir, String... buckets) throws IOException {
        for (String bucket : buckets) {
            Files.createDirectories(dir.resolve("data").resolve(bucket));
        }
        S3ProxyServer server = new S3ProxyServer(dir, FreePorts.any());
        server.start();
        return server;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Where object {@code key} of {@code bucket} is kept (S3Proxy's file system store: keys are paths). */
    public Path object(String bucket, String key) {
        return dir.resolve("data").resolve(bucket).resolve(key);
    }

    public synchronized void start() throws IOException {
        if (!Files.exists(CLASSPATH)) {
            throw new IllegalStateException(CLASSPATH.toAbsolutePath().normalize() + " is missing: build the test-s3 "
                    + "module first (./ferry test does; or mvn -Ps3proxy -pl test-s3 install)");
        }
        Path properties = Files.write(dir.resolve("s3proxy.properties"), List.of(
                "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + IDENTITY,
                "s3proxy.credential=" + CREDENTIAL,
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + dir.resolve("data")));
        Path logback = Files.writeString(dir.resolve("logback.xml"), "<configuration><appender name=\"f\" "
                + "class=\"ch.qos.logback.core.FileAppender\"><file>" + dir.resolve("s3proxy.log") + "</file>"
                + "<encoder><pattern>%d %level %logger - %msg%n</pattern></encoder></appender>"
                + "<root level=\"INFO\"><appender-ref ref=\"f\"/></root></configuration>");
        process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dlogback.configurationFile=" + logback, "-cp", Files.readString(CLASSPATH).strip(),
                "org.gaul.s3proxy.Main", "--properties", properties.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.out").toFile()).start();
        Await.until("S3Proxy listening on " + endpoint(), Duration.ofSeconds(60), () -> {
            if (!process.isAlive()) {
                throw new AssertionError("S3Proxy ended: " + read(dir.resolve("s3proxy.out")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    /** Stops the server; its objects stay for the next {@link #start}. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
