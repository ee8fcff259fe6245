package dev.ferry.agent.host;

/**
 * The Host's answer to a registration.
 *
 * @param heartbeatSeconds how often the Host wants heartbeats; 0 or absent leaves the runner's own setting
 */
public record RegisterAnswer(int heartbeatSeconds) {
}
