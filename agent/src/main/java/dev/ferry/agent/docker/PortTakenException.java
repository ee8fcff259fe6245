package dev.ferry.agent.docker;

/**
 * A container could not start because the host port Docker picked for its sshd is held by another socket on the
 * machine ("bind: address already in use"). Docker picks host ports from a range without asking the kernel
 * whether they are free, and that range is usually the machine's ephemeral range, where every outgoing
 * connection (the bastion's own, on a Host that is also a runner) takes its local port: starting again picks the
 * next port of the range.
 */
public final class PortTakenException extends ContainerRuntimeException {
    private static final long serialVersionUID = 1L;

    public PortTakenException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Whether Docker's message says the picked host port was taken by another socket. */
    static boolean isPortTaken(String dockerMessage) {
        return dockerMessage != null && dockerMessage.contains("address already in use");
    }
}
