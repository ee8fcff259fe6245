package dev.ferry.bastion.host;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The names and addresses the bastion's host certificate is valid for ({@code host_cert_principals}): an
 * OpenSSH client accepts the certificate only when the name it was given (lower-cased, as ssh does) is one of
 * them. By default: the machine's host name, {@code localhost}, {@code 127.0.0.1}, {@code ::1} and the bind
 * address when it is not a wildcard. A public DNS name the machine does not know itself by must be configured.
 */
public final class HostCertPrincipals {
    /** More names than any certificate needs; bounds the certificate sent in every key exchange. */
    public static final int MAX = 64;
    private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

    private HostCertPrincipals() {
    }

    /** The default principals for a bastion bound to {@code bind}. */
    public static List<String> defaults(String bind) {
        Set<String> names = new LinkedHashSet<>();
        String hostName = machineName();
        if (hostName != null) {
            names.add(hostName);
        }
        names.addAll(List.of("localhost", "127.0.0.1", "::1"));
        if (!isWildcard(bind)) {
            names.add(bind.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(names);
    }

    /**
     * Checks configured principals: each a host name or IP address, at least one, at most {@link #MAX}.
     *
     * @return the names lower-cased (the OpenSSH client compares the lower-cased name), duplicates dropped
     * @throws IllegalArgumentException a sentence naming {@code host_cert_principals}
     */
    public static List<String> check(List<String> principals) {
        if (principals.isEmpty()) {
            throw new IllegalArgumentException("host_cert_principals must name at least one host name or address "
                    + "the bastion is reached by; leave it out for the defaults");
        }
        if (principals.size() > MAX) {
            throw new IllegalArgumentException("host_cert_principals holds " + principals.size()
                    + " names; at most " + MAX + " are allowed");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String p : principals) {
            if (p == null || !p.matches("[0-9A-Za-z._:%-]{1,253}")) {
                throw new IllegalArgumentException("host_cert_principals: '" + p + "' is not a host name or IP "
                        + "address (letters, digits, '.', '-', ':'; no ports, brackets or wildcards)");
            }
            names.add(p.toLowerCase(Locale.ROOT));
        }
        return List.copyOf(names);
    }

    private static boolean isWildcard(String bind) {
        if (bind.isEmpty() || bind.equals("*")) {
            return true;
        }
        if (!bind.contains(":") && !bind.matches("[0-9.]+")) {
            return false; // a name: never resolved here, and a client may use it
        }
        try {
            return InetAddress.getByName(bind).isAnyLocalAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** The machine's own name, without asking DNS what it is; null when it has none. */
    private static String machineName() {
        try {
            return usable(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            // the name does not resolve, but it is still the machine's name: Linux tells it directly
            try {
                return usable(Files.readString(KERNEL_HOSTNAME).strip());
            } catch (IOException | RuntimeException notLinux) {
                return null;
            }
        }
    }

    private static String usable(String name) {
        return name != null && name.matches("[0-9A-Za-z._-]{1,253}") ? name.toLowerCase(Locale.ROOT) : null;
    }
}
