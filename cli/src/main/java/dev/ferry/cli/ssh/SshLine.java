package dev.ferry.cli.ssh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ssh} command that reaches a VPS through the bastion, as words, for {@code vps connect} to run and
 * for the CLI to print (quoted by {@link ShellWords}). A ProxyJump hop would get neither {@code -i} nor
 * {@code -o} options (OpenSSH gives them to the last hop only), so with a key file or known_hosts files the jump
 * goes through {@code ProxyCommand}, whose {@code ssh -W} is handed them itself; both hops then say
 * {@code IdentitiesOnly=yes} and read the same known_hosts files.
 *
 * @param ssh        the ssh program
 * @param bastion    where the bastion listens
 * @param vpsUser    {@code vps-<id>}
 * @param login      the login user inside the VPS
 * @param key        the private key file, or null for the user's own identities
 * @param knownHosts the known_hosts files both hops read, the user's first (see {@link FerryKnownHosts}); empty
 *                   for ssh's own choice
 */
public record SshLine(String ssh, BastionAddress bastion, String vpsUser, String login, Path key, List<Path> knownHosts) {
    public static final String DEFAULT_LOGIN = "root";

    /** A line as printed for the user: their own known_hosts, as their ssh config says. */
    public SshLine(String ssh, BastionAddress bastion, String vpsUser, String login, Path key) {
        this(ssh, bastion, vpsUser, login, key, List.of());
    }

    public SshLine {
        knownHosts = List.copyOf(knownHosts);
    }

    /** ProxyJump: end-to-end encrypted to the VPS's sshd; {@code extra} follows the destination. */
    public List<String> jump(List<String> extra) {
        List<String> words = new ArrayList<>(List.of(ssh));
        if (key == null && knownHosts.isEmpty()) {
            words.addAll(List.of("-J", bastion.jumpSpec(vpsUser)));
        } else {
            // ssh expands %-tokens in ProxyCommand before it runs it, and the hop again in its -i and known_hosts
            // paths: their '%' is doubled once more, and only %h:%p is left for the first expansion to fill in
            List<String> hop = new ArrayList<>(List.of(ssh.replace("%", "%%")));
            hopOptions().forEach(w -> hop.add(w.replace("%", "%%")));
            hop.addAll(List.of("-W", "%h:%p", "-p", Integer.toString(bastion.port()), vpsUser + "@" + bastion.host()));
            words.addAll(hopOptions());
            words.addAll(List.of("-o", "ProxyCommand=" + ShellWords.join(hop)));
        }
        words.add(login + "@" + vpsUser);
        words.addAll(extra);
        return words;
    }

    /** Plain mode: the bastion logs in to the VPS; one hop, so {@code -i} reaches it. */
    public List<String> plain(List<String> extra) {
        List<String> words = new ArrayList<>(List.of(ssh));
        words.addAll(hopOptions());
        words.addAll(List.of("-p", Integer.toString(bastion.port())));
        words.add(vpsUser + (DEFAULT_LOGIN.equals(login) ? "" : "+" + login) + "@" + bastion.host());
        words.addAll(extra);
        return words;
    }

    /** What each hop is given: the key and the known_hosts files, when there are. */
    private List<String> hopOptions() {
        List<String> options = new ArrayList<>();
        if (key != null) {
            // ssh checks an -i path as given but opens it after expanding its %-tokens: a path with a '%' works
            // only as IdentityFile, escaped
            options.addAll(key.toString().contains("%")
                    ? List.of("-o", "IdentityFile=" + SshConfigBlocks.pathValue(key))
                    : List.of("-i", key.toString()));
            options.addAll(List.of("-o", "IdentitiesOnly=yes"));
        }
        if (!knownHosts.isEmpty()) {
            options.addAll(List.of("-o", "UserKnownHostsFile=" + SshConfigBlocks.knownHostsValue(knownHosts)));
        }
        return options;
    }
}
