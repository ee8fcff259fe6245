package dev.ferry.cli;

import dev.ferry.bastion.FerryException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code ferry down}: stops what {@code ferry up} (or {@code ferry host}) started from this data directory. */
@Command(name = "down", mixinStandardHelpOptions = true,
        description = "Stop the Host (and its runner) that ferry up or ferry host runs from this data directory, as "
                + "Ctrl-C in its terminal would: VPS containers keep running.")
public final class DownCommand implements Callable<Integer> {
    /** How long a Host is given to close its sessions, write its last rows and stop. */
    static final int STOP_SECONDS = 60;

    @ParentCommand
    private FerryCommand parent;

    @Mixin
    private HostOptions hostOptions;

    @Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Path dataDir = hostOptions.config(parent.env()).dataDir();
        Optional<ProcessHandle> running = HostProcessFile.running(dataDir);
        if (running.isEmpty()) {
            HostProcessFile.delete(dataDir);
            spec.commandLine().getOut().println("no Host runs from " + dataDir + ": nothing to stop");
            return ExitCodes.OK;
        }
        ProcessHandle p = running.get();
        p.destroy();
        try {
            p.onExit().get(STOP_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new FerryException(FerryException.Kind.UNAVAILABLE, "the Host (process " + p.pid() + ") has not "
                    + "stopped within " + STOP_SECONDS + " s; its log says what it waits for (" + dataDir
                    + "/logs/ferry-host.log); kill -9 " + p.pid() + " ends it at once");
        }
        spec.commandLine().getOut().println("stopped the Host running from " + dataDir + " (process " + p.pid()
                + ")");
        return ExitCodes.OK;
    }
}
