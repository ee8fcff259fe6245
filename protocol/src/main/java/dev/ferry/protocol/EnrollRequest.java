package dev.ferry.protocol;

/**
 * {@code POST /api/v1/runners/enroll}, with a join token: a runner joins once and from then on proves its own
 * credential. The runner makes the credential and keeps it; the Host learns only its digest, so the answer carries
 * no secret, and an enrollment repeated with the same digest (its answer was lost) succeeds again.
 *
 * @param name             the runner's name, {@code [a-z][a-z0-9-]{0,62}}; bound to the credential from now on
 * @param address          the advertised address the bastion dials for its VPS (IP literal or host name); fixed
 * @param portMin          the lowest host port its VPS sshds are published on (Docker's ephemeral range, or configured)
 * @param portMax          the highest
 * @param credentialSha256 {@link Credentials#digest} of the runner's credential
 */
public record EnrollRequest(String name, String address, Integer portMin, Integer portMax, String credentialSha256) {
}
