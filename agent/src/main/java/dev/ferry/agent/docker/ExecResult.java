package dev.ferry.agent.docker;

/**
 * The end of a command run in a container.
 *
 * @param exitCode its exit code
 * @param output   its stdout and stderr, interleaved as they came (shortened when long)
 */
public record ExecResult(int exitCode, String output) {
}
