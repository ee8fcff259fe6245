package dev.ferry.bastion.vps;

import dev.ferry.bastion.FerryException;
import java.util.Locale;

/**
 * What a VPS demands of the sessions into it ({@code ferry vps policy}): whether they must be recorded (then
 * ProxyJump, which the bastion cannot see into, is refused, as Teleport's proxy recording mode does) and which
 * forwards they may open, so that nobody tunnels around the record.
 */
public record VpsPolicy(Recording recording, Forwarding forwarding) {
    public static final VpsPolicy DEFAULT = new VpsPolicy(Recording.OPTIONAL, Forwarding.ALL);

    /** Whether sessions into the VPS must be recorded. */
    public enum Recording {
        /** Plain mode is recorded; ProxyJump is allowed and recorded as the forward it is. */
        OPTIONAL,
        /** Only plain mode, recorded; a session that can no longer be recorded ends. */
        REQUIRED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Recording fromWord(String word) {
            return switch (word == null ? "" : word.toLowerCase(Locale.ROOT)) {
                case "optional" -> OPTIONAL;
                case "required" -> REQUIRED;
                default -> throw FerryException.invalid("recording is 'optional' or 'required', not '" + word + "'");
            };
        }
    }

    /** Which port and socket forwards plain mode opens for the VPS's sessions. */
    public enum Forwarding {
        /** -L, -D, -W inside the VPS, and -R from it. */
        ALL,
        /** -L, -D, -W inside the VPS only: nothing listens on the VPS's side for the user. */
        LOCAL,
        /** None: shells, commands and sftp only (VS Code, which needs -D, does not work). */
        NONE;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Forwarding fromWord(String word) {
            return switch (word == null ? "" : word.toLowerCase(Locale.ROOT)) {
                case "all" -> ALL;
                case "local" -> LOCAL;
                case "none" -> NONE;
                default -> throw FerryException.invalid("forwarding is 'all', 'local' or 'none', not '" + word + "'");
            };
        }
    }
}
