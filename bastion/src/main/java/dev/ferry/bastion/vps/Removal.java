package dev.ferry.bastion.vps;

import java.time.Instant;

/**
 * A runner's VPS gone from the registry whose container its runner has not reported gone yet.
 *
 * @param vpsId     the removed VPS's id
 * @param runner    the runner that holds its container
 * @param removedAt when it was removed
 */
public record Removal(long vpsId, String runner, Instant removedAt) {
}
