package dev.ferry.keys;

import java.util.List;

/**
 * How a VPS's sshd tells plain mode's certificates for it from those for every other VPS. The bastion's
 * certificate names one principal, {@code vps-<id>}, and no login user; each VPS's sshd reads its accepted
 * principals from {@link #FILE} ({@code AuthorizedPrincipalsFile}), which names only its own. A certificate the
 * bastion minted for one VPS is refused by every other sshd that trusts the user CA, whatever endpoint and host
 * key a runner reported (a runner that lies about its VPS's port cannot land a login in another VPS), and it
 * works for every login user of its own VPS ({@code vps-web+dev}) because one file serves all users.
 * The runner's start-up step writes both lines and the file; an external VPS's admin adds them by hand, as
 * {@code ferry ca user-key --vps REF} prints them.
 */
public final class VpsPrincipals {
    /** The principals file every Ferry-configured sshd reads, naming its VPS's principal. */
    public static final String FILE = "/etc/ssh/ferry_principals";
    /** Where an external VPS's admin keeps the user CA key (runners use their own file name). */
    public static final String EXTERNAL_CA_FILE = "/etc/ssh/ferry_user_ca.pub";

    private VpsPrincipals() {
    }

    /** The one principal of certificates minted for this VPS, which its principals file names. */
    public static String of(long vpsId) {
        if (vpsId <= 0) {
            throw new IllegalArgumentException("a VPS id is positive, not " + vpsId);
        }
        return "vps-" + vpsId;
    }

    /** The sshd_config lines an external VPS needs for plain mode, with the user CA key in {@link #EXTERNAL_CA_FILE}. */
    public static List<String> externalSshdConfig() {
        return List.of("TrustedUserCAKeys " + EXTERNAL_CA_FILE, "AuthorizedPrincipalsFile " + FILE);
    }
}
