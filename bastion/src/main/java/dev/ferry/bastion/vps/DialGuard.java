package dev.ferry.bastion.vps;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.Set;

/**
 * What the bastion never dials, checked on the resolved address right before each dial (DESIGN.md, Forwarding
 * rules): the Host's own SSH and API ports, unspecified, link-local (cloud metadata) and multicast addresses.
 * The dial then goes to the checked address itself, so a name cannot resolve elsewhere in between.
 */
public final class DialGuard {
    private volatile Set<Integer> ownPorts = Set.of();

    /** The Host's own ports, known once its listeners are bound. */
    public void ownPorts(Set<Integer> ports) {
        this.ownPorts = Set.copyOf(ports);
    }

    /**
     * Resolves an endpoint and checks every address it names.
     *
     * @return the address to dial
     * @throws UnknownHostException when the name does not resolve
     * @throws Refused              naming the rule when an address may not be dialed
     */
    public InetAddress resolve(Endpoint endpoint) throws UnknownHostException, Refused {
        InetAddress[] all = InetAddress.getAllByName(endpoint.host());
        for (InetAddress a : all) {
            Optional<String> why = refusal(a, endpoint.port());
            if (why.isPresent()) {
                String shown = a.getHostAddress().equals(endpoint.host()) ? "" : " resolves to " + a.getHostAddress()
                        + ", which";
                throw new Refused("its endpoint " + endpoint + shown + " is " + why.get()
                        + ", which the bastion never dials");
            }
        }
        return all[0];
    }

    /** Why this address and port may not be dialed, if they may not. */
    public Optional<String> refusal(InetAddress a, int port) {
        if (a.isAnyLocalAddress()) {
            return Optional.of("an unspecified address");
        }
        if (a.isLinkLocalAddress()) {
            return Optional.of("a link-local address (where cloud metadata services answer)");
        }
        if (a.isMulticastAddress()) {
            return Optional.of("a multicast address");
        }
        if (ownPorts.contains(port) && (a.isLoopbackAddress() || isOwnAddress(a))) {
            return Optional.of("the Host's own SSH or API port");
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
