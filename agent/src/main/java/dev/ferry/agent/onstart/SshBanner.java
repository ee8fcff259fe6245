package dev.ferry.agent.onstart;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Checks that an SSH server answers on an address: its identification line starts with {@code SSH-}.
 * A TCP connect alone proves nothing here, since Docker's userland proxy accepts connections on a
 * published port even when nothing listens in the container.
 */
public final class SshBanner {
    private static final byte[] PREFIX = {'S', 'S', 'H', '-'};
    /** RFC 4253 allows other lines before the identification line, but not endlessly. */
    private static final int MAX_BYTES = 8192;

    private SshBanner() {
    }

    /**
     * @param timeout the bound for the connect, and for the banner after it
     * @return true when an identification line began within the timeout
     */
    public static boolean answers(String host, int port, Duration timeout) {
        int millis = (int) Math.max(1, timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            InputStream in = socket.getInputStream();
            long deadline = System.nanoTime() + timeout.toNanos();
            int matched = 0;
            boolean lineStart = true;
            for (int total = 0; total < MAX_BYTES && System.nanoTime() < deadline; total++) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                if (lineStart && b == PREFIX[matched]) {
                    if (++matched == PREFIX.length) {
                        return true;
                    }
                    continue;
                }
                matched = 0;
                lineStart = b == '\n';
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
