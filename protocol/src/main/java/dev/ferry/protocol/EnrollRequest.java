package dev.ferry.protocol;

/**
 * {@code POST /api/v1/runners/enroll}, with a join token: a runner joins once and receives its own credential.
 *
 * @param name    the runner's name, {@code [a-z][a-z0-9-]{0,62}}; bound to the credential from now on
 * @param address the advertised address the bastion dials for its VPS (IP literal or host name); fixed from now on
 * @param portMin the lowest host port its VPS sshds are published on (Docker's ephemeral range, or configured)
 * @param portMax the highest
 */
public record EnrollRequest(String name, String address, Integer portMin, Integer portMax) {
}
