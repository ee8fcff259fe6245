package dev.ferry.cli;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.host.DataDir;
import dev.ferry.bastion.host.Host;
import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.host.HostLogging;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/** {@code ferry host}: runs the Host in the foreground until SIGTERM or SIGINT. */
@Command(name = "host", mixinStandardHelpOptions = true,
        description = "Run the Ferry host (bastion SSH server, registry, control API) in the foreground.")
public final class HostCommand implements Callable<Integer> {
    @ParentCommand
    private FerryCommand parent;

    @Mixin
    private HostOptions options;

    @Override
    public Integer call() throws Exception {
        Host host = start(options.config(parent.env()));
        Foreground.runUntilSignal(host::close);
        return ExitCodes.OK;
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
