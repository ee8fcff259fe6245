package dev.ferry.agent.docker;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The container operations the runner needs, so that the reconcile logic does not depend on docker-java.
 * The real one is {@link DockerRuntime}. Every method may throw {@link EngineUnreachableException} when the
 * engine does not answer and {@link ContainerRuntimeException} when it refuses.
 */
public interface ContainerRuntime extends AutoCloseable {

    /** @return where the engine is, e.g. {@code unix:///var/run/docker.sock}, for messages */
    String dockerHost();

    /** @return the engine's version: a cheap call that also proves the engine answers */
    String version();

    /** @return the engine's version, CPUs and memory */
    EngineInfo engineInfo();

    /** @return the containers carrying every given label, in any status */
    List<ManagedContainer> list(Map<String, String> labels);

    /** @return the container named or identified {@code idOrName}, if it exists */
    Optional<ManagedContainer> inspect(String idOrName);

    /** @return the local image {@code image}, if it is present */
    Optional<ImageInfo> image(String image);

    /** Pulls {@code image} from its registry, waiting at most {@code timeout}. */
    void pull(String image, Duration timeout);

    /** @return the id of the created (not started) container */
    String create(ContainerSpec spec);

    void start(String id);

    /** Stops the container: TERM, then KILL after {@code timeout}. Stopping a stopped container is no error. */
    void stop(String id, Duration timeout);

    /** Pausing a paused container is no error. */
    void pause(String id);

    /** Unpausing a running container is no error. */
    void unpause(String id);

    /**
     * Attaches the container, which must not be running, to {@code network} and detaches it from every other
     * network, so that it starts on that network only.
     */
    void moveToNetwork(String id, String network);

    /** Removes the container, running or not, with its anonymous volumes. A missing container is no error. */
    void remove(String id);

    /**
     * Gives the running container host name {@code hostname} (the kernel's, /etc/hostname and its line of
     * /etc/hosts) until it stops: Docker gives it the name of its create again at each start.
     *
     * @return whether it changed anything (not when the container is named so already)
     */
    boolean rename(String id, String hostname);

    /**
     * Runs a command in the running container as root and waits for it, on connections to the engine of its
     * own, so that commands that hang never hold the connections other calls need.
     *
     * @param env     extra environment of the command
     * @param timeout how long to wait for it to end; a command still running then is abandoned (it may go on
     *                in the container) and an {@link ExecTimeoutException} says so
     */
    ExecResult exec(String id, List<String> cmd, Map<String, String> env, Duration timeout);

    @Override
    void close();
}
