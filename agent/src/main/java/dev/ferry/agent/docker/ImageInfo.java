package dev.ferry.agent.docker;

import java.util.List;

/**
 * What the runner needs to know of a local image.
 *
 * @param entrypoint the image's ENTRYPOINT, empty when none
 * @param cmd        the image's CMD, empty when none
 */
public record ImageInfo(List<String> entrypoint, List<String> cmd) {
    public ImageInfo {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
    }

    /**
     * Whether the image's own command can be expected to keep a container alive. No command at all, or a
     * bare shell as the CMD of base images ({@code bash}, {@code /bin/sh}: exits at once without a tty),
     * does not.
     */
    public boolean hasLongRunningCommand() {
        if (!entrypoint.isEmpty()) {
            return true;
        }
        if (cmd.isEmpty()) {
            return false;
        }
        if (cmd.size() > 1) {
            return true;
        }
        String c = cmd.get(0);
        String program = c.substring(c.lastIndexOf('/') + 1);
        return !List.of("sh", "bash", "ash", "dash", "zsh").contains(program);
    }
}
