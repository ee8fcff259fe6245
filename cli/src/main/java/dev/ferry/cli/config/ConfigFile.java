package dev.ferry.cli.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.ferry.api.Json;
import dev.ferry.bastion.host.ApiTls;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.host.Setting;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.cli.Env;
import dev.ferry.cli.Sizes;
import dev.ferry.keys.SecretFiles;
import dev.ferry.keys.tls.TlsPin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code config.toml}: one section per role. Unknown keys and values of the wrong type are refused
 * with the key's name; the {@code [host]} section's values are read and checked by their declarations.
 *
 * <pre>
 * [host]                        # the settings of ferry host: see HostSettings, where each is declared
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

        /** What the runner would refuse at its start, refused now ({@code --check-config} included). */
        void check(String where, TomlLines lines) {
            if (defaultMemory != null) {
                try {
                    Sizes.parse("default_memory", defaultMemory);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(where + lines.at("runner.containers.default_memory")
                            + ": runner.containers.default_memory takes a size in quotes, like \"512M\" or \"2G\" "
                            + "(\"0\" for no limit); got \"" + defaultMemory + "\"");
                }
            }
        }
    }

    /**
     * The {@code [host]} section: the settings of {@code ferry host} it gives, each read and checked by its
     * declaration in {@link HostSettings}; every key optional.
     */
    public static final class HostSection {
        static final HostSection EMPTY = new HostSection(Map.of());

        private final Map<Setting<?>, Object> values;

        private HostSection(Map<Setting<?>, Object> values) {
            this.values = Map.copyOf(values);
        }

        /** The value the section gives {@code setting}, or null when it gives none. */
        @SuppressWarnings("unchecked")
        public <T> T get(Setting<T> setting) {
            return (T) values.get(setting);
        }

        /** The value the section gives {@code setting}, else its default. */
        public <T> T getOrDefault(Setting<T> setting) {
            T value = get(setting);
            return value != null ? value : setting.fallback();
        }

        /** {@code config} with every setting this section gives but the data directory and the registry's. */
        public HostConfig over(HostConfig config) {
            HostConfig c = config;
            for (Map.Entry<Setting<?>, Object> e : values.entrySet()) {
                if (!NOT_IN_HOST_CONFIG.contains(e.getKey())) {
                    c = with(c, e.getKey(), e.getValue());
                }
            }
            return c;
        }

        @SuppressWarnings("unchecked")
        private static <T> HostConfig with(HostConfig config, Setting<T> setting, Object value) {
            return config.with(setting, (T) value);
        }

        /** Read from the TOML table {@code table}; {@code lines} finds a key's line for the messages. */
        static HostSection read(JsonNode table, String where, TomlLines lines) {
            if (table == null || table.isNull()) {
                return EMPTY;
            }
            if (!table.isObject()) {
                throw new IllegalArgumentException(where + ": 'host' must be a table ([host])");
            }
            Map<Setting<?>, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : table.properties()) {
                String path = "host." + field.getKey();
                Setting<?> setting = HostSettings.byKey(field.getKey()).orElseThrow(() -> new IllegalArgumentException(
                        where + ": unknown key '" + path + "'" + lines.at(path)));
                try {
                    values.put(setting, setting.valueOf(field.getValue()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": bad value for '" + path + "'" + lines.at(path) + ": "
                            + e.getMessage().substring(setting.key().length() + 1));
                }
            }
            return new HostSection(values);
        }

        @Override
        public String toString() {
            return "HostSection" + values;
        }
    }

    /** Settings a {@link HostConfig} does not hold as such: the data directory, and the registry's location. */
    private static final Set<Setting<?>> NOT_IN_HOST_CONFIG = Set.of(HostSettings.DATA_DIR, HostSettings.REGISTRY_URL,
            HostSettings.REGISTRY_PASSWORD_FILE, HostSettings.REGISTRY_KEY_FILE);

    /** The {@code [client]} section: where the CLI finds the Host. */
    public record ClientSection(String host, String token, @JsonProperty("token_file") String tokenFile,
                                @JsonProperty("host_fingerprint") String hostFingerprint, String bastion) {
        public static final ClientSection EMPTY = new ClientSection(null, null, null, null, null);

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
        String bind = host.getOrDefault(HostSettings.API_BIND);
        String address = bind.equals("0.0.0.0") || bind.equals("::") ? "127.0.0.1" : bind;
        boolean tls = HostConfig.speaksTls(bind, host.getOrDefault(HostSettings.API_TLS));
        return (tls ? "https://" : "http://") + Endpoint.hostPort(address, host.getOrDefault(HostSettings.API_PORT));
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
        return host.get(HostSettings.DATA_DIR) != null ? host.get(HostSettings.DATA_DIR) : env.ferryHome();
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
        TomlLines lines = TomlLines.of(text);
        try {
            JsonNode tree = TOML.readTree(text);
            if (tree == null || tree.isNull() || tree.isMissingNode()) {
                return EMPTY;
            }
            HostSection host = HostSection.read(tree.get("host"), where, lines);
            ((ObjectNode) tree).remove("host");
            ConfigFile c = TOML.treeToValue(tree, ConfigFile.class);
            c.runner().containers().check(where, lines);
            return new ConfigFile(host, c.client(), c.runner());
        } catch (UnrecognizedPropertyException e) {
            String key = Json.fieldPath(e);
            // a Host setting above every table: the file's most likely slip, as the samples start with [host]
            String hint = !key.contains(".") && HostSettings.byKey(key).isPresent()
                    ? " (a Host setting: put it under a [host] line)" : "";
            throw new IllegalArgumentException(where + lines.at(key) + ": unknown key '" + key + "'" + hint);
        } catch (MismatchedInputException e) {
            String key = Json.fieldPath(e);
            Expected expected = Expected.of(e.getTargetType());
            throw new IllegalArgumentException(where + lines.at(key) + ": " + key + " takes " + expected.takes()
                    + "; for example " + key.substring(key.lastIndexOf('.') + 1) + " = " + expected.example());
        } catch (JsonMappingException e) {
            String key = Json.fieldPath(e);
            throw new IllegalArgumentException(where + lines.at(key) + ": bad value for '" + key + "'");
        } catch (JacksonException e) {
            // the parser's own words, which name no Java type, and where it stopped
            String at = e.getLocation() == null || e.getLocation().getLineNr() < 1 ? ""
                    : " (line " + e.getLocation().getLineNr() + ")";
            throw new IllegalArgumentException(where + at + ": not valid TOML: " + e.getOriginalMessage()
                    .split("\n")[0]);
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ": not valid TOML: " + e.getMessage().split("\n")[0]);
        }
    }

    /** What a value of a type is, as a config file's reader says it, and one written as an example. */
    private record Expected(String takes, String example) {
        static Expected of(Class<?> type) {
            if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
                return new Expected("a whole number", "5");
            }
            if (type == Double.class || type == double.class) {
                return new Expected("a number", "1.5");
            }
            if (type == Boolean.class || type == boolean.class) {
                return new Expected("true or false", "true");
            }
            if (type != null && List.class.isAssignableFrom(type)) {
                return new Expected("a list in brackets", "[\"a\", \"b\"]");
            }
            return type == String.class ? new Expected("text in quotes", "\"text\"")
                    : new Expected("a table of keys", "{ key = \"value\" }");
        }
    }
}
