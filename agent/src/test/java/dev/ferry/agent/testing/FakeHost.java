package dev.ferry.agent.testing;

import dev.ferry.agent.host.HostException;
import dev.ferry.agent.host.HostLink;
import dev.ferry.agent.host.NotRegisteredException;
import dev.ferry.agent.host.RefusedException;
import dev.ferry.agent.host.UnknownCredentialException;
import dev.ferry.agent.host.SupersededException;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.Credentials;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.protocol.EnrollAnswer;
import dev.ferry.protocol.EnrollRequest;
import dev.ferry.protocol.HeartbeatAnswer;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterAnswer;
import dev.ferry.protocol.RegisterRequest;

import dev.ferry.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A hand-written Host for tests: it holds desired state, and records registrations and heartbeats. */
public final class FakeHost implements HostLink {
    public final Map<String, DesiredVps> desired = new ConcurrentHashMap<>();
    public final List<RegisterRequest> registrations = new CopyOnWriteArrayList<>();
    public final List<HeartbeatRequest> heartbeats = new CopyOnWriteArrayList<>();
    /** When true, every call fails as an unreachable Host would. */
    public volatile boolean down;
    /** When true, the next heartbeat answers "not registered" (as a Host that lost its state). */
    public volatile boolean forgetRunner;
    public volatile int heartbeatSeconds = 5;
    /** The user CA keys the fake Host answers registrations and heartbeats with. */
    public volatile List<String> userCaKeys = List.of();

    public void want(String vpsId, String image, DesiredState state, List<String> keys) {
        desired.put(vpsId, new DesiredVps(vpsId, null, image, null, null, state, keys, null));
    }

    public void want(String vpsId, DesiredState state) {
        DesiredVps d = desired.get(vpsId);
        desired.put(vpsId, new DesiredVps(vpsId, d.name(), d.image(), d.cpus(), d.memoryBytes(), state,
                d.authorizedKeys(), d.hostCertificate()));
    }

    /** The session of the latest registration: heartbeats of an older one are refused, as the Host does. */
    public volatile String session;

    /** The registry identity the fake Host answers registrations with. */
    public volatile String registryId = "11111111-2222-3333-4444-555555555555";

    public void keys(String vpsId, List<String> keys) {
        DesiredVps d = desired.get(vpsId);
        desired.put(vpsId, new DesiredVps(vpsId, d.name(), d.image(), d.cpus(), d.memoryBytes(), d.state(), keys,
                d.hostCertificate()));
    }

    /** Enrollments, and the digest of the credential the fake Host then requires (null: none yet). */
    public final List<EnrollRequest> enrollments = new CopyOnWriteArrayList<>();
    public volatile String credentialDigest;
    /** When true, the next enrollment is made but its answer is lost. */
    public volatile boolean loseNextEnrollAnswer;

    @Override
    public EnrollAnswer enroll(String joinToken, EnrollRequest request) throws HostException {
        if (down) {
            throw new HostException("the Host at http://fake/ is not reachable (test)");
        }
        if (credentialDigest != null && !credentialDigest.equals(request.credentialSha256())) {
            throw new RefusedException("the Host at http://fake/ refused to enroll runner " + request.name()
                    + ": it is enrolled already, with another credential (test)");
        }
        enrollments.add(request);
        credentialDigest = request.credentialSha256();
        if (loseNextEnrollAnswer) {
            loseNextEnrollAnswer = false; // enrolled, but the answer never comes back
            throw new HostException("the Host at http://fake/ did not answer (test)");
        }
        return new EnrollAnswer(request.name());
    }

    /** As {@code ferry node remove} makes the Host forget the runner's credential. */
    public void forgetCredential() {
        credentialDigest = null;
    }

    private void requireCredential(String given) throws UnknownCredentialException {
        if (credentialDigest == null || !credentialDigest.equals(Credentials.digest(given))) {
            throw new UnknownCredentialException("the Host at http://fake/ does not know this credential (test)");
        }
    }

    @Override
    public RegisterAnswer register(String credential, RegisterRequest request) throws HostException {
        if (down) {
            throw new HostException("the Host at http://fake/ is not reachable (test)");
        }
        requireCredential(credential);
        registrations.add(request);
        session = "session-" + registrations.size();
        return new RegisterAnswer(heartbeatSeconds, registryId, session, userCaKeys);
    }

    @Override
    public HeartbeatAnswer heartbeat(String credential, String runnerName, HeartbeatRequest request)
            throws HostException {
        if (down) {
            throw new HostException("the Host at http://fake/ is not reachable (test)");
        }
        requireCredential(credential);
        if (forgetRunner) {
            forgetRunner = false;
            throw new NotRegisteredException("the Host at http://fake/ does not know runner " + runnerName);
        }
        if (request.session() != null && !request.session().equals(session)) {
            throw new SupersededException("runner '" + runnerName + "' has been registered by another process "
                    + "since this one registered (test)");
        }
        heartbeats.add(request);
        return new HeartbeatAnswer(new ArrayList<>(desired.values()), userCaKeys);
    }

    /** @return the latest heartbeat, if any */
    public Optional<HeartbeatRequest> last() {
        return heartbeats.isEmpty() ? Optional.empty() : Optional.of(heartbeats.get(heartbeats.size() - 1));
    }

    /** @return the latest report on {@code vpsId}, if the latest heartbeat has one */
    public Optional<ContainerReport> report(String vpsId) {
        return last().flatMap(h -> h.containers().stream().filter(c -> c.vpsId().equals(vpsId)).findFirst());
    }

    /** Waits until the latest report on {@code vpsId} satisfies {@code p}, failing with the last one seen. */
    public ContainerReport await(String vpsId, Duration timeout, String what, Predicate<ContainerReport> p) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ContainerReport> r = report(vpsId);
            if (r.isPresent() && p.test(r.get())) {
                return r.get();
            }
            Await.sleep(50);
        }
        throw new AssertionError("vps " + vpsId + " did not become " + what + " within " + timeout
                + "; last report: " + report(vpsId).map(Object::toString).orElse("none")
                + "; last heartbeat: " + last().map(Object::toString).orElse("none"));
    }
}
