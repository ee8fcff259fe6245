package dev.ferry.bastion.host;

import dev.ferry.bastion.api.ApiServer;
import dev.ferry.bastion.api.Router;
import dev.ferry.bastion.api.VpsRoutes;
import dev.ferry.bastion.registry.H2Registry;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.vps.Snowflake;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Host: the registry, the bastion's key material and the control API. The SSH server joins
 * it with the bastion issue; until then the SSH port is configured but not served.
 */
public final class Host implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Host.class);

    private final HostConfig config;
    private final DataDir dataDir;
    private final VpsRegistry registry;
    private final ApiServer api;

    private Host(HostConfig config, DataDir dataDir, VpsRegistry registry, ApiServer api) {
        this.config = config;
        this.dataDir = dataDir;
        this.registry = registry;
        this.api = api;
    }

    /** Prepares the data directory and starts serving. Closes what it opened when a step fails. */
    public static Host start(HostConfig config) throws IOException {
        DataDir dir = DataDir.prepare(config.dataDir());
        String token = dir.adminToken();
        dir.hostKey();
        VpsRegistry registry = H2Registry.open(dir.root(), new Snowflake(config.instanceId()), Clock.systemUTC());
        try {
            Router router = new VpsRoutes(registry).register(new Router());
            ApiServer api = ApiServer.start(new InetSocketAddress(config.apiBind(), config.apiPort()), token, router);
            Host host = new Host(config, dir, registry, api);
            log.info("{}", host.readyLine());
            return host;
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw new IOException("cannot listen for the control API on " + config.apiBind() + ":"
                    + config.apiPort() + ": " + e.getMessage(), e);
        }
    }

    /** The control API's base URL, e.g. {@code http://127.0.0.1:8000}. */
    public String apiUrl() {
        InetSocketAddress a = api.address();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    public Path dataDir() {
        return dataDir.root();
    }

    public VpsRegistry registry() {
        return registry;
    }

    /** The line printed once everything listens. */
    public String readyLine() {
        return "ferry host ready: api " + apiUrl() + ", ssh " + config.bind() + ":" + config.sshPort()
                + " (bastion not yet served), data " + dataDir.root();
    }

    @Override
    public void close() {
        api.close();
        registry.close();
        log.info("ferry host stopped");
    }
}
