package dev.ferry.keys.tls;

import java.security.cert.CertificateException;

/** A TLS server presented another key than the pinned one. */
public final class PinMismatchException extends CertificateException {
    private static final long serialVersionUID = 1L;

    private final TlsPin pinned;
    private final TlsPin presented;

    PinMismatchException(TlsPin pinned, TlsPin presented) {
        super("the server presented key " + presented + ", not the pinned " + pinned);
        this.pinned = pinned;
        this.presented = presented;
    }

    public TlsPin pinned() {
        return pinned;
    }

    public TlsPin presented() {
        return presented;
    }

    /** What a user reads, for the server at {@code where}. */
    public String sentence(String where) {
        return "the Host at " + where + " presented TLS key " + presented + ", which is not the pinned " + pinned
                + ": someone may be intercepting the connection, or the Host's TLS key was replaced. Nothing was "
                + "sent. Compare with the fingerprint 'ferry host' prints at start before changing the pin";
    }
}
