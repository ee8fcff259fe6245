package dev.ferry.api;

/**
 * An open channel of a live session.
 *
 * @param id           the channel's number on the bastion
 * @param kind         {@code shell}, {@code exec}, {@code sftp}, {@code subsystem}, {@code session} (nothing asked
 *                     yet), {@code forward} (-L, -D, -W inside the VPS), {@code jump} (ProxyJump to its sshd),
 *                     {@code remote-forward} (-R), {@code agent} or {@code x11}
 * @param detail       what it runs or reaches: the pty and its size, the command, the subsystem, a forward's target;
 *                     empty when there is nothing to say
 * @param vpsId        the VPS a ProxyJump forward reaches (the jump user's reach several); null for the others, which
 *                     are in the session's own VPS
 * @param openedAt     when it opened (ISO-8601)
 * @param bytesToVps   bytes it carried to the VPS
 * @param bytesFromVps bytes it carried back
 */
public record ChannelView(long id, String kind, String detail, String vpsId, String openedAt, long bytesToVps,
                          long bytesFromVps) {
}
