package dev.ferry.protocol;

/**
 * Whether the runner's Docker engine answers, as sent in registrations and heartbeats.
 *
 * @param ok      the engine answered this time
 * @param error   a sentence naming the Docker host and what went wrong when {@code ok} is false, else null
 * @param version the engine's version when it answered, else null
 */
public record DockerStatus(boolean ok, String error, String version) {
    public DockerStatus {
        error = ReportText.bounded(error);
        version = version == null ? null : ReportText.printable(version, 64);
    }

    /** @return the status of an engine that answered with {@code version} */
    public static DockerStatus up(String version) {
        return new DockerStatus(true, null, version);
    }

    /** @return the status of an engine that did not answer, with the sentence that says so */
    public static DockerStatus down(String error) {
        return new DockerStatus(false, error, null);
    }
}
