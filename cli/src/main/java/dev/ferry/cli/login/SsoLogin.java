package dev.ferry.cli.login;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.api.SsoPollRequest;
import dev.ferry.bastion.FerryException;
import dev.ferry.cli.Env;
import dev.ferry.cli.client.ApiClient;
import dev.ferry.cli.client.HostTarget;
import dev.ferry.cli.client.LoginFile;
import dev.ferry.cli.ssh.SsoKey;
import dev.ferry.keys.KeyPairs;
import dev.ferry.keys.KeyType;
import dev.ferry.keys.SshPublicKey;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * {@code ferry login --sso}: the device flow through the Host. The person opens a URL in any browser (this machine
 * needs none) and types a code there; meanwhile this asks the Host every few seconds, and keeps the token it then
 * gives; with {@code --ssh}, also a certificate for a key made here, whose private half never leaves this machine.
 */
final class SsoLogin {
    private final Env env;
    private final HostTarget target;
    private final PrintWriter out;

    SsoLogin(Env env, HostTarget target, PrintWriter out) {
        this.env = env;
        this.target = new HostTarget(target.url(), null, target.pin()); // no token goes with a sign-in
        this.out = out;
    }

    void run(boolean ssh) {
        ApiClient api = new ApiClient(target);
        JsonNode started = api.post("/api/v1/sso/start", Map.of());
        String complete = started.path("verification_uri_complete").asText("");
        out.println("To sign in, open " + (complete.isEmpty() ? started.path("verification_uri").asText()
                : complete) + " in a browser (on any machine)");
        out.println("  and check that it shows the code " + started.path("user_code").asText()
                + (complete.isEmpty() ? "; type it there" : " (or open " + started.path("verification_uri").asText()
                + " and type it)"));
        Duration interval = Duration.ofSeconds(Math.max(1, started.path("interval").asLong(5)));
        Instant ends = Instant.now().plusSeconds(started.path("expires_in").asLong(600));
        out.println("waiting for the sign-in (until " + ends.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + ")...");
        out.flush();
        KeyPair key = ssh ? KeyPairs.generate(KeyType.ED25519) : null;
        SsoPollRequest poll = new SsoPollRequest(started.path("flow").asText(), key == null ? null
                : SshPublicKey.of(key.getPublic(), "ferry-sso").toOpenSsh());
        JsonNode done;
        while (true) {
            sleep(interval);
            done = api.post("/api/v1/sso/poll", poll); // a refusal or an expiry comes back as a sentence
            if ("done".equals(done.path("status").asText())) {
                break;
            }
            if (Instant.now().isAfter(ends.plusSeconds(interval.toSeconds()))) {
                throw FerryException.invalid("the sign-in was not finished in time: run ferry login --sso again");
            }
        }
        String person = done.path("person").asText();
        LoginFile.write(env, target.url(), target.pin() == null ? null : target.pin().toString(),
                done.path("token").path("token").asText());
        out.println("logged in to " + target.url() + " as " + person + " (" + done.path("role").asText() + ") until "
                + done.path("until").asText() + "; kept in " + LoginFile.of(env));
        if (key != null) {
            Path file = SsoKey.write(env, key, done.path("certificate").asText());
            out.println("SSH certificate for " + person + " until " + done.path("until").asText() + ": "
                    + SsoKey.certificate(file) + " (key " + file + "); ferry ssh-config and ferry vps connect name "
                    + "it, or: ssh -i " + file + " vps-<id>@<bastion>");
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw FerryException.invalid("interrupted while waiting for the sign-in");
        }
    }
}
