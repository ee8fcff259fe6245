package dev.ferry.bastion.ssh;

import dev.ferry.bastion.ssh.frontdoor.FrontDoor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the SSH server needs to start.
 *
 * @param bind               address to listen on
 * @param port               port (0 picks a free one)
 * @param hostKeys           OpenSSH private key files, ed25519 first
 * @param connectTimeout     how long a dial to a VPS's sshd may take before the user is told
 * @param bannerTimeout      how long a VPS's sshd that accepted gets to greet (plain mode: and 10 s more to log in)
 * @param keepaliveInterval  how often a quiet client is asked whether it is there (0: never)
 * @param keepaliveMaxMissed how many unanswered keepalives end the session
 * @param frontDoor          login grace time, penalties, session caps
 * @param certPrincipals     the names the host certificate is valid for; empty: no certificate is served
 */
public record BastionSettings(String bind, int port, List<Path> hostKeys, Duration connectTimeout,
                              Duration bannerTimeout, Duration keepaliveInterval, int keepaliveMaxMissed,
                              FrontDoor frontDoor, List<String> certPrincipals) {
    public BastionSettings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(frontDoor, "frontDoor");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(bannerTimeout, "bannerTimeout");
        hostKeys = List.copyOf(hostKeys);
        certPrincipals = List.copyOf(certPrincipals);
        if (hostKeys.isEmpty()) {
            throw new IllegalArgumentException("the bastion needs at least one host key");
        }
    }
}
