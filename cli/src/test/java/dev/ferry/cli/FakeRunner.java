package dev.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.Json;
import dev.ferry.keys.HostCertificates;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.Credentials;
import dev.ferry.protocol.DockerStatus;
import dev.ferry.protocol.EnrollRequest;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A runner speaking the real runner protocol to a Host, without Docker: it reports for each VPS the state the
 * test sets, with a published port where a real sshd (the test's) plays the container. Heartbeats every 200 ms.
 */
public final class FakeRunner implements AutoCloseable {
    private final HttpClient http = HttpClient.newHttpClient();
    private final String apiUrl;
    private final String credential;
    private final String session;
    private final Map<String, ContainerReport> reports = new ConcurrentHashMap<>();
    private final Map<String, String> hostKeys = new ConcurrentHashMap<>();
    /** Per VPS, the fingerprint of the host certificate "installed" from an earlier answer. */
    private final Map<String, String> certificates = new ConcurrentHashMap<>();
    private volatile boolean installsCertificates = true;
    private final Thread beat;
    private volatile boolean closed;

    public FakeRunner(String apiUrl, String joinToken) throws Exception {
        this.apiUrl = apiUrl;
        this.credential = Credentials.create();
        call("/api/v1/runners/enroll", new EnrollRequest("r1", "127.0.0.1", 32768, 60999,
                Credentials.digest(credential)), joinToken);
        session = call("/api/v1/runners/register", new RegisterRequest("r1", "127.0.0.1", 2, 8L << 30,
                new DockerStatus(true, null, "28.2")), credential).get("session").asText();
        beat = new Thread(this::beat, "fake-runner");
        beat.setDaemon(true);
        beat.start();
    }

    /** From the next heartbeat on, VPS {@code id} is reported in this state (sshd on {@code port}, or null). */
    public void report(String id, ContainerState state, Integer port, String error) {
        reports.put(id, new ContainerReport(id, "c-" + id, state, port, state == ContainerState.RUNNING, error, null,
                hostKeys.get(id)));
    }

    /** From the next heartbeat on, VPS {@code id}'s container is not reported: it was removed. */
    public void gone(String id) {
        reports.remove(id);
    }

    /** The host key its sshd presents, reported with every state from now on (plain mode checks it). */
    public void hostKey(String id, String openSshLine) {
        hostKeys.put(id, openSshLine);
    }

    /**
     * Whether the certificates the Host sends are installed, as a runner's start-up step does, and reported from
     * the next heartbeat on (the default); false: none is installed from now on, those installed stay.
     */
    public void installsCertificates(boolean installs) {
        installsCertificates = installs;
    }

    private void beat() {
        while (!closed) {
            try {
                List<ContainerReport> now = reports.values().stream().map(r -> new ContainerReport(r.vpsId(),
                        r.containerId(), r.state(), r.sshPort(), r.sshReady(), r.error(), r.startedAt(), r.hostKey(),
                        certificates.get(r.vpsId()))).toList();
                JsonNode answer = call("/api/v1/runners/r1/heartbeat", new HeartbeatRequest(
                        new DockerStatus(true, null, "28.2"), now, session), credential);
                for (JsonNode d : answer.path("vps")) {
                    String certificate = d.path("host_certificate").asText(null);
                    if (installsCertificates && certificate != null) {
                        certificates.put(d.path("vps_id").asText(), HostCertificates.fingerprint(certificate));
                    }
                }
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (!closed) {
                    e.printStackTrace();
                }
            }
        }
    }

    private JsonNode call(String path, Object body, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(apiUrl + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new AssertionError(path + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }

    @Override
    public void close() throws InterruptedException {
        closed = true;
        beat.interrupt();
        beat.join(5000);
    }
}
