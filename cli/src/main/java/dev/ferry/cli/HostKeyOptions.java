package dev.ferry.cli;

import dev.ferry.bastion.FerryException;
import dev.ferry.keys.HostKeyLine;
import dev.ferry.keys.KeyFormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code --host-key FILE} or {@code --host-key-string LINE}: an external VPS's sshd host public key, which the
 * bastion then expects instead of recording the key it meets first. Checked here, so a bad file is named
 * before anything is sent.
 */
public final class HostKeyOptions {
    @Option(names = "--host-key", paramLabel = "FILE",
            description = "The VPS sshd's host public key file, e.g. a copy of its /etc/ssh/ssh_host_ed25519_key.pub.")
    Path file;

    @Option(names = "--host-key-string", paramLabel = "LINE",
            description = "The VPS sshd's host public key, e.g. \"ssh-ed25519 AAAA... root@vps\".")
    String string;

    /** @return the key as {@code type base64} */
    public String line() {
        if (file != null) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw FerryException.invalid("--host-key " + file + ": cannot read it (" + e.getMessage() + ")");
            }
            return parse("--host-key " + file, firstKeyLine(text));
        }
        return parse("--host-key-string", string);
    }

    private static String firstKeyLine(String text) {
        for (String line : text.split("\n")) {
            if (!line.isBlank() && !line.strip().startsWith("#")) {
                return line;
            }
        }
        return "";
    }

    private static String parse(String source, String line) {
        try {
            return HostKeyLine.normalize(line);
        } catch (KeyFormatException e) {
            throw FerryException.invalid(source + ": " + e.getMessage());
        }
    }
}
