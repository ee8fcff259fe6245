package dev.ferry.agent.onstart;

import dev.ferry.agent.docker.ContainerRuntime;
import dev.ferry.agent.docker.ContainerRuntimeException;
import dev.ferry.agent.docker.EngineUnreachableException;
import dev.ferry.agent.docker.ExecResult;
import dev.ferry.agent.docker.ExecTimeoutException;
import dev.ferry.keys.HostCertificates;
import dev.ferry.keys.HostKeyLine;
import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.keys.VpsPrincipals;
import dev.ferry.protocol.ReportText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Ferry's in-container start-up step (shared/seeds/000: never rely on the image's ENTRYPOINT): the shell
 * script {@code onstart.sh}, shipped in this module, run with {@code docker exec} as root. It makes host
 * keys, /run/sshd, root's authorized keys, the VPS's certificate principal ({@link VpsPrincipals}) and Ferry's
 * sshd config, and starts sshd; it logs to
 * /var/log/ferry-onstart.log in the container. Idempotent, so it is run after every start and key change.
 */
public final class OnStartStep {
    /** Exit code of the script when the image has no sshd. */
    public static final int EXIT_NO_SSHD = 3;
    /** Where the script logs inside the container. */
    public static final String LOG_FILE = "/var/log/ferry-onstart.log";
    /** Ferry's sshd configuration inside the container. */
    public static final String SSHD_CONFIG = "/etc/ssh/ferry_sshd_config";
    /** The script's line that carries sshd's host public key. */
    public static final String HOST_KEY_MARKER = "ferry-host-key: ";
    /** The script's line that carries the host certificate sshd serves, when it serves one. */
    public static final String HOST_CERTIFICATE_MARKER = "ferry-host-certificate: ";
    /** A certificate line is a few hundred characters; a longer one is not Ferry's. */
    private static final int MAX_CERTIFICATE = 16_384;
    /** A login user as the Host names them (a grant's {@code --login}); anything else never reaches a path. */
    private static final Pattern LOGIN_USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,31}");
    /** A person's name, as a certificate principal (the Host's rule). */
    private static final Pattern PERSON = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    /**
     * The Host's client CA (SSO) and, for each login user, the people whose certificate from it may log in as them.
     *
     * @param caKey  the CA's public key, an OpenSSH line
     * @param logins the people's names, by login user
     */
    public record PersonCertificates(String caKey, Map<String, List<String>> logins) {
        /** From the desired state: null when the Host has no client CA. */
        public static PersonCertificates of(String caKey, Map<String, List<String>> logins) {
            return caKey == null ? null : new PersonCertificates(caKey, logins);
        }
    }
    private static final Logger log = LoggerFactory.getLogger(OnStartStep.class);
    private static final String SCRIPT = load("onstart.sh");

    private final ContainerRuntime runtime;
    private final Duration timeout;

    /** @param timeout how long the step may run in a container before it is abandoned */
    public OnStartStep(ContainerRuntime runtime, Duration timeout) {
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** How a run ended. */
    public enum Outcome {
        /** sshd runs with Ferry's config and the keys are in place. */
        OK,
        /** The image has no sshd: the VPS cannot work with this image. */
        NO_SSHD,
        /** It did not end within its time limit and was abandoned: trying again would only hang again. */
        HUNG,
        /** Something else failed; running the step again may help. */
        FAILED
    }

    /**
     * @param outcome how it ended
     * @param message the sentence for the user when it did not end OK, else null
     * @param hostKey the container sshd's host public key ({@code type base64}, checked) when it ended OK and
     *                the container reported a valid one, else null
     * @param hostCertificate the SHA-256 fingerprint of the host certificate sshd serves for that key, or null for
     *                none (the container says so: the Host compares it with the one it issues)
     */
    public record Result(Outcome outcome, String message, String hostKey, String hostCertificate) {
        /** A run that did not end OK. */
        static Result failed(Outcome outcome, String message) {
            return new Result(outcome, message, null, null);
        }
    }

    /** @return the sentence a VPS's user reads when its image has no sshd */
    public static String noSshdMessage(String image) {
        return "image " + image + " lacks openssh-server (no sshd in it): install it in the image "
                + "(Debian/Ubuntu: RUN apt-get update && apt-get install -y openssh-server; "
                + "Alpine: RUN apk add openssh-server) or use an image that has it";
    }

    /** @return the script's text, e.g. to show it or run it by hand */
    public static String script() {
        return SCRIPT;
    }

    /**
     * Runs the step in the running container.
     *
     * @param authorizedKeys OpenSSH public key lines for root; lines that are not a public key are left out
     * @param loginKeys      OpenSSH public key lines for other login users, by user; users that are not a user
     *                       name and lines that are not a public key are left out
     * @param userCaKeys     user CA public keys for certificate logins (TrustedUserCAKeys); may be empty
     * @param people         the client CA (SSO) and the people its certificates may log in as each user, or null
     * @param hostCertificate the Host's certificate for the container sshd's host key (HostCertificate), one
     *                       OpenSSH line, or null for none
     * @throws EngineUnreachableException when Docker does not answer (nothing is known about the container)
     */
    public Result run(String containerId, String vpsId, String image, List<String> authorizedKeys,
                      Map<String, List<String>> loginKeys, List<String> userCaKeys, String hostCertificate,
                      PersonCertificates people) {
        if (idOf(vpsId) <= 0) {
            return Result.failed(Outcome.FAILED, "the Host named this VPS '" + ReportText.printable(vpsId, 40)
                    + "', which is not a VPS id; its sshd cannot be told which certificates are its own");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("FERRY_VPS_ID", vpsId);
        env.put("FERRY_CONTAINER_ID", containerId);
        env.put("FERRY_USER_PRINCIPAL", VpsPrincipals.of(idOf(vpsId)));
        env.put("FERRY_AUTHORIZED_KEYS", String.join("\n", sanitize(vpsId, authorizedKeys)));
        env.put("FERRY_LOGIN_KEYS", loginKeys.entrySet().stream().filter(e -> LOGIN_USER.matcher(e.getKey())
                .matches()).flatMap(e -> sanitize(vpsId, e.getValue()).stream().map(k -> e.getKey() + " " + k))
                .collect(Collectors.joining("\n")));
        List<String> clientCa = people == null ? List.of() : sanitize(vpsId, List.of(people.caKey()));
        env.put("FERRY_CLIENT_CA_KEY", clientCa.isEmpty() ? "" : clientCa.get(0));
        env.put("FERRY_CERTIFICATE_LOGINS", clientCa.isEmpty() ? "" : people.logins().entrySet().stream()
                .filter(e -> LOGIN_USER.matcher(e.getKey()).matches())
                .map(e -> Map.entry(e.getKey(), e.getValue().stream().filter(n -> PERSON.matcher(n).matches())
                        .toList())).filter(e -> !e.getValue().isEmpty())
                .map(e -> e.getKey() + " " + String.join(",", e.getValue())).collect(Collectors.joining("\n")));
        env.put("FERRY_TRUSTED_USER_CA_KEYS", String.join("\n", sanitize(vpsId, userCaKeys)));
        env.put("FERRY_HOST_CERTIFICATE", hostCertificate == null ? "" : hostCertificate);
        ExecResult r;
        try {
            r = runtime.exec(containerId, List.of("/bin/sh", "-c", SCRIPT, "ferry-onstart"), env, timeout);
        } catch (EngineUnreachableException e) {
            throw e;
        } catch (ExecTimeoutException e) {
            // The container is the tenant's: its sshd, ssh-keygen or /bin/sh may hang, by accident or on purpose.
            return Result.failed(Outcome.HUNG, "Ferry's start-up step did not end within " + seconds(timeout)
                    + " s in the container and was abandoned: something in the image hangs (its sshd, ssh-keygen "
                    + "or /bin/sh); see " + LOG_FILE + " in the container (the runner's step time limit is "
                    + "--step-timeout)");
        } catch (ContainerRuntimeException e) {
            // Usually a container that exited at once, or an image without /bin/sh.
            return Result.failed(Outcome.FAILED, "Ferry's start-up step could not run in the container ("
                    + e.getMessage() + "); it needs a running container with /bin/sh");
        }
        if (r.exitCode() == 0) {
            log.debug("vps {}: start-up step output:\n{}", vpsId, r.output());
            String hostKey = hostKey(vpsId, r.output());
            return new Result(Outcome.OK, null, hostKey, hostKey == null ? null : certificate(vpsId, r.output()));
        }
        if (r.exitCode() == EXIT_NO_SSHD) {
            return Result.failed(Outcome.NO_SSHD, noSshdMessage(image));
        }
        return Result.failed(Outcome.FAILED, "Ferry's start-up step failed in the container (exit " + r.exitCode()
                + "): " + lastError(r.output()) + " (details in " + LOG_FILE + " in the container)");
    }

    /**
     * Only well-formed public keys reach the container, re-written by the key parser: an authorized_keys
     * line can carry options such as {@code command=}, and the desired state must not be able to add them.
     */
    private static List<String> sanitize(String vpsId, List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            try {
                out.add(SshPublicKey.parse(line).toOpenSsh().replaceAll("[\\r\\n]", " "));
            } catch (KeyFormatException e) {
                log.warn("vps {}: left out a key that is not an OpenSSH public key: {}", vpsId, e.getMessage());
            }
        }
        return out;
    }

    /**
     * The host key of the script's last marker line, checked and without its comment. The container is a
     * tenant's and may print anything: what is not one bounded, valid public key is dropped and logged.
     *
     * @return {@code type base64}, or null when there is none or it is not a valid public key
     */
    static String hostKey(String vpsId, String output) {
        String found = lastMarked(output, HOST_KEY_MARKER);
        if (found == null) {
            log.warn("vps {}: the start-up step reported no sshd host key", vpsId);
            return null;
        }
        try {
            return HostKeyLine.normalize(found);
        } catch (KeyFormatException e) {
            log.warn("vps {}: dropped the sshd host key the container reported ({} characters): {}", vpsId,
                    found.length(), ReportText.printable(e.getMessage(), 200));
            return null;
        }
    }

    /** The fingerprint of the certificate of the script's last certificate line, or null when there is none. */
    static String certificate(String vpsId, String output) {
        String found = lastMarked(output, HOST_CERTIFICATE_MARKER);
        if (found == null) {
            return null;
        }
        try {
            if (found.length() > MAX_CERTIFICATE) {
                throw new IllegalArgumentException("longer than " + MAX_CERTIFICATE + " characters");
            }
            return HostCertificates.fingerprint(found);
        } catch (IllegalArgumentException e) {
            log.warn("vps {}: dropped the host certificate the container reported ({} characters): {}", vpsId,
                    found.length(), ReportText.printable(e.getMessage(), 200));
            return null;
        }
    }

    private static String lastMarked(String output, String marker) {
        String found = null;
        for (String line : output.split("\n")) {
            if (line.startsWith(marker)) {
                found = line.substring(marker.length());
            }
        }
        return found;
    }

    /** The VPS id the Host sent, or 0 when it is not one. */
    private static long idOf(String vpsId) {
        try {
            return vpsId == null || !vpsId.matches("[0-9]{1,19}") ? 0 : Long.parseLong(vpsId);
        } catch (NumberFormatException tooLarge) {
            return 0;
        }
    }

    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    /** The script prints {@code ... error: <sentence>} before it exits non-zero. */
    private static String lastError(String output) {
        String found = null;
        for (String line : output.split("\n")) {
            int i = line.indexOf("error: ");
            if (i >= 0) {
                found = line.substring(i + "error: ".length()).strip();
            }
        }
        if (found != null) {
            return found;
        }
        String s = output.strip();
        return s.isEmpty() ? "no output" : s.substring(Math.max(0, s.length() - 300));
    }

    private static String load(String name) {
        try (InputStream in = OnStartStep.class.getResourceAsStream("/dev/ferry/agent/onstart/" + name)) {
            if (in == null) {
                throw new IllegalStateException("resource dev/ferry/agent/onstart/" + name + " is missing from the agent jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
