package dev.ferry.agent.docker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The host ports a runner publishes VPS sshds on. The Host fixes it at enrollment and never dials a reported
 * port outside it. Docker picks published ports from the kernel's ephemeral range unless told otherwise.
 *
 * @param min the lowest port
 * @param max the highest
 */
public record PortRange(int min, int max) {
    /** Docker's fallback when the kernel's range cannot be read (its portallocator's default). */
    private static final PortRange DOCKER_DEFAULT = new PortRange(49153, 65535);

    public PortRange {
        if (min < 1024 || max > 65535 || min > max) {
            throw new IllegalArgumentException("--port-range must be LOW-HIGH within 1024-65535, lowest first, not "
                    + min + "-" + max);
        }
    }

    /** {@code 40000-40999}. */
    public static PortRange parse(String text) {
        String s = text == null ? "" : text.strip();
        if (!s.matches("[0-9]{1,5}-[0-9]{1,5}")) {
            throw new IllegalArgumentException("--port-range must be LOW-HIGH, like 40000-40999, not '" + s + "'");
        }
        int dash = s.indexOf('-');
        return new PortRange(Integer.parseInt(s.substring(0, dash)), Integer.parseInt(s.substring(dash + 1)));
    }

    /** The range Docker publishes in when given none: this machine's ephemeral port range. */
    public static PortRange ephemeral() {
        return ephemeral(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
    }

    static PortRange ephemeral(Path file) {
        // read as a stream: /proc files report a size that Files.readString trusts and cuts the text at
        try (InputStream in = Files.newInputStream(file)) {
            String[] parts = new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip().split("\\s+");
            return new PortRange(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        } catch (IOException | RuntimeException e) {
            return DOCKER_DEFAULT;
        }
    }

    @Override
    public String toString() {
        return min + "-" + max;
    }
}
