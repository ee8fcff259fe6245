package dev.ferry.bastion.fleet;

import dev.ferry.bastion.FerryException;
import dev.ferry.protocol.Credentials;
import dev.ferry.protocol.EnrollAnswer;
import dev.ferry.protocol.EnrollRequest;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who speaks for which runner (DESIGN.md, Trust between the parts). A runner enrolls once with a join token (the
 * Host's {@code runner.token}, or a one-time token from {@code ferry node token}), binding its name to a credential
 * of its own that it made and keeps; its advertised address and port range are fixed then. Every later call proves
 * that credential. The Host keeps only SHA-256 digests of credentials and one-time tokens (they are random, 256 and
 * 192 bits, so a plain digest suffices).
 */
public final class RunnerTrust {
    private static final Logger log = LoggerFactory.getLogger(RunnerTrust.class);
    private static final String JOIN_PREFIX = "ferry-join.";
    /** How long a one-time join token lasts unless asked otherwise. */
    public static final Duration DEFAULT_JOIN_TTL = Duration.ofHours(1);
    private static final Duration MAX_JOIN_TTL = Duration.ofDays(7);

    private final RunnerRegistry runners;
    private final Supplier<String> sharedJoinToken;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Object enrolling = new Object();

    /** @param sharedJoinToken the Host's {@code runner.token}: a join token that does not wear out */
    public RunnerTrust(RunnerRegistry runners, String sharedJoinToken, Clock clock) {
        this(runners, () -> sharedJoinToken, clock);
    }

    /** @param sharedJoinToken the Host's {@code runner.token} as it is now (a rotation changes it) */
    public RunnerTrust(RunnerRegistry runners, Supplier<String> sharedJoinToken, Clock clock) {
        this.runners = runners;
        this.sharedJoinToken = sharedJoinToken;
        this.clock = clock;
    }

    private boolean isShared(String token) {
        return MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                sharedJoinToken.get().getBytes(StandardCharsets.UTF_8));
    }

    /** A one-time join token and when it expires. */
    public record JoinToken(String token, Instant expires) {
        @Override
        public String toString() {
            return "JoinToken[token=<secret>, expires=" + expires + "]";
        }
    }

    /** Whether {@code token} may enroll a runner now (it is not used up by this question). */
    public boolean isJoinToken(String token) {
        if (isShared(token)) {
            return true;
        }
        return token.startsWith(JOIN_PREFIX) && runners.hasJoinToken(Credentials.digest(token), clock.instant());
    }

    /** The runner whose credential this is. */
    public Optional<String> runnerOf(String credential) {
        return Credentials.looksLikeOne(credential) ? runners.nameOfCredential(Credentials.digest(credential))
                : Optional.empty();
    }

    /** Makes a one-time join token ({@code ferry node token}). */
    public JoinToken newJoinToken(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_JOIN_TTL) > 0) {
            throw FerryException.invalid("a join token lasts more than 0 s and at most 7 days, not " + ttl.toSeconds()
                    + " s");
        }
        Instant now = clock.instant();
        String token = JOIN_PREFIX + randomText(24);
        runners.addJoinToken(Credentials.digest(token), now, now.plus(ttl));
        log.info("one-time join token made, valid until {}", now.plus(ttl));
        return new JoinToken(token, now.plus(ttl));
    }

    /**
     * Enrolls a runner with a join token that {@link #isJoinToken} accepted.
     *
     * @param from the address the enrollment came from: the Host's own machine (loopback or one of its addresses)
     *             is the only place from which a runner may advertise a loopback address
     */
    public EnrollAnswer enroll(String joinToken, EnrollRequest r, InetAddress from) {
        String name = RunnerNames.valid(r.name());
        String address = RunnerNames.validAddress(r.address());
        if (!Credentials.isDigest(r.credentialSha256())) {
            throw FerryException.invalid("field 'credential_sha256' is required: the SHA-256 of the runner's own "
                    + "credential, 64 hex digits");
        }
        if (r.portMin() == null || r.portMax() == null) {
            throw FerryException.invalid("fields 'port_min' and 'port_max' are required: the host ports the runner "
                    + "publishes VPS sshds on");
        }
        if (r.portMin() < 1024) {
            throw FerryException.invalid("a runner publishes VPS sshds on unprivileged ports (1024 and up), not from "
                    + r.portMin());
        }
        Runner.Enrollment enrollment;
        try {
            enrollment = new Runner.Enrollment(isHostMachine(from), r.portMin(), r.portMax());
        } catch (IllegalArgumentException e) {
            throw FerryException.invalid(e.getMessage());
        }
        if (!enrollment.onHostMachine() && namesHostMachine(address)) {
            throw FerryException.forbidden("runner " + name + " advertises " + address + ", an address of the Host's "
                    + "own machine, but enrolls from " + from.getHostAddress() + ", another machine: the bastion would "
                    + "dial itself for this runner's VPS; advertise this machine's address as the Host reaches it "
                    + "(--advertise)");
        }
        synchronized (enrolling) {
            if (runners.nameOfCredential(r.credentialSha256()).filter(name::equals).isPresent()) {
                // the same runner again, whose answer was lost: nothing changes, no token is used up
                return new EnrollAnswer(name);
            }
            if (runners.isEnrolled(name)) {
                throw FerryException.conflict("runner '" + name + "' is enrolled already, with another credential; "
                        + "to replace its machine, an admin removes it first: ferry node remove " + name
                        + ", then the new machine enrolls");
            }
            boolean shared = isShared(joinToken);
            if (!shared && !runners.takeJoinToken(Credentials.digest(joinToken), clock.instant())) {
                throw new FerryException(FerryException.Kind.UNAUTHORIZED, "the join token was used or expired "
                        + "meanwhile; make a new one with: ferry node token");
            }
            runners.enroll(name, address, enrollment, r.credentialSha256(), clock.instant());
            log.info("runner {} enrolled from {} with {} join token", name, from.getHostAddress(),
                    shared ? "the shared" : "a one-time");
            return new EnrollAnswer(name);
        }
    }

    /** Loopback or one of this machine's own addresses. */
    static boolean isHostMachine(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /** Whether an advertised address names the Host's machine now (every dial checks again, resolved). */
    private static boolean namesHostMachine(String address) {
        try {
            for (InetAddress a : InetAddress.getAllByName(address)) {
                if (isHostMachine(a)) {
                    return true;
                }
            }
            return false;
        } catch (UnknownHostException e) {
            return false; // checked again, resolved, at every dial
        }
    }

    private String randomText(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
