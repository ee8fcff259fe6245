package dev.ferry.cli.sessions;

import dev.ferry.bastion.FerryException;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry sessions export ID}: a recorded terminal as an asciicast file, or the session's events. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Write a session's recorded terminal as asciicast v2 (asciinema play FILE replays it), or its "
                + "events (commands, transfers, forwards) as JSON lines.")
public final class SessionsExport extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The session's id (s1234).")
    String id;

    @Option(names = "--channel", paramLabel = "N", description = "Which terminal, when the session had several; "
            + "default: its first.")
    Long channel;

    @Option(names = "--events", description = "The session's events instead of a terminal.")
    boolean events;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE (default: standard output).")
    Path output;

    /** Copied as it arrives: a recording of any size passes through without being held. */
    @Override
    protected void run(ApiClient api) {
        String path = events ? "/api/v1/sessions/" + segment(id) + "/events"
                : RecordedTerminal.castPath(api, segment(id), channel);
        if (output == null) {
            api.download(path, out());
            return;
        }
        // written beside it first: a refusal or a broken answer leaves no half file under the name asked for
        Path partial = output.resolveSibling(output.getFileName() + ".part");
        try {
            try (Writer file = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
                api.download(path, file);
            }
            Files.move(partial, output, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw FerryException.invalid("cannot write " + output + ": " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // what failed is said above
            }
        }
        err().println("wrote " + output);
    }
}
