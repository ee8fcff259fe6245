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
 * ({@code FERRY_HOST}, {@code FERRY_TOKEN_FILE}, {@code FERRY_TOKEN}, {@code FERRY_HOST_FINGERPRINT}), else the
 * person's login ({@code ferry login}: {@link LoginFile}, its token for its own Host only), else {@code [client]} in
 * config.toml, else the local Host: its data directory's {@code admin.token} and TLS key, for its own URL only.
 *
 * @param pin the Host's TLS key fingerprint, or null (then only an http URL can be used)
 */
public record HostTarget(String url, String token, TlsPin pin) {

    /** What the flags say; any may be null. */
    public record Flags(String url, String token, Path tokenFile, String hostFingerprint) {
    }

    public static HostTarget resolve(Flags flags, Env env, ConfigFile config) {
        ConfigFile.ClientSection login = LoginFile.read(env);
        String url = first(flags.url(), env.get("FERRY_HOST"), login.host(), config.client().host(),
                config.localApiUrl());
        // a login's token goes to its own Host only, never to one named otherwise
        ConfigFile.ClientSection here = login.host() != null && trimmed(login.host()).equals(trimmed(url)) ? login
                : ConfigFile.ClientSection.EMPTY;
        String token = firstOf(flags::token, () -> TokenFile.read(flags.tokenFile(), "--token-file"),
                () -> TokenFile.read(env.get("FERRY_TOKEN_FILE"), "FERRY_TOKEN_FILE"), () -> env.get("FERRY_TOKEN"),
                here::token, config.client()::token,
                () -> TokenFile.read(config.client().tokenFile(), "[client] token_file"),
                () -> config.localTokenFor(url, env, DataDir.ADMIN_TOKEN));
        String pin = first(flags.hostFingerprint(), env.get("FERRY_HOST_FINGERPRINT"), here.hostFingerprint(),
                config.client().hostFingerprint());
        return new HostTarget(trimmed(url), token, pin != null ? TlsPin.parse(pin) : config.localPinFor(url, env));
    }

    private static String trimmed(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public String toString() {
        return "HostTarget[url=" + url + ", token=" + (token == null ? null : "<secret>") + ", pin=" + pin + "]";
    }
}
