package dev.ferry.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for tests, never the same one twice in a JVM: a port is free once its probe socket closes,
 * so the kernel may offer it again at the next call, and a Host given it as both its SSH and API port refuses to
 * start (seen in CI: {@code ssh_port and api_port must differ, both are 36607}).
 */
public final class FreePorts {
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    private FreePorts() {
    }

    /** A port the kernel picks (its ephemeral range). */
    public static int any() throws IOException {
        for (int tries = 0; tries < 1000; tries++) {
            try (ServerSocket s = new ServerSocket(0)) {
                if (GIVEN.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            }
        }
        throw new IOException("no free port the kernel had not offered before");
    }

    /** A port in {@code [low, high)} that nothing listens on now. */
    public static int between(int low, int high) throws IOException {
        for (int tries = 0; tries < 1000; tries++) {
            int port = low + ThreadLocalRandom.current().nextInt(high - low);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                if (GIVEN.add(port)) {
                    return port;
                }
            } catch (IOException taken) {
                // another one
            }
        }
        throw new IOException("no free port between " + low + " and " + high);
    }
}
