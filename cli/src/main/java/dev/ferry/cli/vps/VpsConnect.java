package dev.ferry.cli.vps;

import dev.ferry.api.VpsView;
import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.ssh.route.StatusAdvice;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.ssh.FerryKnownHosts;
import dev.ferry.cli.ssh.GeneratedKeys;
import dev.ferry.cli.ssh.SsoKey;
import dev.ferry.cli.ssh.SshLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry vps connect REF [-- ssh args...]}: runs the system ssh with everything in place. */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = {"Open an SSH session to a VPS through the bastion with the system ssh, and exit with its code.",
            "Arguments after '--' go to ssh after the destination: -- -L 8888:localhost:8888, -- -X, -- uname -a."})
public final class VpsConnect extends ClientCommand {
    @Parameters(index = "0", paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Parameters(index = "1..*", paramLabel = "SSH-ARGS", description = "Passed to ssh (after '--').")
    List<String> sshArgs = new ArrayList<>();

    @Option(names = "--user", paramLabel = "USER", defaultValue = SshLine.DEFAULT_LOGIN,
            description = "Login user inside the VPS (default: ${DEFAULT-VALUE}).")
    String user;

    @Option(names = "--key", paramLabel = "FILE",
            description = "Private key file (default: the one --gen-ssh-key wrote for this VPS, else your own "
                    + "identities).")
    Path key;

    @Option(names = "--plain", description = "Plain mode: the bastion logs in to the VPS (default: ProxyJump, "
            + "end-to-end encrypted to the VPS's sshd).")
    boolean plain;

    @Override
    protected void run(ApiClient api) {
        throw new UnsupportedOperationException("runForExit");
    }

    @Override
    protected int runForExit(ApiClient api) {
        VpsView v = ApiClient.as(api.get("/api/v1/vps/" + segment(ref)), VpsView.class);
        VpsStatus status = VpsStatus.fromWord(v.status());
        if (status != VpsStatus.RUNNING) {
            throw FerryException.conflict(StatusAdvice.sentence(status, v.sshUser(), v.id(), v.lastError(),
                    v.hostKey() != null));
        }
        if (key != null && !Files.isRegularFile(key)) {
            throw FerryException.invalid("--key " + key + ": no such file");
        }
        Path keyFile = key != null ? key.toAbsolutePath() : GeneratedKeys.find(env(), v.id())
                .or(() -> SsoKey.find(env())).orElse(null);
        String ssh = env().get("FERRY_SSH") != null ? env().get("FERRY_SSH") : "ssh";
        SshLine line = new SshLine(ssh, bastion(), v.sshUser(), user, keyFile,
                FerryKnownHosts.forBothHops(env(), api, err()));
        List<String> words = plain ? line.plain(sshArgs) : line.jump(sshArgs);
        out().flush();
        try {
            ProcessBuilder pb = new ProcessBuilder(words).inheritIO();
            pb.environment().putAll(env().vars()); // the same as the CLI's own, but for a caller that gave its own
            return pb.start().waitFor();
        } catch (IOException e) {
            throw new FerryException(FerryException.Kind.UNAVAILABLE, "cannot run " + ssh + ": " + e.getMessage()
                    + " (install openssh-client, or set FERRY_SSH to your ssh)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(FerryException.Kind.INTERNAL, "interrupted while ssh ran");
        }
    }

}
