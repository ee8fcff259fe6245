package dev.ferry.bastion.ssh.plain;

/** Why a channel or forward could not be bridged: the SSH reason code and the sentence the user's client prints. */
public record BridgeFailure(int code, String text) {
}
