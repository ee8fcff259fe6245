package dev.ferry.cli.ca;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.bastion.people.ClientCa;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ferry ca client-key [--vps REF]}: the client CA public key (single sign-on's certificates), or with
 * {@code --vps} the commands that let an external VPS's sshd take the certificates of the people each login user is
 * for, as a runner does for its own VPS.
 */
@Command(name = "client-key", mixinStandardHelpOptions = true,
        description = {"Print the Host's client CA public key (one OpenSSH line): it certifies the keys of people "
                + "who signed in with ferry login --sso --ssh.",
                "With --vps: the commands that make an external VPS's sshd take those certificates for the people "
                        + "each login user is for (a cert-authority line in the user's ~/.ssh/authorized_keys), to "
                        + "run as root on it, again after a grant changes. Runners set up their VPS themselves."})
public final class CaClientKey extends ClientCommand {
    @Option(names = "--vps", paramLabel = "VPS", description = "Print the set-up of this external VPS (id or name).")
    String vps;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get("/api/v1/ca/client-key");
        String key = node.get("public_key").asText();
        if (vps == null) {
            if (json()) {
                printJson(node);
            } else {
                out().println(key);
            }
            return;
        }
        JsonNode access = api.get("/api/v1/vps/" + segment(vps) + "/access");
        if (json()) {
            printJson(access.get("logins"));
            return;
        }
        String label = "vps-" + (access.path("vps_name").isTextual() ? access.get("vps_name").asText()
                : access.get("vps").asText());
        out().println("# as root on the machine of " + label + " (again after a grant changes): its sshd then takes "
                + "the SSO certificates of the people each login user is for");
        for (String line : commands(key, access.get("logins"))) {
            out().println(line);
        }
    }

    /**
     * For each login user, its old line out and its new line in: {@code cert-authority,principals="..." KEY}, the
     * key's comment ({@link ClientCa#COMMENT}) marking the line as this command's.
     */
    static List<String> commands(String key, JsonNode logins) {
        List<String> lines = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) logins::fields) {
            List<String> names = new ArrayList<>();
            e.getValue().forEach(n -> names.add(n.asText()));
            String file = "~" + e.getKey() + "/.ssh/authorized_keys";
            lines.add("install -d -m 700 -o " + e.getKey() + " ~" + e.getKey() + "/.ssh && touch " + file
                    + " && sed -i '/ " + ClientCa.COMMENT + "$/d' " + file + " && echo 'cert-authority,principals=\""
                    + String.join(",", names) + "\" " + key + "' >> " + file);
        }
        return lines;
    }
}
