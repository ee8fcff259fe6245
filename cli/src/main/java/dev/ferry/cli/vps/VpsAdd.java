package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.CreateVpsRequest;
import dev.ferry.api.VpsView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.HostKeyOptions;
import dev.ferry.cli.KeyOptions;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.ssh.ConnectHint;
import dev.ferry.cli.ssh.FerryKnownHosts;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry vps add}: registers a VPS whose sshd Ferry does not run. */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = "Register an external VPS (an sshd Ferry does not run) and print its id.")
public final class VpsAdd extends ClientCommand {
    @Option(names = "--endpoint", required = true, paramLabel = "HOST:PORT",
            description = "Where its sshd listens, e.g. 10.0.0.5:22 or [fd00::5]:22.")
    String endpoint;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Unique name: a letter, then up to 62 letters, digits or '-' (stored lower-case).")
    String name;

    @ArgGroup(exclusive = false, multiplicity = "1")
    KeyOptions keys;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    HostKeyOptions hostKey;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.post("/api/v1/vps", new CreateVpsRequest(name, endpoint, keys.lines(),
                hostKey == null ? null : hostKey.line()));
        if (json()) {
            printJson(node);
            return;
        }
        VpsView v = ApiClient.as(node, VpsView.class);
        out().println(v.id());
        var err = err();
        String launcher = env().launcher();
        Path key = keys.privateKeyFile();
        err.println("registered " + v.sshUser() + (v.name() == null ? "" : " (" + v.name() + ")") + " -> "
                + v.endpoint() + "; plain mode (" + ConnectHint.connect(launcher, v.id(), key, false) + " --plain) "
                + "works once its sshd trusts the user CA that '" + launcher + " ca user-key' prints");
        ConnectHint.lines(launcher, bastion(), v.id(), key, false,
                FerryKnownHosts.forBothHops(env(), api, err())).forEach(err::println);
    }
}
