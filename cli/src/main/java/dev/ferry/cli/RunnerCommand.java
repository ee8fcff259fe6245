package dev.ferry.cli;

import dev.ferry.agent.RunnerAgent;
import dev.ferry.bastion.host.HostLogging;
import dev.ferry.cli.config.ConfigFile;
import dev.ferry.cli.runner.RunnerOptions;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code ferry runner}: runs VPS containers on this machine's Docker engine for a Host. */
@Command(name = "runner", mixinStandardHelpOptions = true,
        description = "Run a runner agent: VPS containers on this machine's Docker engine, for a Ferry host.")
public final class RunnerCommand implements Callable<Integer> {
    @ParentCommand
    private FerryCommand parent;

    @Mixin
    private RunnerOptions options;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (default: $FERRY_HOME/config.toml or ~/.ferry/config.toml).")
    private Path configFile;

    @Override
    public Integer call() throws Exception {
        Env env = parent.env();
        ConfigFile file = ConfigFile.load(configFile, env);
        var config = options.config(env, file);
        HostLogging.initConsoleOnly();
        RunnerAgent runner = RunnerAgent.start(config);
        // another process took this runner's name: this one manages nothing any more, so it ends
        runner.superseded().thenRun(() -> System.exit(ExitCodes.CONFLICT));
        // the Host refused it for good (removed, or its name taken): an admin has to act
        runner.refused().thenRun(() -> System.exit(ExitCodes.UNAUTHORIZED));
        Foreground.runUntilSignal(runner::close);
        return ExitCodes.OK;
    }
}
