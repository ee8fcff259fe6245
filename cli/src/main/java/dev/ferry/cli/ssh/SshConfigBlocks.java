package dev.ferry.cli.ssh;

import java.nio.file.Path;
import java.util.List;

/**
 * ssh_config blocks for VPS behind the bastion. The OpenSSH client takes the first value it finds for an
 * option, so per-VPS blocks come before the generic {@code Host vps-*}, and the blocks end with {@code Host *}:
 * whatever follows them in a file stays global. A ProxyJump hop reads the config file too (never the command
 * line's {@code -i}), so a VPS with a generated key gets a jump alias of its own holding that key.
 */
public final class SshConfigBlocks {
    /** One VPS: its id, name (or null) and generated private key (or null). */
    public record Entry(String id, String name, Path key) {
    }

    private SshConfigBlocks() {
    }

    public static String render(Bastion bastion, List<Entry> entries, boolean plain) {
        StringBuilder b = new StringBuilder();
        b.append("# Ferry: VPS behind the bastion ").append(bastion).append(plain ? ", plain mode" : ", ProxyJump")
                .append(" (ferry ssh-config)\n");
        for (Entry e : entries) {
            if (plain) {
                plainBlock(b, bastion, e);
            } else {
                jumpBlocks(b, bastion, e);
            }
        }
        if (!plain) {
            b.append("Host vps-*\n");
            option(b, "User", SshLine.DEFAULT_LOGIN);
            option(b, "ProxyJump", bastion.jumpSpec("jump"));
        }
        b.append("Host *\n");
        return b.toString();
    }

    private static void jumpBlocks(StringBuilder b, Bastion bastion, Entry e) {
        String vps = "vps-" + e.id();
        if (e.key() == null) {
            if (e.name() == null) {
                return; // Host vps-* serves it
            }
            b.append("Host ").append(e.name()).append('\n');
            option(b, "HostName", vps);
            option(b, "User", SshLine.DEFAULT_LOGIN);
            option(b, "ProxyJump", bastion.jumpSpec(vps));
            return;
        }
        String jumpAlias = "ferry-jump-" + e.id();
        b.append("Host ").append(aliases(e)).append('\n');
        option(b, "HostName", vps);
        option(b, "User", SshLine.DEFAULT_LOGIN);
        option(b, "ProxyJump", jumpAlias);
        identity(b, e.key());
        b.append("Host ").append(jumpAlias).append('\n');
        option(b, "HostName", bastion.host());
        option(b, "Port", Integer.toString(bastion.port()));
        option(b, "User", vps);
        identity(b, e.key());
    }

    private static void plainBlock(StringBuilder b, Bastion bastion, Entry e) {
        b.append("Host ").append(aliases(e)).append('\n');
        option(b, "HostName", bastion.host());
        option(b, "Port", Integer.toString(bastion.port()));
        option(b, "User", "vps-" + e.id());
        if (e.key() != null) {
            identity(b, e.key());
        }
    }

    private static String aliases(Entry e) {
        String vps = "vps-" + e.id();
        return e.name() == null ? vps : e.name() + " " + vps + " vps-" + e.name();
    }

    private static void identity(StringBuilder b, Path key) {
        // ssh_config expands %-tokens in IdentityFile
        option(b, "IdentityFile", key.toString().replace("%", "%%"));
        option(b, "IdentitiesOnly", "yes");
    }

    private static void option(StringBuilder b, String key, String value) {
        boolean quote = value.chars().anyMatch(Character::isWhitespace);
        b.append("    ").append(key).append(' ').append(quote ? '"' + value + '"' : value).append('\n');
    }
}
