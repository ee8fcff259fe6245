package dev.ferry.bastion.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP load balancer for the tests, as HAProxy's {@code send-proxy} (v1) or {@code send-proxy-v2} does it: it
 * accepts on a loopback port, connects to the backend from its own address, writes a PROXY header naming the client
 * it is told to name, and copies bytes both ways.
 */
public final class ProxyBalancer implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> sockets = new ArrayList<>();
    private volatile boolean closed;

    /**
     * @param from    the address it connects to the backend from
     * @param backend where it forwards
     * @param header  what it writes first on each backend connection (empty: nothing)
     */
    public ProxyBalancer(InetAddress from, InetSocketAddress backend, byte[] header) throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(() -> {
            while (!closed) {
                try {
                    Socket client = listener.accept();
                    Socket server = new Socket();
                    server.bind(new InetSocketAddress(from, 0));
                    server.connect(backend, 5000);
                    synchronized (sockets) {
                        sockets.add(client);
                        sockets.add(server);
                    }
                    server.getOutputStream().write(header);
                    pipe(client.getInputStream(), server.getOutputStream(), server);
                    pipe(server.getInputStream(), client.getOutputStream(), client);
                } catch (IOException e) {
                    if (!closed) {
                        e.printStackTrace();
                    }
                }
            }
        }, "proxy-balancer");
        accept.setDaemon(true);
        accept.start();
    }

    /** A v1 line naming {@code client} as the source, the backend as destination. */
    public static byte[] v1(String client, int clientPort) {
        return ("PROXY TCP4 " + client + " 127.0.0.1 " + clientPort + " 2222\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A v2 header naming {@code client} (IPv4) as the source. */
    public static byte[] v2(String client, int clientPort) throws Exception {
        return v2(1, 0x11, tcp4(client, clientPort, "127.0.0.1", 2222));
    }

    /** A v2 header: signature, version 2 and {@code command}, {@code family}, the address block. */
    public static byte[] v2(int command, int family, byte[] addresses) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        out.write(0x20 | command);
        out.write(family);
        out.write(addresses.length >> 8);
        out.write(addresses.length & 0xff);
        out.writeBytes(addresses);
        return out.toByteArray();
    }

    /** A v2 address block for TCP over IPv4. */
    public static byte[] tcp4(String source, int sourcePort, String destination, int destinationPort)
            throws Exception {
        java.io.ByteArrayOutputStream a = new java.io.ByteArrayOutputStream();
        a.writeBytes(InetAddress.getByName(source).getAddress());
        a.writeBytes(InetAddress.getByName(destination).getAddress());
        a.write(sourcePort >> 8);
        a.write(sourcePort & 0xff);
        a.write(destinationPort >> 8);
        a.write(destinationPort & 0xff);
        return a.toByteArray();
    }

    public int port() {
        return listener.getLocalPort();
    }

    private static void pipe(InputStream in, OutputStream out, Socket toClose) {
        Thread t = new Thread(() -> {
            try (toClose) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // one side closed
            }
        }, "proxy-balancer-pipe");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
