package dev.ferry.bastion.ssh;

import dev.ferry.testing.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose connects hang as a dead machine's do: a listener whose accept queue is full, so the kernel
 * drops further SYNs and the connecting side retransmits until its own timeout.
 */
final class BlackHole implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Socket> fillers = new ArrayList<>();

    private BlackHole() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket();
                try {
                    s.connect(listener.getLocalSocketAddress(), 300);
                } catch (IOException queueFull) {
                    s.close();
                    return;
                }
                fillers.add(s);
            }
            throw new IllegalStateException("the accept queue of a backlog of 1 took 3 connections: no black hole");
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    static BlackHole open() throws IOException {
        return new BlackHole();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connects of this machine waiting for an answer from the hole (SYN_SENT), IPv4 and IPv6 sockets alike. */
    int waitingConnects() throws IOException {
        String port = String.format("%04X", port());
        int n = 0;
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : Files.readAllLines(Path.of(table))) {
                String[] f = line.strip().split("\\s+");
                if (f.length > 3 && f[2].endsWith(":" + port) && f[3].equals("02")) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Waits until exactly {@code n} connects wait for an answer from the hole. */
    void awaitWaiting(int n, Duration within) {
        Await.value(n + " connects waiting for port " + port(), within, () -> {
            try {
                return waitingConnects();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, seen -> seen == n);
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        listener.close();
    }
}
