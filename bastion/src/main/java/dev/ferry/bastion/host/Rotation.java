package dev.ferry.bastion.host;

import dev.ferry.bastion.log.AuditLog;
import dev.ferry.bastion.several.Coordination;
import dev.ferry.bastion.several.SecretSeal;
import dev.ferry.bastion.several.SharedKeyMaterial;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ferry host rotate}: renews a secret in this Host's data directory, stores it sealed in a shared registry,
 * and serves it at once; every other Host of the registry sees the new sealed copy within a round of
 * {@link #watch} (5 s) and serves it too. Deleting a file rotates nothing on a shared registry (the Host restores
 * it from the sealed copy, and says so): this is the way.
 */
final class Rotation {
    private static final Logger log = LoggerFactory.getLogger(Rotation.class);

    private final DataDir dir;
    /** The shared registry's coordination, or null for the embedded one (one Host). */
    private final Coordination coordination;
    private final SecretSeal seal;
    private final LiveSecrets secrets;
    private volatile Consumer<ApiTls> tls = identity -> { };
    private Map<String, Instant> known;

    Rotation(DataDir dir, Coordination coordination, SecretSeal seal, LiveSecrets secrets) {
        this.dir = dir;
        this.coordination = coordination;
        this.seal = seal;
        this.secrets = secrets;
        this.known = coordination == null ? Map.of() : coordination.secretVersions();
    }

    /** Where a new TLS identity goes: the API, once it listens. */
    void servingTls(Consumer<ApiTls> serve) {
        this.tls = Objects.requireNonNull(serve);
    }

    /** Renews {@code secret} on every Host: what the API answers (the new token or fingerprint, what breaks). */
    synchronized Map<String, Object> rotate(Secret secret) throws IOException {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("secret", secret.word());
        if (secret == Secret.API_TLS) {
            answer.put("host_fingerprint", ApiTls.renew(dir.root()).pin().toString());
        } else {
            answer.put("token", dir.renewToken(secret.files().get(0)));
        }
        if (coordination != null) {
            SharedKeyMaterial.publish(coordination, dir, seal, secret.files());
            known = coordination.secretVersions();
        }
        apply(secret);
        answer.put("breaks", secret.breaks());
        log.info("{} rotated{}: {}", secret.word(), coordination == null ? "" : " on every Host of the registry",
                secret.breaks());
        AuditLog.event("secret_rotated").put("secret", secret.word()).write();
        return answer;
    }

    /** Takes what another Host rotated (a shared registry); every few seconds. */
    synchronized void watch() throws IOException {
        if (coordination == null) {
            return;
        }
        Map<String, Instant> now = coordination.secretVersions();
        if (now.equals(known)) {
            return;
        }
        Map<String, String> stored = coordination.secrets();
        for (Secret s : Secret.values()) {
            if (s.files().stream().anyMatch(f -> !Objects.equals(now.get(f), known.get(f)))) {
                SharedKeyMaterial.take(stored, dir, seal, s.files());
                apply(s);
                log.info("{} rotated by another Host: this one serves the new one too", s.word());
            }
        }
        known = now;
    }

    private void apply(Secret secret) throws IOException {
        secrets.reload(dir);
        if (secret == Secret.API_TLS) {
            tls.accept(dir.apiTls());
        }
    }
}
