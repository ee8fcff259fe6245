package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.CreateVpsRequest;
import dev.ferry.api.VpsView;
import dev.ferry.bastion.FerryException;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.KeyOptions;
import dev.ferry.cli.Sizes;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.ssh.ConnectHint;
import dev.ferry.cli.ssh.FerryKnownHosts;
import dev.ferry.cli.ssh.GeneratedKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry vps create}: a VPS container on a runner. */
@Command(name = "create", mixinStandardHelpOptions = true,
        description = "Create a VPS on a runner from a local image and print its id.")
public final class VpsCreate extends ClientCommand {
    @Option(names = "--image", required = true, paramLabel = "IMAGE",
            description = "Image present on the runner, e.g. ferry-test/sshd:1.")
    String image;

    @Option(names = "--name", paramLabel = "NAME", description = "Unique name (a letter, then letters, digits, '-').")
    String name;

    @Option(names = "--runner", paramLabel = "NAME", description = "Runner to place it on (default: an online one with room).")
    String runner;

    @Option(names = "--cpus", paramLabel = "N", description = "CPU limit, e.g. 1 or 0.5.")
    Double cpus;

    @Option(names = "--memory", paramLabel = "SIZE", description = "Memory limit, e.g. 512M or 4G.")
    String memory;

    @Option(names = "--wait", description = "Return when the VPS is running or has failed.")
    boolean waitForIt;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
    int waitTimeout;

    @ArgGroup(exclusive = true, multiplicity = "1")
    KeySource keys;

    /** Either keys given, or one generated here. */
    static final class KeySource {
        @ArgGroup(exclusive = false)
        KeyOptions given;

        @ArgGroup(exclusive = false)
        GeneratedKey generated;
    }

    /** {@code --gen-ssh-key [--key-out FILE]}. */
    static final class GeneratedKey {
        @Option(names = "--gen-ssh-key", required = true,
                description = "Generate an ed25519 key pair: the public key is stored, the private key written once "
                        + "to --key-out (default ~/.ferry/keys/vps-<id>) and never kept.")
        boolean generate;

        @Option(names = "--key-out", paramLabel = "FILE", description = "Where --gen-ssh-key writes the private key.")
        Path keyOut;
    }

    @Override
    protected void run(ApiClient api) {
        // what the command line can get wrong is checked before a key is written: a refusal leaves no key file
        Long memoryBytes = memory == null ? null : Sizes.parse("--memory", memory);
        GeneratedKeyFile generated = keys.generated != null
                ? GeneratedKeyFile.prepare(keys.generated.keyOut, GeneratedKeys.dir(env())) : null;
        JsonNode node;
        try {
            node = api.post("/api/v1/vps", new CreateVpsRequest(name, null,
                    generated != null ? List.of(generated.publicLine()) : keys.given.lines(), image, runner,
                    cpus, memoryBytes, null));
        } catch (RuntimeException e) {
            if (generated != null) {
                generated.discard();
            }
            throw e;
        }
        VpsView v = ApiClient.as(node, VpsView.class);
        Path keyFile = generated == null ? null : generated.commit(v.id());
        var err = err();
        if (waitForIt) {
            v = VpsWait.until(api, v.id(), Duration.ofSeconds(waitTimeout), StatusProgress.of(err, onTerminal()));
        }
        if (json()) {
            printJson(v);
        } else {
            out().println(v.id());
        }
        err.println("created " + v.sshUser() + (v.name() == null ? "" : " (" + v.name() + ")") + " on runner "
                + v.runner() + ", status " + v.status()
                + (keyFile == null ? "" : "; private key written to " + keyFile));
        if ("failed".equals(v.status())) {
            throw new FerryException(FerryException.Kind.INTERNAL, v.sshUser() + " failed: " + v.lastError());
        }
        if (waitForIt && VpsWait.awaitsCertificate(v)) {
            err.println(VpsWait.certificateNote(v));
        }
        Path key = keyFile != null ? keyFile.toAbsolutePath() : keys.given.privateKeyFile();
        ConnectHint.lines(env().launcher(), bastion(), v.id(), key, keyFile != null,
                        FerryKnownHosts.forBothHops(env(), api, err))
                .forEach(err::println);
    }
}
