package dev.ferry.api;

/** A stored public key in the control API's JSON; {@code publicKey} is the OpenSSH line. */
public record KeyView(String type, String fingerprint, String comment, String publicKey, String addedAt) {
}
