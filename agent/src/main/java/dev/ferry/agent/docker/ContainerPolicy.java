package dev.ferry.agent.docker;

import com.github.dockerjava.api.model.Capability;

import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the runner confines every VPS container it makes: tenants are root in their containers and may be
 * hostile. Checked once here; every error names the option ({@code ferry runner} flag, config.toml
 * {@code [runner]} key).
 *
 * <p>What is not an option: containers join the {@value #NETWORK} bridge network, which the runner creates
 * with inter-container traffic off, so a VPS reaches another VPS's sshd only through the bastion; they
 * keep only the capabilities in {@link #BASE_CAPABILITIES}.
 *
 * @param capAdd             {@code --cap-add CAP} (repeatable), {@code cap_add = ["NET_RAW"]}: capabilities added
 *                           to {@link #BASE_CAPABILITIES} for images that need more (names as in
 *                           {@code docker run --cap-add}, with or without {@code CAP_}); null means none
 * @param pidsLimit          {@code --pids-limit N}, {@code pids_limit}: processes and threads per container, so a
 *                           fork bomb stays in its VPS; null means {@value #DEFAULT_PIDS_LIMIT}
 * @param defaultCpus        {@code --default-cpus}, {@code default_cpus}: CPU limit of a VPS placed without one;
 *                           0 means no limit; null means {@value #DEFAULT_CPUS}
 * @param defaultMemoryBytes {@code --default-memory}, {@code default_memory}: memory limit of a VPS placed
 *                           without one; 0 means no limit; null means {@link #DEFAULT_MEMORY_BYTES}
 * @param newPrivileges      {@code --allow-new-privileges}, {@code allow_new_privileges}: lets setuid programs
 *                           (sudo, su) gain privileges in the container; false (the default) sets
 *                           {@code no-new-privileges}
 * @param stepTimeout        {@code --step-timeout SECONDS}, {@code step_timeout_seconds}: how long Ferry's
 *                           start-up step may run in a container before it is abandoned and the VPS's error says
 *                           so; null means {@link #DEFAULT_STEP_TIMEOUT}
 */
public record ContainerPolicy(Set<String> capAdd, Long pidsLimit, Double defaultCpus, Long defaultMemoryBytes,
                              boolean newPrivileges, Duration stepTimeout) {
    /** The bridge network of VPS containers, created with {@code enable_icc=false} when missing. */
    public static final String NETWORK = "ferry";
    /**
     * What sshd and a root login shell need: file ownership and modes (CHOWN, DAC_OVERRIDE, FOWNER, FSETID),
     * signals to the session's processes (KILL), privilege separation and switching to the login user (SETUID,
     * SETGID, SYS_CHROOT), port 22 (NET_BIND_SERVICE) and sshd's login records (AUDIT_WRITE). Docker's default
     * set adds NET_RAW (raw sockets: spoofing on the network), MKNOD, SETFCAP and SETPCAP.
     */
    public static final Set<String> BASE_CAPABILITIES = Set.of("CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL",
            "SETGID", "SETUID", "NET_BIND_SERVICE", "SYS_CHROOT", "AUDIT_WRITE");
    /**
     * Threads count too: a VS Code or JetBrains server with a language server and a parallel build stays far
     * below it, a fork bomb reaches it in well under a second and then only fails to fork.
     */
    public static final long DEFAULT_PIDS_LIMIT = 2048;
    public static final double DEFAULT_CPUS = 2;
    public static final long DEFAULT_MEMORY_BYTES = 2L << 30;
    /** Generating host keys takes a second or two; a VPS that needs longer is in trouble anyway. */
    public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofSeconds(60);
    /** Every default. */
    public static final ContainerPolicy DEFAULTS = new ContainerPolicy(null, null, null, null, false, null);

    public ContainerPolicy {
        Set<String> caps = new TreeSet<>();
        for (String c : capAdd == null ? Set.<String>of() : capAdd) {
            caps.add(capability(c));
        }
        capAdd = Set.copyOf(caps);
        pidsLimit = pidsLimit == null ? DEFAULT_PIDS_LIMIT : pidsLimit;
        if (pidsLimit < 16 || pidsLimit > 4_194_304) {
            throw new IllegalArgumentException("--pids-limit must be between 16 and 4194304 (processes and threads "
                    + "per VPS container), not " + pidsLimit);
        }
        defaultCpus = defaultCpus == null ? DEFAULT_CPUS : defaultCpus;
        if (!(defaultCpus == 0 || defaultCpus >= 0.01 && defaultCpus <= 1024)) {
            throw new IllegalArgumentException("--default-cpus must be 0 (no limit) or between 0.01 and 1024, not "
                    + defaultCpus);
        }
        defaultMemoryBytes = defaultMemoryBytes == null ? DEFAULT_MEMORY_BYTES : defaultMemoryBytes;
        if (defaultMemoryBytes != 0 && defaultMemoryBytes < 6L << 20) {
            throw new IllegalArgumentException("--default-memory must be 0 (no limit) or at least 6M (Docker's "
                    + "minimum), not " + defaultMemoryBytes + " bytes");
        }
        stepTimeout = stepTimeout == null ? DEFAULT_STEP_TIMEOUT : stepTimeout;
        if (stepTimeout.toMillis() < 100 || stepTimeout.compareTo(Duration.ofMinutes(30)) > 0) {
            throw new IllegalArgumentException("--step-timeout must be between 0.1 s and 30 minutes, not "
                    + stepTimeout.toMillis() + " ms");
        }
    }

    /** @return the capabilities a VPS container keeps: the base set and the added ones */
    public Set<String> capabilities() {
        Set<String> all = new TreeSet<>(BASE_CAPABILITIES);
        all.addAll(capAdd);
        return all;
    }

    /** @return the CPU limit of a VPS in units of 10^-9 CPUs: its own, else the default; null for none */
    public Long nanoCpus(Double placed) {
        double cpus = placed != null ? placed : defaultCpus;
        return cpus > 0 ? Math.round(cpus * 1e9) : null;
    }

    /** @return the memory limit of a VPS: its own, else the default; null for none */
    public Long memoryBytes(Long placed) {
        long bytes = placed != null ? placed : defaultMemoryBytes;
        return bytes > 0 ? bytes : null;
    }

    private static String capability(String name) {
        String n = name == null ? "" : name.strip().toUpperCase(Locale.ROOT).replaceFirst("^CAP_", "");
        try {
            if (!n.equals("ALL")) {
                return Capability.valueOf(n).name();
            }
        } catch (IllegalArgumentException e) {
            // named below
        }
        throw new IllegalArgumentException("--cap-add takes one Linux capability such as NET_RAW or SYS_PTRACE "
                + "(see man 7 capabilities), not '" + name + "'");
    }
}
