package dev.ferry.cli.client;

import dev.ferry.bastion.host.DataDir;
import dev.ferry.cli.Env;
import dev.ferry.cli.config.ConfigFile;
import static dev.ferry.cli.config.Settings.first;

/**
 * Which Host the CLI talks to and with which token: {@code --host}/{@code --token}, else
 * {@code FERRY_HOST}/{@code FERRY_TOKEN}, else {@code [client]} in config.toml, else the local Host:
 * its data directory's {@code admin.token} on {@code http://127.0.0.1:<api_port>}.
 */
public record HostTarget(String url, String token) {

    public static HostTarget resolve(String flagUrl, String flagToken, Env env, ConfigFile config) {
        String url = first(flagUrl, env.get("FERRY_HOST"), config.client().host(), config.localApiUrl());
        String token = first(flagToken, env.get("FERRY_TOKEN"), config.client().token(),
                config.localTokenFor(url, env, DataDir.ADMIN_TOKEN));
        return new HostTarget(url.endsWith("/") ? url.substring(0, url.length() - 1) : url, token);
    }

    @Override
    public String toString() {
        return "HostTarget[url=" + url + ", token=" + (token == null ? null : "<secret>") + "]";
    }
}
