package dev.ferry.protocol;

/**
 * The Host's answer to an enrollment.
 *
 * @param name       the name the credential is bound to
 * @param credential the runner's own credential: every later call sends it as its bearer token. The Host keeps
 *                   only its SHA-256, so it is shown this once; the runner stores it (0600)
 */
public record EnrollAnswer(String name, String credential) {
    @Override
    public String toString() {
        return "EnrollAnswer[name=" + name + ", credential=<secret>]";
    }
}
