package dev.ferry.bastion.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** One plain TCP connection to the API, for what a well-behaved HTTP client never sends. */
final class RawHttp implements AutoCloseable {
    private final Socket socket = new Socket();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final long opened;

    RawHttp(InetSocketAddress api) throws IOException {
        socket.connect(api, 2000);
        opened = System.nanoTime();
    }

    /** Sends everything at once. */
    RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /**
     * Sends {@code text} one byte a second, the slowloris way, until the server closes the connection.
     *
     * @return how long after the connection opened the server closed it, or null if it never did
     */
    Duration drip(String text) throws IOException {
        socket.setSoTimeout(1000);
        for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
            try {
                socket.getOutputStream().write(b);
                socket.getOutputStream().flush();
            } catch (SocketException closed) {
                return sinceOpened();
            }
            if (closedWithin()) {
                return sinceOpened();
            }
        }
        return null;
    }

    /** Reads for up to the socket timeout; true when the server closed the connection. */
    private boolean closedWithin() throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        try {
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    return true;
                }
                received.write(buf, 0, n);
            }
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** Everything the server sends until it closes the connection (within {@code limit}). */
    String readToClose(Duration limit) throws IOException {
        socket.setSoTimeout((int) limit.toMillis());
        if (!closedWithin()) {
            throw new AssertionError("the server kept the connection open for " + limit + ", sent: " + received());
        }
        return received();
    }

    /** True when the server closes the connection within {@code limit}, having sent nothing or anything. */
    boolean closedBy(Duration limit) throws IOException {
        socket.setSoTimeout((int) limit.toMillis());
        return closedWithin();
    }

    String received() {
        return received.toString(StandardCharsets.UTF_8);
    }

    /** The JSON body of the answer received. */
    String body() {
        String r = received();
        int i = r.indexOf("\r\n\r\n");
        return i < 0 ? "" : r.substring(i + 4);
    }

    private Duration sinceOpened() {
        return Duration.ofNanos(System.nanoTime() - opened);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
