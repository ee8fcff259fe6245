package dev.ferry.cli.vps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.KeyView;
import dev.ferry.api.VpsView;
import dev.ferry.agent.docker.ContainerPolicy;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.Sizes;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.SshPublicKey;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ferry vps status REF}: everything about one VPS. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show one VPS in full.")
public final class VpsStatusCommand extends ClientCommand {
    @Parameters(paramLabel = "VPS", description = "VPS id or name.")
    String ref;

    @Override
    protected void run(ApiClient api) {
        JsonNode node = api.get("/api/v1/vps/" + segment(ref));
        if (json()) {
            printJson(node);
            return;
        }
        VpsView v = ApiClient.as(node, VpsView.class);
        PrintWriter out = out();
        out.println("id:        " + v.id());
        out.println("name:      " + (v.name() == null ? "-" : v.name()));
        out.println("status:    " + v.status() + (v.desired() == null || v.desired().equals(v.status()) ? ""
                : " (wanted: " + v.desired() + ")"));
        if (v.lastError() != null) {
            out.println("error:     " + v.lastError());
        }
        if (v.runner() != null) {
            out.println("runner:    " + v.runner() + (v.runnerState() == null ? "" : " (" + v.runnerState() + ")"));
            out.println("image:     " + v.image());
            out.println("limits:    " + limits(v));
        }
        out.println("endpoint:  " + (v.endpoint() == null ? "- (no SSH port published yet)" : v.endpoint()));
        out.println("ssh user:  " + v.sshUser());
        out.println("host key:  " + hostKey(v));
        out.println("policy:    recording " + v.recording() + ", forwarding " + v.forwarding());
        out.println("created:   " + v.createdAt());
        out.println("updated:   " + v.updatedAt());
        out.println("keys:      " + v.keyCount());
        for (KeyView k : v.keys()) {
            out.println("  " + k.fingerprint() + "  " + k.type() + "  " + k.comment());
        }
    }

    /**
     * What its container runs with, as its runner read it from Docker; until reported, what it was placed with
     * (none asked: the runner's defaults apply, which only its own config can change).
     */
    private static String limits(VpsView v) {
        if (v.appliedCpus() != null && v.appliedMemoryBytes() != null) {
            String defaults = v.cpus() == null && v.memoryBytes() == null ? " (its runner's defaults)"
                    : v.cpus() == null ? " (CPUs: its runner's default)"
                    : v.memoryBytes() == null ? " (memory: its runner's default)" : "";
            return (v.appliedCpus() == 0 ? "no CPU limit" : cpus(v.appliedCpus()) + " CPUs") + ", "
                    + (v.appliedMemoryBytes() == 0 ? "no memory limit" : Sizes.human(v.appliedMemoryBytes()))
                    + defaults;
        }
        return (v.cpus() == null ? "runner's default CPUs (" + cpus(ContainerPolicy.DEFAULT_CPUS)
                + " unless its default_cpus says otherwise)" : cpus(v.cpus()) + " CPUs") + ", "
                + (v.memoryBytes() == null ? "runner's default memory (" + Sizes.human(
                ContainerPolicy.DEFAULT_MEMORY_BYTES) + " unless its default_memory says otherwise)"
                : Sizes.human(v.memoryBytes()));
    }

    /** "2", "0.5". */
    private static String cpus(double cpus) {
        return cpus == Math.rint(cpus) ? Long.toString((long) cpus) : Double.toString(cpus);
    }

    /** Type and fingerprint, as {@code ssh-keygen -lf} names a key; the full line is in {@code --json}. */
    private static String hostKey(VpsView v) {
        if (v.hostKey() == null) {
            return v.runner() != null ? "- (its runner reports it once the VPS has started)"
                    : "- (recorded at the bastion's first connection, or given with ferry vps add --host-key)";
        }
        try {
            SshPublicKey k = SshPublicKey.parse(v.hostKey());
            return k.type() + " " + k.fingerprint();
        } catch (KeyFormatException e) {
            return "unreadable (" + e.getMessage() + ")";
        }
    }
}
