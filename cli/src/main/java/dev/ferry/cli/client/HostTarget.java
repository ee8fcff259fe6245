package dev.ferry.cli.client;

import dev.ferry.bastion.host.DataDir;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.cli.Env;
import dev.ferry.cli.config.ConfigFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which Host the CLI talks to and with which token: {@code --host}/{@code --token}, else
 * {@code FERRY_HOST}/{@code FERRY_TOKEN}, else {@code [client]} in config.toml, else the local Host:
 * its data directory's {@code admin.token} on {@code http://127.0.0.1:<api_port>}.
 */
public record HostTarget(String url, String token) {

    public static HostTarget resolve(String flagUrl, String flagToken, Env env, ConfigFile config) {
        String url = first(flagUrl, env.get("FERRY_HOST"), config.client().host());
        String token = first(flagToken, env.get("FERRY_TOKEN"), config.client().token());
        if (url == null) {
            int port = config.host().apiPort() != null ? config.host().apiPort() : HostConfig.DEFAULT_API_PORT;
            url = "http://127.0.0.1:" + port;
        }
        if (token == null) {
            token = localToken(env, config);
        }
        return new HostTarget(url.endsWith("/") ? url.substring(0, url.length() - 1) : url, token);
    }

    private static String localToken(Env env, ConfigFile config) {
        Path dir = config.host().dataDir() != null ? Path.of(config.host().dataDir()) : env.ferryHome();
        Path file = dir.resolve(DataDir.ADMIN_TOKEN);
        try {
            return Files.isReadable(file) ? Files.readString(file).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "HostTarget[url=" + url + ", token=" + (token == null ? null : "<secret>") + "]";
    }
}
