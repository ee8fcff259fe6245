package dev.ferry.cli.client;

import dev.ferry.bastion.host.DataDir;
import dev.ferry.cli.Env;
import dev.ferry.cli.config.ConfigFile;
import dev.ferry.cli.config.TokenFile;
import dev.ferry.keys.tls.TlsPin;
import java.nio.file.Path;
import static dev.ferry.cli.config.Settings.first;
import static dev.ferry.cli.config.Settings.firstOf;

/**
 * Which Host the CLI talks to, with which token, trusting which TLS key: the flags, else the environment
 * ({@code FERRY_HOST}, {@code FERRY_TOKEN_FILE}, {@code FERRY_TOKEN}, {@code FERRY_HOST_FINGERPRINT}), else
 * {@code [client]} in config.toml, else the local Host: its data directory's {@code admin.token} and TLS key,
 * for its own URL only.
 *
 * @param pin the Host's TLS key fingerprint, or null (then only an http URL can be used)
 */
public record HostTarget(String url, String token, TlsPin pin) {

    /** What the flags say; any may be null. */
    public record Flags(String url, String token, Path tokenFile, String hostFingerprint) {
    }

    public static HostTarget resolve(Flags flags, Env env, ConfigFile config) {
        String url = first(flags.url(), env.get("FERRY_HOST"), config.client().host(), config.localApiUrl());
        String token = firstOf(flags::token, () -> TokenFile.read(flags.tokenFile(), "--token-file"),
                () -> TokenFile.read(env.get("FERRY_TOKEN_FILE"), "FERRY_TOKEN_FILE"), () -> env.get("FERRY_TOKEN"),
                config.client()::token, () -> TokenFile.read(config.client().tokenFile(), "[client] token_file"),
                () -> config.localTokenFor(url, env, DataDir.ADMIN_TOKEN));
        String pin = first(flags.hostFingerprint(), env.get("FERRY_HOST_FINGERPRINT"),
                config.client().hostFingerprint());
        return new HostTarget(url.endsWith("/") ? url.substring(0, url.length() - 1) : url, token,
                pin != null ? TlsPin.parse(pin) : config.localPinFor(url, env));
    }

    @Override
    public String toString() {
        return "HostTarget[url=" + url + ", token=" + (token == null ? null : "<secret>") + ", pin=" + pin + "]";
    }
}
