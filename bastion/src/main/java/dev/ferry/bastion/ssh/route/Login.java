package dev.ferry.bastion.ssh.route;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.vps.VpsRef;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a bastion user name asks for (DESIGN.md, Addressing): {@code vps-<ref>} or {@code vps-<ref>+<user>}
 * picks one VPS (and the login user inside it for plain mode); {@code jump} is the generic jump user
 * that may reach every VPS holding its key. Anything else is no login at all.
 */
public sealed interface Login permits Login.ToVps, Login.Jump {
    /** The user name of the generic jump user. */
    String JUMP_USER = "jump";
    /** The login user inside the container when the name does not say. */
    String DEFAULT_VPS_USER = "root";

    /** Longest user name looked at: a 63-character name, the prefix and a 32-character user fit. */
    int MAX_LENGTH = 128;

    /**
     * {@code vps-<ref>[+<user>]}.
     *
     * @param vpsId the id of the VPS the name named when the login was admitted, or 0 before: a session stays in
     *              that VPS for its whole life, whatever is renamed meanwhile
     * @param via   what let the key in, as the live list and the audit name it ({@code VPS key}, {@code alice
     *              (grant)}), or null before it was admitted
     */
    record ToVps(VpsRef ref, String vpsUser, long vpsId, String via) implements Login {
        public ToVps(VpsRef ref, String vpsUser) {
            this(ref, vpsUser, 0, null);
        }

        /** This login, bound to the VPS its name names now, and let in by {@code via}. */
        public ToVps bound(long id, String via) {
            return new ToVps(ref, vpsUser, id, via);
        }

        /** The VPS it is bound to, or the one its name names while it is not bound yet. */
        public VpsRef target() {
            return vpsId != 0 ? VpsRef.ofId(vpsId) : ref;
        }

        @Override
        public String describe() {
            return "vps-" + ref;
        }
    }

    /**
     * The generic jump user.
     *
     * @param via what let the key in ({@code VPS key}, or its person), once admitted; null before
     */
    record Jump(String via) implements Login {
        @Override
        public String describe() {
            return JUMP_USER;
        }
    }

    /** How logs and messages name this login. */
    String describe();

    /**
     * Reads a user name. Empty for anything malformed: the caller answers it exactly as it answers a
     * wrong key, so nothing tells which names exist.
     */
    static Optional<Login> parse(String username) {
        if (username == null || username.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        if (username.equalsIgnoreCase(JUMP_USER)) {
            return Optional.of(new Jump(null));
        }
        Matcher m = Names.VPS_USER.matcher(username);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            VpsRef ref = VpsRef.parse(m.group(1));
            String user = m.group(2) == null ? DEFAULT_VPS_USER : m.group(2);
            return Optional.of(new ToVps(ref, user));
        } catch (FerryException notARef) {
            return Optional.empty();
        }
    }

    /** Name patterns, kept out of the interface's public surface. */
    final class Names {
        /** vps-, a ref (digits or a name; checked by VpsRef), optional +user (a POSIX-ish user name). */
        static final Pattern VPS_USER =
                Pattern.compile("(?i)vps-([a-z0-9-]{1,63})(?:\\+([a-z_][a-z0-9_.-]{0,31}))?");
        /** A VPS named as a ProxyJump target host. */
        static final Pattern VPS_HOST = Pattern.compile("(?i)vps-([a-z0-9-]{1,63})");

        private Names() {
        }
    }

    /** The VPS a target host name like {@code vps-123} or {@code VPS-Web} names, if it is one. */
    static Optional<VpsRef> vpsHost(String host) {
        if (host == null) {
            return Optional.empty();
        }
        Matcher m = Names.VPS_HOST.matcher(host.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(VpsRef.parse(m.group(1)));
        } catch (FerryException notARef) {
            return Optional.empty();
        }
    }
}
