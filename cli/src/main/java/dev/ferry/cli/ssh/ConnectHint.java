package dev.ferry.cli.ssh;

import java.nio.file.Path;
import java.util.List;

/** The connect lines printed after a VPS is created or registered: each runs as printed. */
public final class ConnectHint {
    private ConnectHint() {
    }

    /**
     * @param launcher how the user runs ferry ({@code ./ferry} from a checkout)
     * @param vpsId    the VPS's id
     * @param key        its private key file, or null for the user's own identities
     * @param generated  whether {@code key} is one {@code --gen-ssh-key} wrote, which {@code vps connect} finds by
     *                   itself; a key the user gave is named to it ({@code --key})
     * @param knownHosts the known_hosts files both hops read ({@link FerryKnownHosts#forBothHops}), or none
     */
    public static List<String> lines(String launcher, BastionAddress bastion, String vpsId, Path key,
                                     boolean generated, List<Path> knownHosts) {
        SshLine line = new SshLine("ssh", bastion, "vps-" + vpsId, SshLine.DEFAULT_LOGIN, key, knownHosts);
        return List.of("connect with: " + connect(launcher, vpsId, key, generated),
                "          or: " + ShellWords.join(line.jump(List.of())));
    }

    /** {@code ferry vps connect ID}, with {@code --key} for a key the user gave. */
    public static String connect(String launcher, String vpsId, Path key, boolean generated) {
        return launcher + " vps connect " + vpsId + (key == null || generated ? ""
                : " --key " + ShellWords.quote(key.toString()));
    }
}
