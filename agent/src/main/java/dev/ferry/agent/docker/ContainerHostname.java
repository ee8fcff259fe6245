package dev.ferry.agent.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Gives a running container another host name, which Docker cannot do: its API fixes the name at create. The
 * kernel's name is set from the runner's side ({@code nsenter} into the container's UTS namespace only, running
 * the runner machine's own {@code hostname}, so that no program of the tenant ever runs with the power to do
 * it), and the {@code /etc/hostname} and {@code /etc/hosts} Docker bind-mounts into the container are
 * rewritten in place on the runner's disk. Docker writes both again at each start, from the name given at
 * create, so the runner does this after every start of a renamed VPS.
 *
 * <p>Works where the runner runs beside its engine as root (the files and the process are on this machine);
 * elsewhere it says why it cannot.
 */
final class ContainerHostname {
    /** A name as Ferry gives it: the VPS's name or {@code vps-<id>}, a DNS label. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    /** The tenant can write both files from inside: more than this is not a file Docker wrote. */
    private static final int MAX_FILE = 64 * 1024;
    private static final long NSENTER_SECONDS = 10;

    private ContainerHostname() {
    }

    /**
     * @param pid       the container's first process, as the engine reports it
     * @param nameFile  the runner-side file mounted as the container's /etc/hostname
     * @param hostsFile the runner-side file mounted as the container's /etc/hosts, or null
     * @return whether it changed anything: not when its /etc/hostname names it so already
     * @throws ContainerRuntimeException saying why when it cannot be done here
     */
    static boolean set(long pid, String newName, Path nameFile, Path hostsFile) {
        if (!NAME.matcher(newName).matches()) {
            throw new IllegalArgumentException("not a host name Ferry gives: " + newName);
        }
        Path uts = Path.of("/proc", Long.toString(pid), "ns", "uts");
        if (pid <= 0 || nameFile == null || !Files.exists(uts, LinkOption.NOFOLLOW_LINKS)
                || !Files.exists(nameFile, LinkOption.NOFOLLOW_LINKS)) {
            throw new ContainerRuntimeException("its process " + pid + " and its /etc/hostname are not on this "
                    + "machine (the runner does not run beside its Docker engine)");
        }
        String oldName = read(nameFile).strip();
        if (oldName.equals(newName)) {
            return false;
        }
        nsenter(pid, newName);
        write(nameFile, newName + "\n");
        if (hostsFile != null && NAME.matcher(oldName).matches()) {
            write(hostsFile, renamedHosts(read(hostsFile), oldName, newName));
        }
        return true;
    }

    /** The hosts file with {@code oldName} as a name on any line replaced by {@code newName}; comments kept. */
    static String renamedHosts(String hosts, String oldName, String newName) {
        StringBuilder out = new StringBuilder(hosts.length() + 64);
        for (String line : hosts.split("\n", -1)) {
            if (line.stripLeading().startsWith("#")) {
                out.append(line);
            } else {
                List<String> parts = new ArrayList<>(List.of(line.split("(?<=\\s)|(?=\\s)")));
                parts.replaceAll(p -> p.equals(oldName) ? newName : p);
                parts.forEach(out::append);
            }
            out.append('\n');
        }
        return out.substring(0, out.length() - 1);
    }

    private static void nsenter(long pid, String name) {
        ProcessBuilder pb = new ProcessBuilder("nsenter", "--target", Long.toString(pid), "--uts", "hostname", name)
                .redirectErrorStream(true);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(4096);
            if (!p.waitFor(NSENTER_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new ContainerRuntimeException("nsenter did not end within " + NSENTER_SECONDS + " s");
            }
            if (p.exitValue() != 0) {
                throw new ContainerRuntimeException("nsenter into its host name namespace failed (exit "
                        + p.exitValue() + "): " + new String(out, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new ContainerRuntimeException("cannot run nsenter (util-linux): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContainerRuntimeException("interrupted while setting its host name", e);
        }
    }

    private static String read(Path file) {
        try {
            if (Files.isSymbolicLink(file) || Files.size(file) > MAX_FILE) {
                throw new ContainerRuntimeException(file + " is not the file Docker wrote (a link, or over "
                        + MAX_FILE + " bytes)");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ContainerRuntimeException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** In place (the same inode): a new file moved over it would not be the one mounted in the container. */
    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new ContainerRuntimeException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
