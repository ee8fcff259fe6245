package dev.ferry.bastion.ssh;

import org.apache.sshd.common.PropertyResolver;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * How the bastion's connections use their sockets, on both ends (users' connections to the bastion and the
 * bastion's own to VPS sshds). Each connection keeps one read buffer for its whole life, waiting for the
 * next bytes: MINA's default of 32 KiB made two thirds of an idle ProxyJump session's memory (a jump holds
 * two connections). {@link #READ_BUFFER_BYTES} keeps idle sessions small; a busy one reads into a larger buffer
 * while it is busy ({@link AdaptiveReadSession}).
 */
public final class Sockets {
    /** One connection's read buffer (MINA's NIO2 default: 32 KiB). */
    public static final int READ_BUFFER_BYTES = 8 * 1024;

    private Sockets() {
    }

    public static void apply(PropertyResolver manager) {
        CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(manager, READ_BUFFER_BYTES);
        // a keystroke leaves at once
        CoreModuleProperties.TCP_NODELAY.set(manager, true);
        // half-open connections die with the OS's TCP keepalive even when SSH keepalives are off
        CoreModuleProperties.SOCKET_KEEPALIVE.set(manager, true);
    }
}
