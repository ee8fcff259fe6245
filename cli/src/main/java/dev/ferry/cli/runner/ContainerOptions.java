package dev.ferry.cli.runner;

import dev.ferry.agent.docker.ContainerPolicy;
import dev.ferry.cli.Sizes;
import dev.ferry.cli.config.ConfigFile;
import static dev.ferry.cli.config.Settings.pick;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The options of {@code ferry runner} that loosen or tighten how VPS containers are confined, over
 * config.toml {@code [runner.containers]}, over {@link ContainerPolicy}'s defaults (which say what each means).
 */
public final class ContainerOptions {
    @Option(names = "--cap-add", paramLabel = "CAP", description = "A capability VPS containers get on top of "
            + "Ferry's reduced set, for images that need it, e.g. NET_RAW for ping (repeatable; default: [runner."
            + "containers] cap_add, else none).")
    List<String> capAdd;

    @Option(names = "--pids-limit", paramLabel = "N", description = "Processes and threads per VPS container "
            + "(default: [runner.containers] pids_limit, else " + ContainerPolicy.DEFAULT_PIDS_LIMIT + ").")
    Long pidsLimit;

    @Option(names = "--default-cpus", paramLabel = "CPUS", description = "CPU limit of a VPS created without one; "
            + "0 for none (default: [runner.containers] default_cpus, else " + ContainerPolicy.DEFAULT_CPUS + ").")
    Double defaultCpus;

    @Option(names = "--default-memory", paramLabel = "SIZE", description = "Memory limit of a VPS created without "
            + "one, e.g. 4G; 0 for none (default: [runner.containers] default_memory, else 2G).")
    String defaultMemory;

    @Option(names = "--allow-new-privileges", description = "Let setuid programs such as sudo and su gain "
            + "privileges in VPS containers (default: [runner.containers] allow_new_privileges, else no).")
    Boolean allowNewPrivileges;

    @Option(names = "--step-timeout", paramLabel = "SECONDS", description = "How long Ferry's start-up step may "
            + "run in a VPS container before it is abandoned (default: [runner.containers] step_timeout_seconds, "
            + "else 60).")
    Integer stepTimeout;

    /** The container policy these options describe, over the config file's section. */
    ContainerPolicy policy(ConfigFile.ContainersSection file) {
        Set<String> caps = new HashSet<>(pick(capAdd, file.capAdd(), List.of()));
        String memory = pick(defaultMemory, file.defaultMemory(), null);
        Integer step = pick(stepTimeout, file.stepTimeoutSeconds(), null);
        return new ContainerPolicy(caps, pick(pidsLimit, file.pidsLimit(), null),
                pick(defaultCpus, file.defaultCpus(), null),
                memory == null ? null : Sizes.parse("--default-memory", memory),
                pick(allowNewPrivileges, file.allowNewPrivileges(), false),
                step == null ? null : Duration.ofSeconds(step));
    }
}
