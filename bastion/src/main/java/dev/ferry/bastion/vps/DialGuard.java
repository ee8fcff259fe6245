package dev.ferry.bastion.vps;

import dev.ferry.bastion.DaemonThreads;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What the bastion never dials, checked on the resolved address right before each dial (DESIGN.md, Forwarding
 * rules): the Host's own SSH and API ports, unspecified, link-local (cloud metadata) and multicast addresses, and
 * the Host's own machine (loopback, or one of its addresses) unless the endpoint may be there: a runner enrolled
 * from the Host's machine ({@code ferry up}), or an endpoint an admin registered. The dial then goes to the checked
 * address itself, so a name cannot resolve elsewhere in between.
 */
public final class DialGuard {
    /** Name lookups run here, never on an SSH I/O thread; a queue this long means the resolver is stuck. */
    private static final int LOOKUP_THREADS = 4;
    private static final int LOOKUP_QUEUE = 256;

    /** Looks up every address of a name (the JDK's resolver; tests give a slower one). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] lookup(String host) throws UnknownHostException;
    }

    private final Resolver resolver;
    private final ExecutorService lookups;
    private volatile Set<Integer> ownPorts = Set.of();

    public DialGuard() {
        this(InetAddress::getAllByName);
    }

    public DialGuard(Resolver resolver) {
        this.resolver = resolver;
        this.lookups = new ThreadPoolExecutor(LOOKUP_THREADS, LOOKUP_THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(LOOKUP_QUEUE), DaemonThreads.numbered("ferry-resolve"));
        ((ThreadPoolExecutor) lookups).allowCoreThreadTimeOut(true);
    }

    /** The Host's own ports, known once its listeners are bound. */
    public void ownPorts(Set<Integer> ports) {
        this.ownPorts = Set.copyOf(ports);
    }

    /**
     * Resolves an endpoint and checks every address it names.
     *
     * @param hostMachine whether the endpoint may be on the Host's own machine (loopback or its own addresses)
     * @return the address to dial
     * @throws UnknownHostException when the name does not resolve
     * @throws Refused              naming the rule when an address may not be dialed
     */
    public InetAddress resolve(Endpoint endpoint, boolean hostMachine) throws UnknownHostException, Refused {
        InetAddress[] all = endpoint.isIpLiteral() ? InetAddress.getAllByName(endpoint.host())
                : resolver.lookup(endpoint.host());
        for (InetAddress a : all) {
            Optional<String> why = refusal(a, endpoint.port(), hostMachine);
            if (why.isPresent()) {
                String shown = a.getHostAddress().equals(endpoint.host()) ? "" : " resolves to " + a.getHostAddress()
                        + ", which";
                throw new Refused("its endpoint " + endpoint + shown + " is " + why.get()
                        + ", which the bastion never dials");
            }
        }
        return all[0];
    }

    /**
     * {@link #resolve} without blocking the caller (an SSH I/O thread): an IP literal is checked at once, a name is
     * looked up on the guard's own threads. The future fails with {@link Refused}, {@link UnknownHostException},
     * or an {@link java.io.IOException} when too many lookups are pending.
     */
    public CompletableFuture<InetAddress> resolveAsync(Endpoint endpoint, boolean hostMachine) {
        if (endpoint.isIpLiteral()) {
            try {
                return CompletableFuture.completedFuture(resolve(endpoint, hostMachine)); // parsed, never looked up
            } catch (UnknownHostException | Refused e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<InetAddress> result = new CompletableFuture<>();
        try {
            lookups.execute(() -> {
                try {
                    result.complete(resolve(endpoint, hostMachine));
                } catch (UnknownHostException | Refused | RuntimeException e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new java.io.IOException("the bastion has " + LOOKUP_QUEUE + " name lookups "
                    + "waiting already (is its DNS resolver answering?)"));
        }
        return result;
    }

    /** The failure inside a {@link #resolveAsync} future's exception. */
    public static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** Why this address and port may not be dialed, if they may not. */
    public Optional<String> refusal(InetAddress a, int port, boolean hostMachine) {
        if (a.isAnyLocalAddress()) {
            return Optional.of("an unspecified address");
        }
        if (a.isLinkLocalAddress()) {
            return Optional.of("a link-local address (where cloud metadata services answer)");
        }
        if (a.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        boolean own = a.isLoopbackAddress() || isOwnAddress(a);
        // an address not on an interface may still be the Host's (a cloud's 1:1 NAT): a runner elsewhere never
        // gets the Host's own ports, whatever the address
        if (ownPorts.contains(port) && (own || !hostMachine)) {
            return Optional.of("the Host's own SSH or API port");
        }
        if (own && !hostMachine) {
            return Optional.of("on the Host's own machine (loopback, or one of its addresses) while its runner "
                    + "enrolled from another");
        }
        return Optional.empty();
    }

    private static boolean isOwnAddress(InetAddress a) {
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return true; // cannot tell: treat it as the Host's own
        }
    }

    /** A dial the rules forbid; the message completes "vps-123: ...". */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }
}
