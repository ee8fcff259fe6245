package dev.ferry.cli.ssh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * ssh_config blocks for VPS behind the bastion. The OpenSSH client takes the first value it finds for an
 * option, so per-VPS blocks come before the generic {@code Host vps-*}, and the blocks end with {@code Host *}:
 * whatever follows them in a file stays global. A ProxyJump hop reads the config file too (never the command
 * line's {@code -i}), so a VPS with a generated key gets a jump alias of its own holding that key.
 *
 * <p>Every block names the user's known_hosts and Ferry's ({@link FerryKnownHosts}), whose
 * {@code @cert-authority} lines vouch for the bastion and every VPS: {@code StrictHostKeyChecking yes} then
 * works with no prompt. The bastion's own address gets a block too, for the jump hop, which matches no alias.
 */
public final class SshConfigBlocks {
    /** One VPS: its id, name (or null) and generated private key (or null). */
    public record Entry(String id, String name, Path key) {
    }

    private SshConfigBlocks() {
    }

    /**
     * @param knownHosts the known_hosts files every block names, in the order ssh reads them (the first is the
     *                   one it adds keys to); empty: none named, ssh's defaults apply
     */
    public static String render(BastionAddress bastion, List<Entry> entries, boolean plain, List<Path> knownHosts) {
        Blocks b = new Blocks(knownHosts);
        b.text.append("# Ferry: VPS behind the bastion ").append(bastion).append(plain ? ", plain mode" : ", ProxyJump")
                .append(" (ferry ssh-config)\n");
        for (Entry e : entries) {
            if (plain) {
                plainBlock(b, bastion, e);
            } else {
                jumpBlocks(b, bastion, e);
            }
        }
        if (!plain) {
            b.host("vps-*");
            b.option("User", SshLine.DEFAULT_LOGIN);
            b.option("ProxyJump", bastion.jumpSpec("jump"));
        }
        if (!knownHosts.isEmpty()) {
            b.host(bastion.host());
        }
        b.text.append("Host *\n");
        return b.text.toString();
    }

    private static void jumpBlocks(Blocks b, BastionAddress bastion, Entry e) {
        String vps = "vps-" + e.id();
        if (e.key() == null) {
            if (e.name() == null) {
                return; // Host vps-* serves it
            }
            b.host(e.name());
            b.option("HostName", vps);
            b.option("User", SshLine.DEFAULT_LOGIN);
            b.option("ProxyJump", bastion.jumpSpec(vps));
            return;
        }
        String jumpAlias = "ferry-jump-" + e.id();
        b.host(aliases(e));
        b.option("HostName", vps);
        b.option("User", SshLine.DEFAULT_LOGIN);
        b.option("ProxyJump", jumpAlias);
        b.identity(e.key());
        b.host(jumpAlias);
        b.option("HostName", bastion.host());
        b.option("Port", Integer.toString(bastion.port()));
        b.option("User", vps);
        b.identity(e.key());
    }

    private static void plainBlock(Blocks b, BastionAddress bastion, Entry e) {
        b.host(aliases(e));
        b.option("HostName", bastion.host());
        b.option("Port", Integer.toString(bastion.port()));
        b.option("User", "vps-" + e.id());
        if (e.key() != null) {
            b.identity(e.key());
        }
    }

    private static String aliases(Entry e) {
        String vps = "vps-" + e.id();
        return e.name() == null ? vps : e.name() + " " + vps + " vps-" + e.name();
    }

    /** The text being written; each Host line ends the block before it, which gets the known_hosts line. */
    private static final class Blocks {
        final StringBuilder text = new StringBuilder();
        final List<Path> knownHosts;

        Blocks(List<Path> knownHosts) {
            this.knownHosts = knownHosts;
        }

        void host(String patterns) {
            text.append("Host ").append(patterns).append('\n');
            if (!knownHosts.isEmpty()) {
                text.append("    UserKnownHostsFile ").append(knownHostsValue(knownHosts)).append('\n');
            }
        }

        void identity(Path key) {
            option("IdentityFile", tokens(key.toString()));
            Path certificate = SsoKey.certificate(key);
            if (Files.isRegularFile(certificate)) {
                option("CertificateFile", tokens(certificate.toString()));
            }
            option("IdentitiesOnly", "yes");
        }

        void option(String key, String value) {
            text.append("    ").append(key).append(' ').append(word(value)).append('\n');
        }
    }

    /**
     * The value of {@code UserKnownHostsFile} for these files, as a config file or {@code -o} takes it: one word
     * per file, each quoted on its own (a quoted pair would be one file name).
     */
    static String knownHostsValue(List<Path> files) {
        return String.join(" ", files.stream().map(SshConfigBlocks::pathValue).toList());
    }

    /** A file's path as a value of {@code IdentityFile} or {@code UserKnownHostsFile}: tokens escaped, quoted. */
    static String pathValue(Path file) {
        return word(tokens(file.toString()));
    }

    /** ssh_config expands %-tokens in IdentityFile and UserKnownHostsFile. */
    private static String tokens(String path) {
        return path.replace("%", "%%");
    }

    private static String word(String value) {
        return value.chars().anyMatch(Character::isWhitespace) ? '"' + value + '"' : value;
    }
}
