package dev.ferry.cli.ssh;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.VpsView;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry ssh-config [REF...] [--plain] [--write]}: ssh_config blocks for the VPS behind the bastion. */
@Command(name = "ssh-config", mixinStandardHelpOptions = true,
        description = {"Print ssh_config blocks for VPS (all, or those named): 'ssh web' then works, and so do scp, "
                + "sftp, rsync and VS Code Remote-SSH.",
            "--write puts them in ~/.ssh/config between marker lines (again in place on later writes; the rest of "
                + "the file is kept byte for byte, and copied to config.ferry-backup first).",
            "The blocks name ~/.ferry/known_hosts beside ~/.ssh/known_hosts; it is written here with the Host's "
                + "@cert-authority lines (ferry known-hosts), so ssh trusts the bastion and every VPS with no prompt."})
public final class SshConfigCommand extends ClientCommand {
    @Parameters(paramLabel = "VPS", arity = "0..*", description = "VPS ids or names (default: every VPS).")
    List<String> refs = new ArrayList<>();

    @Option(names = "--plain", description = "Plain mode: the bastion logs in to the VPS (default: ProxyJump).")
    boolean plain;

    @Option(names = "--write", description = "Write the blocks to ~/.ssh/config instead of printing them.")
    boolean write;

    @Override
    protected void run(ApiClient api) {
        List<VpsView> vps = new ArrayList<>();
        if (refs.isEmpty()) {
            for (JsonNode n : api.get("/api/v1/vps").path("vps")) {
                vps.add(ApiClient.as(n, VpsView.class));
            }
        } else {
            for (String ref : refs) {
                vps.add(ApiClient.as(api.get("/api/v1/vps/" + segment(ref)), VpsView.class));
            }
        }
        List<SshConfigBlocks.Entry> entries = vps.stream().map(v -> new SshConfigBlocks.Entry(v.id(), v.name(),
                GeneratedKeys.find(env(), v.id()).or(() -> SsoKey.find(env())).orElse(null))).toList();
        boolean refreshed = FerryKnownHosts.write(env(), FerryKnownHosts.fetch(api).lines());
        Path knownHosts = FerryKnownHosts.file(env());
        if (refreshed) {
            err().println("wrote " + knownHosts + ": the Host's @cert-authority lines, which "
                    + "these blocks name beside ~/.ssh/known_hosts");
        }
        String blocks = SshConfigBlocks.render(bastion(), entries, plain,
                List.of(FerryKnownHosts.userFile(env()), knownHosts));
        if (!write) {
            out().print(blocks);
            return;
        }
        Path file = env().home().resolve(".ssh").resolve("config");
        SshConfigFile.Outcome outcome = SshConfigFile.write(file, blocks);
        out().println(switch (outcome) {
            case CREATED -> "wrote " + file + " with " + vps.size() + " VPS";
            case ADDED -> "added Ferry's section (" + vps.size() + " VPS) at the top of " + file
                    + "; the file as it was is in " + file + ".ferry-backup";
            case REPLACED -> "replaced Ferry's section of " + file + " (" + vps.size() + " VPS); the file as it was "
                    + "is in " + file + ".ferry-backup";
            case UNCHANGED -> file + " is up to date (" + vps.size() + " VPS)";
        });
    }
}
