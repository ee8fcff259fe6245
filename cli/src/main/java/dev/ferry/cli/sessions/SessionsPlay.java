package dev.ferry.cli.sessions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.bastion.FerryException;
import dev.ferry.cli.ClientCommand;
import dev.ferry.cli.client.ApiClient;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ferry sessions play ID}: a recorded terminal replayed in this one, at its own pace. */
@Command(name = "play", mixinStandardHelpOptions = true,
        description = "Replay a session's recorded terminal here, as its user saw it.")
public final class SessionsPlay extends ClientCommand {
    @Parameters(paramLabel = "ID", description = "The session's id (s1234).")
    String id;

    @Option(names = "--channel", paramLabel = "N", description = "Which terminal, when the session had several "
            + "(ferry sessions export ID --events lists them); default: its first.")
    Long channel;

    @Option(names = "--speed", paramLabel = "N", defaultValue = "1", description = "Play N times as fast (default 1).")
    double speed;

    @Option(names = "--idle-limit", paramLabel = "SECONDS", description = "Shorten every pause to at most this.")
    Double idleLimit;

    @Override
    protected void run(ApiClient api) {
        if (!(speed > 0) || idleLimit != null && !(idleLimit >= 0)) {
            throw FerryException.invalid("--speed must be above 0 and --idle-limit 0 or more");
        }
        String cast = RecordedTerminal.cast(api, segment(id), channel);
        PrintWriter out = out();
        double last = 0;
        for (String line : cast.split("\n")) {
            JsonNode event = RecordedTerminal.event(line);
            if (event == null) {
                continue; // the header
            }
            double t = event.get(0).asDouble();
            if (!event.get(1).asText().equals("o")) {
                continue;
            }
            double pause = (t - last) / speed;
            last = t;
            if (idleLimit != null) {
                pause = Math.min(pause, idleLimit);
            }
            out.flush();
            sleep(pause);
            out.print(event.get(2).asText());
        }
        out.flush();
    }


    private static void sleep(double seconds) {
        if (seconds <= 0) {
            return;
        }
        try {
            Thread.sleep((long) (seconds * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
