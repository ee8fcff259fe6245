package dev.ferry.bastion.host;

import dev.ferry.bastion.api.ApiServer;
import dev.ferry.bastion.api.Router;
import dev.ferry.bastion.api.VpsRoutes;
import dev.ferry.bastion.registry.H2Registry;
import dev.ferry.bastion.registry.VpsRegistry;
import dev.ferry.bastion.ssh.Bastion;
import dev.ferry.bastion.ssh.BastionSettings;
import dev.ferry.bastion.vps.Snowflake;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Host: the registry, the bastion (SSH server) and the control API. */
public final class Host implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Host.class);

    private final DataDir dataDir;
    private final VpsRegistry registry;
    private final Bastion bastion;
    private final ApiServer api;

    private Host(DataDir dataDir, VpsRegistry registry, Bastion bastion, ApiServer api) {
        this.dataDir = dataDir;
        this.registry = registry;
        this.bastion = bastion;
        this.api = api;
    }

    /** Prepares the data directory and starts serving. Closes what it opened when a step fails. */
    public static Host start(HostConfig config) throws IOException {
        DataDir dir = DataDir.prepare(config.dataDir());
        String token = dir.adminToken();
        List<Path> hostKeys = dir.hostKeys();
        VpsRegistry registry = H2Registry.open(dir.root(), new Snowflake(config.instanceId()), Clock.systemUTC());
        Bastion bastion;
        try {
            bastion = Bastion.start(new BastionSettings(config.bind(), config.sshPort(), hostKeys,
                    config.connectTimeout(), config.keepaliveInterval(), config.keepaliveMaxMissed()), registry);
        } catch (IOException | RuntimeException e) {
            registry.close();
            throw new IOException("cannot listen for SSH on " + config.bind() + ":" + config.sshPort() + ": "
                    + e.getMessage(), e);
        }
        try {
            Router router = new VpsRoutes(registry).register(new Router());
            ApiServer api = ApiServer.start(new InetSocketAddress(config.apiBind(), config.apiPort()), token, router);
            Host host = new Host(dir, registry, bastion, api);
            log.info("{}", host.readyLine());
            return host;
        } catch (IOException | RuntimeException e) {
            bastion.close();
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

    /** The bastion's SSH address, e.g. {@code 0.0.0.0:2222}. */
    public InetSocketAddress sshAddress() {
        return bastion.address();
    }

    /** How many SSH connections the bastion has accepted since start. */
    public long bastionSessions() {
        return bastion.sessionsAccepted();
    }

    /** The line printed once everything listens. */
    public String readyLine() {
        InetSocketAddress ssh = sshAddress();
        return "ferry host ready: ssh " + ssh.getHostString() + ":" + ssh.getPort() + ", api " + apiUrl()
                + ", data " + dataDir.root();
    }

    @Override
    public void close() {
        api.close();
        try {
            bastion.close();
        } catch (IOException e) {
            log.warn("bastion did not stop cleanly: {}", e.toString());
        }
        registry.close();
        log.info("ferry host stopped");
    }
}
