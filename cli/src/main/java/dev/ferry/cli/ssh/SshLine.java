package dev.ferry.cli.ssh;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code ssh} command that reaches a VPS through the bastion, as words, for {@code vps connect} to run and
 * for the CLI to print (quoted by {@link ShellWords}). With a key file, a ProxyJump hop would not get
 * {@code -i} (OpenSSH gives it to the last hop only), so the jump goes through {@code ProxyCommand}, whose
 * {@code ssh -W} is handed the key itself; both hops say {@code IdentitiesOnly=yes}.
 *
 * @param ssh     the ssh program
 * @param bastion where the bastion listens
 * @param vpsUser {@code vps-<id>}
 * @param login   the login user inside the VPS
 * @param key     the private key file, or null for the user's own identities
 */
public record SshLine(String ssh, Bastion bastion, String vpsUser, String login, Path key) {
    public static final String DEFAULT_LOGIN = "root";

    /** ProxyJump: end-to-end encrypted to the VPS's sshd; {@code extra} follows the destination. */
    public List<String> jump(List<String> extra) {
        List<String> words = new ArrayList<>(List.of(ssh));
        if (key == null) {
            words.addAll(List.of("-J", bastion.jumpSpec(vpsUser)));
        } else {
            List<String> hop = new ArrayList<>(List.of(ssh));
            hop.addAll(keyOptions());
            hop.addAll(List.of("-W", "%h:%p", "-p", Integer.toString(bastion.port()), vpsUser + "@" + bastion.host()));
            words.addAll(keyOptions());
            words.addAll(List.of("-o", "ProxyCommand=" + ShellWords.join(hop)));
        }
        words.add(login + "@" + vpsUser);
        words.addAll(extra);
        return words;
    }

    /** Plain mode: the bastion logs in to the VPS; one hop, so {@code -i} reaches it. */
    public List<String> plain(List<String> extra) {
        List<String> words = new ArrayList<>(List.of(ssh));
        if (key != null) {
            words.addAll(keyOptions());
        }
        words.addAll(List.of("-p", Integer.toString(bastion.port())));
        words.add(vpsUser + (DEFAULT_LOGIN.equals(login) ? "" : "+" + login) + "@" + bastion.host());
        words.addAll(extra);
        return words;
    }

    /** ssh expands %-tokens in -i paths (and in ProxyCommand): a '%' in the key's path must stay itself. */
    private List<String> keyOptions() {
        return List.of("-i", key.toString().replace("%", "%%"), "-o", "IdentitiesOnly=yes");
    }
}
