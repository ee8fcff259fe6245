package dev.ferry.cli;

import picocli.CommandLine;

/** The {@code ferry} command: wires the CLI, the Host and (later) the runner together. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // the Host's shutdown hook logs its last lines and then stops Log4j itself (HostLogging)
        System.setProperty("log4j2.shutdownHookEnabled", "false");
        System.exit(commandLine(Env.system()).execute(args));
    }

    /** The configured command line; tests call {@code execute} on it with their own writers. */
    public static CommandLine commandLine(Env env) {
        return new CommandLine(new FerryCommand(env))
                .setExecutionExceptionHandler(new ExitCodes(env.launcher()))
                .setParameterExceptionHandler(new UsageErrors(env));
    }
}
