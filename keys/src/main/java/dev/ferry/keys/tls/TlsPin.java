package dev.ferry.keys.tls;

import dev.ferry.keys.Fingerprints;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * The pin of a TLS server's key: {@code sha256:} and the unpadded base64 of the SHA-256 of the key's
 * SubjectPublicKeyInfo (DER). Pinning the key, not the certificate, lets the Host renew its certificate
 * without clients noticing; the base64 form is the one OpenSSH users compare every day, and the lower-case
 * prefix keeps it apart from an SSH key's {@code SHA256:} fingerprint, which hashes another encoding.
 */
public record TlsPin(String fingerprint) {
    public static final String PREFIX = "sha256:";
    private static final Pattern FORM = Pattern.compile("sha256:[A-Za-z0-9+/]{43}");

    public TlsPin {
        if (fingerprint == null || !FORM.matcher(fingerprint).matches()) {
            throw new IllegalArgumentException("a Host key fingerprint looks like sha256: and 43 characters of "
                    + "base64, as 'ferry host' prints it at start; got " + quote(fingerprint));
        }
    }

    /** The pin of {@code key}. */
    public static TlsPin of(PublicKey key) {
        return new TlsPin(PREFIX + Fingerprints.sha256Base64(key.getEncoded()));
    }

    /** Reads a pin as a user gives it; a leading {@code SHA256:} is accepted too. */
    public static TlsPin parse(String text) {
        String t = text == null ? null : text.strip();
        if (t != null && t.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            t = PREFIX + t.substring(PREFIX.length());
        }
        return new TlsPin(t);
    }

    /**
     * A TLS client context that trusts exactly this key: no certificate authority, no host name, no expiry,
     * because the pin says everything the client has to know about the server.
     */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new PinnedTrustManager(this)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make a TLS client context: " + e.getMessage(), e);
        }
    }

    /**
     * The TLS context a client of {@code url} uses: pinned to {@code pin} for {@code https}, none for
     * {@code http}. An https URL without a pin is refused rather than trusted some other way.
     *
     * @param howToPin where the user gives the pin, e.g. {@code "pass --host-fingerprint"}
     */
    public static Optional<SSLContext> clientContext(URI url, TlsPin pin, String howToPin) {
        if (!"https".equalsIgnoreCase(url.getScheme())) {
            if (!isLoopback(url.getHost())) {
                // the Host speaks plain HTTP on loopback only: elsewhere the token would cross the network in clear
                throw new IllegalArgumentException(url + " is plain HTTP to another machine, which would send the "
                        + "token unencrypted; a Host reachable from elsewhere speaks TLS: use https://" + url.getHost()
                        + (url.getPort() > 0 ? ":" + url.getPort() : "") + " and " + howToPin + " with the 'TLS key "
                        + "sha256:...' that 'ferry host' prints at start");
            }
            return Optional.empty();
        }
        if (pin == null) {
            throw new IllegalArgumentException(url + " speaks TLS, and Ferry trusts a Host only by its key's "
                    + "fingerprint, which was not given: " + howToPin + " with the 'TLS key sha256:...' that "
                    + "'ferry host' prints at start (also printed by 'ferry node token')");
        }
        return Optional.of(pin.sslContext());
    }

    /** The pin mismatch behind a failed connection, wherever a client library wrapped it. */
    public static Optional<PinMismatchException> mismatchIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PinMismatchException m) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    /** A loopback literal or {@code localhost}: names are not looked up here. */
    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (!h.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return false; // a name: not looked up, so not taken for loopback
        }
        try {
            return java.net.InetAddress.getByName(h).isLoopbackAddress(); // a literal is parsed, never looked up
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static String quote(String s) {
        return s == null ? "nothing" : "'" + s + "'";
    }

    @Override
    public String toString() {
        return fingerprint;
    }
}
