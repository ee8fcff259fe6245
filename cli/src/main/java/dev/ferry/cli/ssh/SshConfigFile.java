package dev.ferry.cli.ssh;

import dev.ferry.bastion.FerryException;
import dev.ferry.keys.KeyFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Ferry's section of an ssh_config file, between two marker lines: written again in place, or put first in
 * the file (where its options win over later {@code Host *} blocks; it ends with {@code Host *}, so what
 * followed stays global). Every other byte of the file stays as it was; the file as it was is copied to
 * {@code <file>.ferry-backup} before a change.
 */
public final class SshConfigFile {
    static final String BEGIN = "# >>> ferry ssh-config >>> managed by 'ferry ssh-config --write'; replaced on "
            + "every write";
    static final String END = "# <<< ferry ssh-config <<<";
    private static final String BEGIN_PREFIX = "# >>> ferry ssh-config >>>";

    /** What a write did. */
    public enum Outcome { CREATED, REPLACED, ADDED, UNCHANGED }

    private SshConfigFile() {
    }

    /** The file with Ferry's section set to {@code blocks}; returns what changed. */
    public static Outcome write(Path file, String blocks) {
        try {
            Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file;
            String section = BEGIN + "\n" + blocks + END + "\n";
            // ISO-8859-1 maps every byte to one char and back: the rest of the file stays byte-identical
            String before = Files.exists(target) ? Files.readString(target, StandardCharsets.ISO_8859_1) : null;
            String after;
            Outcome outcome;
            if (before == null) {
                after = section;
                outcome = Outcome.CREATED;
            } else {
                int begin = lineStarting(before, BEGIN_PREFIX, 0);
                int end = begin < 0 ? -1 : lineStarting(before, END, begin);
                if (begin >= 0 && end < 0) {
                    throw FerryException.invalid(file + " has Ferry's start marker but not its end marker ('" + END
                            + "'): fix the file by hand, then write again");
                }
                if (begin >= 0) {
                    int next = before.indexOf('\n', end);
                    after = before.substring(0, begin) + section + (next < 0 ? "" : before.substring(next + 1));
                    outcome = Outcome.REPLACED;
                } else {
                    after = section + before;
                    outcome = Outcome.ADDED;
                }
                if (after.equals(before)) {
                    return Outcome.UNCHANGED;
                }
                Files.copy(target, Path.of(target + ".ferry-backup"), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
            replace(target, after.getBytes(StandardCharsets.ISO_8859_1));
            return outcome;
        } catch (IOException e) {
            throw FerryException.invalid("cannot write " + file + ": " + e.getMessage());
        }
    }

    /** The offset of the first line at or after {@code from} that starts with {@code prefix}, or -1. */
    private static int lineStarting(String text, String prefix, int from) {
        int at = from;
        while (at < text.length()) {
            if (text.startsWith(prefix, at)) {
                return at;
            }
            int nl = text.indexOf('\n', at);
            if (nl < 0) {
                return -1;
            }
            at = nl + 1;
        }
        return -1;
    }

    /** Replaces the file whole (never half-written), keeping its permissions; a new one is its owner's only. */
    private static void replace(Path target, byte[] content) throws IOException {
        KeyFiles.writeAtomically(target, content, Files.exists(target, LinkOption.NOFOLLOW_LINKS)
                ? Files.getPosixFilePermissions(target) : PosixFilePermissions.fromString("rw-------"));
    }
}
