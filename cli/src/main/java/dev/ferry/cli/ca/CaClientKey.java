package dev.ferry.cli.ca;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.bastion.people.Grant;
import dev.ferry.bastion.people.Person;
import dev.ferry.cli.client.ApiClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * {@code ferry ca client-key [--vps REF]}: the client CA public key (single sign-on's certificates), or with
 * {@code --vps} the commands that let an external VPS's sshd take the certificates of the people each login user is
 * for, as a runner does for its own VPS.
 */
@Command(name = "client-key", mixinStandardHelpOptions = true,
        description = {"Print the Host's client CA public key (one OpenSSH line): it certifies the keys of people "
                + "who signed in with ferry login --sso --ssh.",
                "With --vps: the commands that make an external VPS's sshd take those certificates for the people "
                        + "each login user is for (a cert-authority line per user in /etc/ssh/ferry_sso), to run as "
                        + "root on it, again after a grant changes. Runners set up their VPS themselves."})
public final class CaClientKey extends CaKeyCommand {
    /** Where an external VPS keeps the lines, one file per login user. */
    static final String DIR = "/etc/ssh/ferry_sso";
    static final String AUTHORIZED_KEYS_FILE = "AuthorizedKeysFile .ssh/authorized_keys " + DIR + "/%u";

    @Override
    String keyPath() {
        return "/api/v1/ca/client-key";
    }

    @Override
    void printSetUp(ApiClient api, JsonNode ca, String key) {
        JsonNode access = api.get("/api/v1/vps/" + segment(vps) + "/access");
        if (json()) {
            printJson(access.get("logins"));
            return;
        }
        String label = "vps-" + (access.path("vps_name").isTextual() ? access.get("vps_name").asText()
                : access.get("vps").asText());
        out().println("# as root on the machine of " + label + ", again after a grant changes: its sshd then takes the "
                + "SSO certificates of the people each login user is for");
        out().println("# (a file per user in " + DIR + ", made anew as a whole, read besides ~/.ssh/authorized_keys)");
        for (String line : commands(key, access.get("logins"))) {
            out().println(line);
        }
    }

    /**
     * The directory of per-user files made anew, then sshd told to read them: a line per login user,
     * {@code cert-authority,principals="..." KEY}. Users and names that are not such are left out (they come from
     * the Host, and the lines are run as root).
     */
    static List<String> commands(String key, JsonNode logins) {
        List<String> lines = new ArrayList<>();
        lines.add("rm -rf " + DIR + ".new && mkdir -m 755 " + DIR + ".new");
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) logins::fields) {
            List<String> names = new ArrayList<>();
            e.getValue().forEach(n -> names.add(n.asText()));
            if (!Grant.isLogin(e.getKey()) || !names.stream().allMatch(Person::isName)) {
                lines.add("# left out: a login user or person whose name is not one");
                continue;
            }
            lines.add("echo 'cert-authority,principals=\"" + String.join(",", names) + "\" " + key + "' > " + DIR
                    + ".new/" + e.getKey());
        }
        lines.add("rm -rf " + DIR + " && mv " + DIR + ".new " + DIR);
        // at the top: in sshd_config the first value wins, and a line after a Match block would belong to it
        lines.add("grep -q '^AuthorizedKeysFile .*" + DIR + "/%u' /etc/ssh/sshd_config || sed -i '1i "
                + AUTHORIZED_KEYS_FILE + "' /etc/ssh/sshd_config");
        lines.add(RELOAD);
        return lines;
    }
}
