package dev.ferry.cli.ca;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.keys.VpsPrincipals;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code ferry ca user-key [--vps REF]}: the user CA public key an external VPS's sshd is to trust, or with
 * {@code --vps} every line that VPS's sshd needs for plain mode, as commands to run as root on it.
 */
@Command(name = "user-key", mixinStandardHelpOptions = true,
        description = {"Print the Host's user CA public key (one OpenSSH line).",
                "With --vps: the commands that make an external VPS's sshd take plain mode's certificates for that "
                        + "VPS (the CA key in " + VpsPrincipals.EXTERNAL_CA_FILE + ", the VPS's principal in "
                        + VpsPrincipals.FILE + ", and both lines at the top of sshd_config), to run as root on it. "
                        + "Runners set up their VPS themselves."})
public final class CaUserKey extends CaKeyCommand {
    @Override
    String keyPath() {
        return "/api/v1/ca/user-key";
    }

    @Override
    void printSetUp(ApiClient api, JsonNode node, String key) {
        JsonNode v = api.get("/api/v1/vps/" + segment(vps));
        String principal = VpsPrincipals.of(Long.parseLong(v.get("id").asText()));
        if (json()) {
            ObjectNode setup = ((ObjectNode) node.deepCopy()).put("principal", principal);
            setup.putArray("sshd_config").addAll(VpsPrincipals.externalSshdConfig().stream()
                    .map(setup::textNode).toList());
            printJson(setup);
            return;
        }
        List<String> config = VpsPrincipals.externalSshdConfig();
        out().println("# as root on the machine of " + v.get("ssh_user").asText() + ": its sshd then takes the "
                + "bastion's certificates for this VPS only");
        out().println("# (the principals file holds for every certificate this sshd trusts, from any CA)");
        out().println("printf '%s\\n' '" + key + "' > " + VpsPrincipals.EXTERNAL_CA_FILE);
        out().println("printf '%s\\n' '" + principal + "' > " + VpsPrincipals.FILE);
        // at the top: in sshd_config the first value wins, and a line after a Match block would belong to it
        out().println("sed -i -e '1i " + config.get(0) + "' -e '1i " + config.get(1) + "' /etc/ssh/sshd_config");
        out().println(RELOAD);
    }
}
