package dev.ferry.protocol;

/**
 * The Host's answer to a registration.
 *
 * @param heartbeatSeconds how often the Host wants heartbeats; 0 or absent leaves the runner's own setting
 * @param registryId       the identity of the Host's registry: containers are labelled with it, and only
 *                         containers of this registry that the Host no longer lists are removed
 * @param session          this registration: heartbeats carry it; the Host refuses those of an older
 *                         registration of the same name (another process registered since)
 */
public record RegisterAnswer(int heartbeatSeconds, String registryId, String session) {
}
