package dev.ferry.bastion.host;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.Text;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** The secrets {@code ferry host rotate} renews on every Host of a registry, each with what its rotation breaks. */
public enum Secret {
    ADMIN_TOKEN("admin-token", List.of(DataDir.ADMIN_TOKEN), "clients that send the old admin token (FERRY_TOKEN, "
            + "a token file copied elsewhere) are refused until they are given the new one; the CLI on a Host's own "
            + "machine reads the new admin.token by itself"),
    RUNNER_TOKEN("runner-token", List.of(DataDir.RUNNER_TOKEN), "runners that enroll from now on need the new "
            + "runner.token; enrolled runners keep their own credentials and notice nothing"),
    METRICS_TOKEN("metrics-token", List.of(DataDir.METRICS_TOKEN), "Prometheus must scrape with the new "
            + "metrics.token"),
    API_TLS("api-tls", List.of(ApiTls.KEY, ApiTls.CERTIFICATE), "runners and CLIs that pin the old fingerprint refuse "
            + "the Host until they are given the new one (--host-fingerprint, FERRY_HOST_FINGERPRINT); a CLI on a "
            + "Host's own machine reads it by itself");

    private final String word;
    private final List<String> files;
    private final String breaks;

    Secret(String word, List<String> files, String breaks) {
        this.word = word;
        this.files = files;
        this.breaks = breaks;
    }

    /** How the command and the API name it. */
    public String word() {
        return word;
    }

    /** Its files in the data directory (and, sealed, in a shared registry). */
    List<String> files() {
        return files;
    }

    /** What its rotation breaks: the clients to give the new one. */
    public String breaks() {
        return breaks;
    }

    /** @throws FerryException INVALID naming the secrets there are */
    public static Secret of(String word) {
        return Arrays.stream(values()).filter(s -> s.word.equals(word)).findFirst().orElseThrow(() ->
                FerryException.invalid("'" + Text.printable(word, 40) + "' is no secret the Host "
                        + "rotates; these are: " + words()));
    }

    /** The words, comma-separated. */
    public static String words() {
        return Arrays.stream(values()).map(Secret::word).collect(Collectors.joining(", "));
    }
}
