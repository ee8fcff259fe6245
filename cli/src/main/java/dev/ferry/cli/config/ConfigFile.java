package dev.ferry.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.ferry.bastion.api.Json;
import dev.ferry.bastion.host.ApiTls;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.cli.Env;
import dev.ferry.keys.SecretFiles;
import dev.ferry.keys.tls.TlsPin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code config.toml}: one section per role. Unknown keys and values of the wrong type are refused
 * with the key's name; ranges are checked where the values are used (e.g. {@code HostConfig}).
 *
 * <pre>
 * [host]
 * data_dir = "/var/lib/ferry"
 * bind = "0.0.0.0"
 * ssh_port = 2222
 * api_bind = "127.0.0.1"
 * api_port = 8000
 * instance_id = 1
 * connect_timeout_seconds = 10
 * banner_timeout_seconds = 30
 * keepalive_interval_seconds = 15
 * keepalive_max_missed = 3
 * api_tls = false               # TLS on loopback too (beyond loopback the API always speaks TLS)
 * host_cert_principals = ["bastion.example"]  # the names the bastion's host certificate is valid for
 *
 * [client]
 * host = "https://bastion.example:8000"
 * host_fingerprint = "sha256:..." # the TLS key 'ferry host' prints at start
 * token_file = "/home/me/.ferry/admin.token"  # 0600; or token = "..." in a config file that is 0600
 * bastion = "bastion.example:2222"            # where users reach the bastion, for printed ssh lines
 *
 * [runner]
 * host = "https://bastion.example:8000"
 * host_fingerprint = "sha256:..."
 * token_file = "/etc/ferry/join.token"         # a join token (runner.token, or from ferry node token), 0600
 * name = "r1"
 * advertise = "10.0.0.5"
 * docker_host = "unix:///var/run/docker.sock"
 * credential_file = "/root/.ferry/runner/r1.credential"
 * port_range = "32768-60999"
 *
 * [runner.containers]           # how VPS containers are confined; see ContainerPolicy
 * cap_add = ["NET_RAW"]
 * pids_limit = 2048
 * default_cpus = 2.0
 * default_memory = "2G"
 * allow_new_privileges = false
 * step_timeout_seconds = 60
 * </pre>
 */
public record ConfigFile(HostSection host, ClientSection client, RunnerSection runner) {
    private static final TomlMapper TOML = TomlMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT) // ssh_port = 22.7 is a mistake, not 22
            .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS) // nor "2222"
            .build();

    public static final ConfigFile EMPTY = new ConfigFile(null, null, null);

    public ConfigFile {
        host = host == null ? HostSection.EMPTY : host;
        client = client == null ? ClientSection.EMPTY : client;
        runner = runner == null ? RunnerSection.EMPTY : runner;
    }

    /** The {@code [runner]} section: settings of {@code ferry runner}; every key optional. */
    public record RunnerSection(String host, String token, @JsonProperty("token_file") String tokenFile,
                                @JsonProperty("host_fingerprint") String hostFingerprint, String name,
                                String advertise, @JsonProperty("docker_host") String dockerHost,
                                @JsonProperty("credential_file") String credentialFile,
                                @JsonProperty("port_range") String portRange, ContainersSection containers) {
        static final RunnerSection EMPTY = new RunnerSection(null, null, null, null, null, null, null, null, null,
                null);

        public RunnerSection {
            containers = containers == null ? ContainersSection.EMPTY : containers;
        }

        @Override
        public String toString() {
            return "RunnerSection[host=" + host + ", token=" + (token == null ? null : "<secret>") + ", token_file="
                    + tokenFile + ", host_fingerprint=" + hostFingerprint + ", name=" + name
                    + ", advertise=" + advertise + ", docker_host=" + dockerHost + ", credential_file="
                    + credentialFile + ", port_range=" + portRange + ", containers=" + containers + "]";
        }
    }

    /** The {@code [runner.containers]} section: how VPS containers are confined; every key optional. */
    public record ContainersSection(@JsonProperty("cap_add") List<String> capAdd,
                                    @JsonProperty("pids_limit") Long pidsLimit,
                                    @JsonProperty("default_cpus") Double defaultCpus,
                                    @JsonProperty("default_memory") String defaultMemory,
                                    @JsonProperty("allow_new_privileges") Boolean allowNewPrivileges,
                                    @JsonProperty("step_timeout_seconds") Integer stepTimeoutSeconds) {
        static final ContainersSection EMPTY = new ContainersSection(null, null, null, null, null, null);
    }

    /** The {@code [host]} section: settings of {@code ferry host}; every key optional. */
    public record HostSection(@JsonProperty("data_dir") String dataDir, String bind,
                              @JsonProperty("ssh_port") Integer sshPort,
                              @JsonProperty("api_bind") String apiBind,
                              @JsonProperty("api_port") Integer apiPort,
                              @JsonProperty("instance_id") Integer instanceId,
                              @JsonProperty("connect_timeout_seconds") Integer connectTimeoutSeconds,
                              @JsonProperty("banner_timeout_seconds") Integer bannerTimeoutSeconds,
                              @JsonProperty("keepalive_interval_seconds") Integer keepaliveIntervalSeconds,
                              @JsonProperty("keepalive_max_missed") Integer keepaliveMaxMissed,
                              @JsonProperty("api_tls") Boolean apiTls,
                              @JsonProperty("penalty_exempt") List<String> penaltyExempt,
                              @JsonProperty("login_grace_time_seconds") Long loginGraceTimeSeconds,
                              @JsonProperty("max_sessions_per_key") Integer maxSessionsPerKey,
                              @JsonProperty("max_sessions") Integer maxSessions,
                              @JsonProperty("max_startups_per_source") String maxStartupsPerSource,
                              @JsonProperty("max_startups") String maxStartups,
                              @JsonProperty("host_cert_principals") List<String> hostCertPrincipals,
                              @JsonProperty("registry_url") String registryUrl,
                              @JsonProperty("registry_password_file") String registryPasswordFile,
                              @JsonProperty("registry_key_file") String registryKeyFile,
                              @JsonProperty("proxy_protocol_from") List<String> proxyProtocolFrom) {
        static final HostSection EMPTY = new HostSection(null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null);

        /** Ranges, checked on the file itself: a wrong value is refused even where a flag overrides it. */
        void check(String where) {
            range(where, "ssh_port", sshPort);
            range(where, "api_port", apiPort);
            range(where, "instance_id", instanceId);
            range(where, "connect_timeout_seconds", connectTimeoutSeconds);
            range(where, "banner_timeout_seconds", bannerTimeoutSeconds);
            range(where, "keepalive_interval_seconds", keepaliveIntervalSeconds);
            range(where, "keepalive_max_missed", keepaliveMaxMissed);
        }

        private static void range(String where, String key, Integer value) {
            String why = value == null ? null : HostConfig.outOfRange(key, value);
            if (why != null) {
                throw new IllegalArgumentException(where + ": bad value for 'host." + key + "': " + why);
            }
        }
    }

    /** The {@code [client]} section: where the CLI finds the Host. */
    public record ClientSection(String host, String token, @JsonProperty("token_file") String tokenFile,
                                @JsonProperty("host_fingerprint") String hostFingerprint, String bastion) {
        static final ClientSection EMPTY = new ClientSection(null, null, null, null, null);

        @Override
        public String toString() {
            return "ClientSection[host=" + host + ", token=" + (token == null ? null : "<secret>") + ", token_file="
                    + tokenFile + ", host_fingerprint=" + hostFingerprint + ", bastion=" + bastion + "]";
        }
    }

    /** The file named by {@code --config} (which must exist), else the default one if it exists. */
    public static ConfigFile load(Path explicit, Env env) {
        return explicit != null ? read(explicit, true) : read(env.defaultConfigFile(), false);
    }

    /** The local Host's API: {@code http://127.0.0.1:<api_port>}, {@code https://} where it speaks TLS. */
    public String localApiUrl() {
        String bind = host.apiBind() == null ? null : host.apiBind().replaceAll("^\\[|]$", "");
        String address = bind == null || bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
        boolean tls = HostConfig.speaksTls(bind == null ? HostConfig.DEFAULT_API_BIND : bind,
                Boolean.TRUE.equals(host.apiTls()));
        return (tls ? "https://" : "http://")
                + Endpoint.hostPort(address, Settings.pick(null, host.apiPort(), HostConfig.DEFAULT_API_PORT));
    }

    /** Whether {@code url} is the local Host's own API URL, from this config. */
    public boolean isLocalApi(String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return u.equals(localApiUrl());
    }

    /**
     * The local Host's TLS key fingerprint, for the local Host's https URL only, or null when this user cannot
     * read it.
     */
    public TlsPin localPinFor(String url, Env env) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return u.startsWith("https://") && u.equals(localApiUrl()) ? ApiTls.readPin(localDataDir(env)) : null;
    }

    private Path localDataDir(Env env) {
        return host.dataDir() != null ? Path.of(host.dataDir()) : env.ferryHome();
    }

    /**
     * The local Host's token file, but only for the local Host's URL: a token of this machine's Host is never
     * sent to another one.
     */
    public String localTokenFor(String url, Env env, String tokenFile) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return u.equals(localApiUrl()) ? localToken(env, tokenFile) : null;
    }

    /**
     * A token file of the local Host ({@code admin.token}, {@code runner.token}) in its data directory,
     * or {@code null} when this user cannot read it.
     */
    private String localToken(Env env, String tokenFile) {
        Path file = localDataDir(env).resolve(tokenFile);
        try {
            return Files.isReadable(file) ? Files.readString(file).strip() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Reads a config file. A missing file is {@link #EMPTY} unless {@code required}; anything wrong in
     * it is an {@link IllegalArgumentException} naming the file and the key.
     */
    public static ConfigFile read(Path file, boolean required) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            if (required) {
                throw new IllegalArgumentException("config file " + file + " does not exist");
            }
            return EMPTY;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
        }
        ConfigFile config = parse(text, file.toString());
        config.requirePrivateIfTokens(file);
        return config;
    }

    /** A config file that holds a token is a secret file: refused when others may read it. */
    private void requirePrivateIfTokens(Path file) {
        if (client.token() == null && runner.token() == null) {
            return;
        }
        try {
            String why = SecretFiles.tooOpen(file, "a config file that holds a token");
            if (why != null) {
                throw new IllegalArgumentException(why + "; or keep the token in a file of its own (token_file)");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot check the permissions of config file " + file + ": "
                    + e.getMessage());
        }
    }

    static ConfigFile parse(String text, String where) {
        try {
            ConfigFile c = TOML.readValue(text, ConfigFile.class);
            if (c == null) {
                return EMPTY;
            }
            c.host().check(where);
            return c;
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException(where + ": unknown key '" + Json.fieldPath(e) + "'");
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(where + ": bad value for '" + Json.fieldPath(e) + "': "
                    + e.getOriginalMessage().split("\n")[0]);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": not valid TOML: " + e.getMessage().split("\n")[0]);
        }
    }
}
