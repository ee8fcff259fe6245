package dev.ferry.cli.ca;

import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.ssh.FerryKnownHosts;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry known-hosts}: the known_hosts lines that trust the bastion and every VPS without a prompt. */
@Command(name = "known-hosts", mixinStandardHelpOptions = true,
        description = {"Print the @cert-authority lines for known_hosts: one for the bastion's names, one for vps-*; "
                + "then the host key of each external VPS whose key the Host knows.",
                "With them in ~/.ssh/known_hosts (ferry known-hosts >> ~/.ssh/known_hosts), ssh trusts the bastion "
                        + "and every VPS with StrictHostKeyChecking yes and never asks about a host key.",
                "--write puts them in ~/.ferry/known_hosts instead, the file the blocks of ferry ssh-config name."})
public final class KnownHostsCommand extends ClientCommand {
    @Option(names = "--write", description = "Write the lines to ~/.ferry/known_hosts instead of printing them.")
    boolean write;

    @Override
    protected void run(ApiClient api) {
        FerryKnownHosts.Lines known = FerryKnownHosts.fetch(api);
        List<String> lines = known.lines();
        if (write) {
            Path file = FerryKnownHosts.file(env());
            out().println((FerryKnownHosts.write(env(), lines) ? "wrote " : "up to date: ") + file
                    + "; ssh reads it where a config names it: UserKnownHostsFile ~/.ssh/known_hosts " + file);
            return;
        }
        if (json()) {
            printJson(known.answer());
            return;
        }
        lines.forEach(out()::println);
    }
}
