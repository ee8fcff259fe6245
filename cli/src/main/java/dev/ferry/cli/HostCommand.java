package dev.ferry.cli;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.host.DataDir;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.host.HostLogging;
import dev.ferry.bastion.registry.JdbcRegistry;
import dev.ferry.bastion.several.SecretSeal;
import dev.ferry.bastion.vps.Endpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ferry host}: runs the Host in the foreground until SIGTERM or SIGINT. */
@Command(name = "host", mixinStandardHelpOptions = true, subcommands = HostRotate.class,
        description = "Run the Ferry host (bastion SSH server, registry, control API) in the foreground.")
public final class HostCommand implements Callable<Integer> {
    @ParentCommand
    private FerryCommand parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private HostOptions options;

    @Option(names = "--check-config", description = "Check the configuration (the file and the flags, the data "
            + "directory, the registry and its files) and exit without starting: 0 when the Host would start with it.")
    private boolean checkConfig;

    @Override
    public Integer call() throws Exception {
        if (checkConfig) {
            return check(parent.env());
        }
        HostConfig config = options.config(parent.env());
        Host host = start(config);
        HostProcessFile.write(config.dataDir());
        Foreground.runUntilSignal(() -> {
            host.close();
            HostProcessFile.delete(config.dataDir());
        });
        return ExitCodes.OK;
    }

    /** {@code --check-config}: every check a start makes before it listens, and a summary; nothing is changed. */
    private int check(Env env) {
        PrintWriter out = spec.commandLine().getOut();
        HostConfig config;
        try {
            config = options.config(env);
        } catch (IllegalArgumentException e) {
            throw FerryException.invalid("the configuration is not valid: " + e.getMessage());
        }
        String registry;
        try {
            if (!config.registry().embedded()) {
                SecretSeal.fromFile(config.registry().keyFile());
            }
            registry = JdbcRegistry.check(config.registry());
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw FerryException.invalid("the configuration is not valid: " + e.getMessage());
        }
        out.println("the configuration is valid" + (options.configFile != null ? " (" + options.configFile + ")" : ""));
        out.println("  data directory " + config.dataDir().toAbsolutePath() + dataDirState(config.dataDir()));
        out.println("  ssh " + Endpoint.hostPort(config.bind(), config.sshPort()) + ", api "
                + Endpoint.hostPort(config.apiBind(), config.apiPort()) + (config.apiSpeaksTls() ? " (TLS)" : " (plain "
                + "HTTP on loopback)") + ", instance_id " + config.instanceId());
        out.println("  registry " + registry);
        out.println("  bastion host certificate for " + String.join(", ", config.certPrincipals()));
        if (!config.frontDoor().proxyProtocolFrom().isEmpty()) {
            out.println("  PROXY protocol from " + String.join(", ", config.frontDoor().proxyProtocolFrom()));
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** What a start would find of the data directory, or a refusal. */
    private static String dataDirState(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            try {
                DataDir.checkExisting(abs);
            } catch (IOException e) {
                throw FerryException.invalid("the configuration is not valid: " + e.getMessage());
            }
            return " (there, owner only)";
        }
        Path parent = abs.getParent();
        while (parent != null && !Files.exists(parent)) {
            parent = parent.getParent();
        }
        if (parent == null || !Files.isWritable(parent)) {
            throw FerryException.invalid("the configuration is not valid: data directory " + abs + " cannot be made ("
                    + parent + " is not writable by this user)");
        }
        return " (made at the first start, 0700)";
    }

    /** Prepares logging and starts a Host, turning start-up failures into one sentence. */
    static Host start(HostConfig config) {
        try {
            DataDir dir = DataDir.prepare(config.dataDir());
            HostLogging.init(dir.logs());
            return Host.start(config);
        } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.NotDirectoryException e) {
            throw new FerryException(FerryException.Kind.UNAVAILABLE, "cannot start the host: the data directory "
                    + config.dataDir() + " (or a part of its path) is a file, not a directory", e);
        } catch (IOException | IllegalStateException e) {
            throw new FerryException(FerryException.Kind.UNAVAILABLE, "cannot start the host: " + e.getMessage(), e);
        }
    }
}
