package dev.ferry.cli;

import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.host.HostSettings;
import dev.ferry.bastion.host.Setting;
import dev.ferry.bastion.registry.RegistryLocation;
import dev.ferry.cli.config.ConfigFile;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options of {@code ferry host} (and {@code ferry up}): a flag for each setting of {@link HostSettings} that
 * has one (made from its declaration), over config.toml's {@code [host]}, over the defaults.
 */
@Command(modelTransformer = HostOptions.Flags.class)
public final class HostOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (default: $FERRY_HOME/config.toml or ~/.ferry/config.toml).")
    Path configFile;

    /** Adds the settings' flags to the command. */
    public static final class Flags implements IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec spec) {
            for (Setting<?> s : HostSettings.ALL) {
                if (s.flag() == null) {
                    continue;
                }
                boolean bool = s.fallback() instanceof Boolean;
                spec.addOption(OptionSpec.builder(s.flag()).type(bool ? boolean.class : String.class)
                        .arity(bool ? "0" : "1").paramLabel(label(s))
                        .description(Character.toUpperCase(s.doc().charAt(0)) + s.doc().substring(1) + " (default: "
                                + s.shown() + "; [host] " + s.key() + ").").build());
            }
            return spec;
        }

        private static String label(Setting<?> s) {
            String key = s.key();
            return key.endsWith("port") ? "PORT" : key.endsWith("bind") ? "ADDR" : key.endsWith("dir") ? "DIR"
                    : key.toUpperCase(Locale.ROOT);
        }
    }

    /** The config file these options name, or the default one. */
    ConfigFile file(Env env) {
        return ConfigFile.load(configFile, env);
    }

    /** Flags over the config file over defaults. */
    HostConfig config(Env env) {
        ConfigFile.HostSection h = file(env).host();
        Path dir = flag(HostSettings.DATA_DIR);
        if (dir == null) {
            dir = h.get(HostSettings.DATA_DIR) != null ? h.get(HostSettings.DATA_DIR) : env.ferryHome();
        }
        HostConfig config = h.over(HostConfig.defaults(dir)).withRegistry(registry(h, env));
        for (Setting<?> s : HostSettings.ALL) {
            if (s.flag() != null && s != HostSettings.DATA_DIR) {
                config = withFlag(config, s);
            }
        }
        return config;
    }

    private <T> HostConfig withFlag(HostConfig config, Setting<T> setting) {
        T value = flag(setting);
        return value == null ? config : config.with(setting, value);
    }

    /** The value given to {@code setting}'s flag, or null when it is not given (or no command line was parsed). */
    private <T> T flag(Setting<T> setting) {
        OptionSpec option = command == null ? null : command.findOption(setting.flag());
        Object given = option == null ? null : option.getValue();
        if (given == null || Boolean.FALSE.equals(given)) {
            return null;
        }
        return setting.valueOfFlag(given.toString());
    }

    /**
     * {@code registry_url} with its password from {@code registry_password_file} or FERRY_REGISTRY_PASSWORD, and
     * {@code registry_key_file}.
     */
    private static RegistryLocation registry(ConfigFile.HostSection h, Env env) {
        String url = h.get(HostSettings.REGISTRY_URL);
        return new RegistryLocation(url, h.get(HostSettings.REGISTRY_PASSWORD_FILE),
                url == null ? null : env.get("FERRY_REGISTRY_PASSWORD"), h.get(HostSettings.REGISTRY_KEY_FILE));
    }
}
