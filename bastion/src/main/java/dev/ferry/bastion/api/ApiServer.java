package dev.ferry.bastion.api;

import dev.ferry.bastion.net.TrustedProxies;
import java.io.IOException;
import java.util.List;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.DetectorConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The control API's HTTP transport (Jetty, core handlers): limits what one client may hold ({@link ApiLimits}),
 * speaks TLS when given a context, and has {@link ApiDispatcher} answer what gets through.
 */
public final class ApiServer implements AutoCloseable {
    private static final long IDLE_WORKER_MILLIS = 60_000;

    private final Server server;
    private final ServerConnector connector;
    private final HeadDeadline deadline;
    private final ApiDispatcher dispatcher;

    private ApiServer(Server server, ServerConnector connector, HeadDeadline deadline, ApiDispatcher dispatcher) {
        this.server = server;
        this.connector = connector;
        this.deadline = deadline;
        this.dispatcher = dispatcher;
    }

    /** Every route a person or the admin token calls, as {@code METHOD /pattern}, in the order they are matched. */
    public List<String> personRoutes() {
        return dispatcher.personRoutes();
    }

    /** Binds plain HTTP with the default limits (loopback). */
    public static ApiServer start(InetSocketAddress address, ApiDispatcher dispatcher) throws IOException {
        return start(address, dispatcher, ApiLimits.DEFAULTS, null);
    }

    /**
     * Binds and starts serving what {@code dispatcher} answers.
     *
     * @param tls the Host's TLS identity, or null for plain HTTP; with it, a plain request is answered with a
     *            sentence saying to use https, and never reaches {@code dispatcher}
     */
    public static ApiServer start(InetSocketAddress address, ApiDispatcher dispatcher, ApiLimits limits, SSLContext tls)
            throws IOException {
        return start(address, dispatcher, limits, tls, TrustedProxies.NONE);
    }

    /**
     * {@link #start(InetSocketAddress, ApiDispatcher, ApiLimits, SSLContext)} behind load balancers.
     *
     * @param balancers the load balancers whose connections may start with a PROXY protocol header
     */
    public static ApiServer start(InetSocketAddress address, ApiDispatcher dispatcher, ApiLimits limits, SSLContext tls,
                                  TrustedProxies balancers) throws IOException {
        QueuedThreadPool workers = new QueuedThreadPool(limits.workers(), Math.min(4, limits.workers()),
                (int) IDLE_WORKER_MILLIS, new BlockingArrayQueue<>(limits.queuedTasks()));
        workers.setName("ferry-api");
        workers.setDaemon(true);
        Server server = new Server(workers);
        server.setErrorHandler(new JsonErrors(limits));
        ServerConnector connector = connector(server, limits, tls, balancers);
        connector.setHost(address.getHostString());
        connector.setPort(address.getPort());
        connector.addBean(new ConnectionCaps(limits.maxConnections(), limits.maxPerSource(), balancers));
        server.addConnector(connector);
        HeadDeadline deadline = new HeadDeadline(limits.headTime(), connector::getConnectedEndPoints);
        String plainRefusal = tls == null ? null : "this Host's API speaks TLS only: use https:// instead of "
                + "http:// in the Host URL, with --host-fingerprint set to the key 'ferry host' prints at start";
        server.setHandler(new JettyAdapter(dispatcher, limits, deadline, workers, plainRefusal));
        try {
            server.start();
        } catch (Exception e) {
            deadline.close();
            stop(server);
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
        return new ApiServer(server, connector, deadline, dispatcher);
    }

    private static ServerConnector connector(Server server, ApiLimits limits, SSLContext tls,
                                             TrustedProxies balancers) {
        HttpConfiguration config = new HttpConfiguration();
        config.setRequestHeaderSize(limits.maxHeaderBytes());
        config.setIdleTimeout(limits.idleTimeout().toMillis());
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        // key fingerprints travel as path segments with an encoded '/': the Router decodes segments itself
        config.setUriCompliance(UriCompliance.LEGACY);
        HttpConnectionFactory http = new HttpConnectionFactory(config);
        ServerConnector connector;
        if (tls == null) {
            connector = balancers.isEmpty() ? new ServerConnector(server, 1, 1, http)
                    : new ServerConnector(server, 1, 1, new BalancerProxyFactory(http.getProtocol(), balancers), http);
        } else {
            SslContextFactory.Server context = new SslContextFactory.Server();
            context.setSslContext(tls);
            // clients pin the key, not a name: a request for any host name is for this Host
            config.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
            SslConnectionFactory ssl = new SslConnectionFactory(context, http.getProtocol());
            // the detector hands plain HTTP to the same factory, where JettyAdapter answers it with a sentence
            DetectorConnectionFactory detector = new DetectorConnectionFactory(ssl);
            connector = balancers.isEmpty() ? new ServerConnector(server, 1, 1, detector, http)
                    : new ServerConnector(server, 1, 1, new BalancerProxyFactory(detector.getProtocol(), balancers),
                            detector, http);
            connector.addBean(context, false); // found again by reloadTls; the SslConnectionFactory manages it
        }
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        return connector;
    }

    /**
     * Serves a new TLS identity (a rotation): connections made from now on get it; those open keep theirs.
     *
     * @throws IllegalStateException when this API speaks no TLS
     */
    public void reloadTls(SSLContext tls) {
        SslContextFactory.Server context = connector.getBean(SslContextFactory.Server.class);
        if (context == null) {
            throw new IllegalStateException("this API speaks no TLS");
        }
        try {
            context.reload(f -> f.setSslContext(tls));
        } catch (Exception e) {
            throw new IllegalStateException("cannot serve the new TLS key: " + e.getMessage(), e);
        }
    }

    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) ((ServerSocketChannel) connector.getTransport()).getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("the API's listening socket is closed", e);
        }
    }

    private static void stop(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping after a failed start: the failure that matters is the start's
        }
    }

    @Override
    public void close() {
        deadline.close();
        stop(server);
    }
}
