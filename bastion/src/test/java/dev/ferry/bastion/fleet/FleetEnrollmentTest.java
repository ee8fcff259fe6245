package dev.ferry.bastion.fleet;

import static dev.ferry.bastion.fleet.FleetTestSupport.DOCKER_OK;
import static dev.ferry.bastion.fleet.FleetTestSupport.JOIN;
import static dev.ferry.bastion.fleet.FleetTestSupport.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.vps.Endpoint;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.protocol.Credentials;
import dev.ferry.protocol.EnrollRequest;
import dev.ferry.protocol.RegisterRequest;
import dev.ferry.testing.Opened;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What a runner's enrollment fixes (its name, credential, address and ports) and the join tokens it enrolls with. */
class FleetEnrollmentTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path dir;

    private FleetTestSupport host;

    @BeforeEach
    void open() {
        host = new FleetTestSupport(dir, opened);
    }

    @Test
    void anEnrolledNameCannotBeTakenOverUntilAnAdminRemovesIt() {
        FerryException e = assertThrows(FerryException.class, () -> host.enroll("r1", "127.0.0.9"));
        assertEquals(FerryException.Kind.CONFLICT, e.kind());
        assertEquals("runner 'r1' is enrolled already, with another credential; to replace its machine, an admin "
                + "removes it first: ferry node remove r1, then the new machine enrolls", e.getMessage());
        assertEquals("127.0.0.1", host.registry.runners().find("r1").orElseThrow().address(), "nothing of it changed");
        assertTrue(host.registry.runners().remove("r1"));
        String credential = host.enroll("r1", "127.0.0.9");
        assertEquals("r1", host.trust.runnerOf(credential).orElseThrow());
    }

    @Test
    void anEnrollmentRepeatedWithTheSameCredentialSucceedsAgainAndChangesNothing() {
        String credential = Credentials.create();
        host.trust.enroll(JOIN, request("r3", "127.0.0.3", credential), InetAddress.getLoopbackAddress());
        // its answer was lost: the runner asks again with the same credential
        assertEquals("r3", host.trust.enroll(JOIN, request("r3", "127.0.0.3", credential),
                InetAddress.getLoopbackAddress()).name());
        assertEquals("r3", host.trust.runnerOf(credential).orElseThrow());
        FerryException other = assertThrows(FerryException.class, () -> host.trust.enroll(JOIN,
                request("r3", "127.0.0.3", Credentials.create()), InetAddress.getLoopbackAddress()));
        assertEquals(FerryException.Kind.CONFLICT, other.kind(), "another credential is still refused");
        FerryException noDigest = assertThrows(FerryException.class, () -> host.trust.enroll(JOIN,
                new EnrollRequest("r5", "127.0.0.5", 32768, 60999, "not-a-digest"), InetAddress.getLoopbackAddress()));
        assertEquals(FerryException.Kind.INVALID, noDigest.kind());
        FerryException privileged = assertThrows(FerryException.class, () -> host.trust.enroll(JOIN,
                new EnrollRequest("r5", "127.0.0.5", 22, 60999, Credentials.digest("x")),
                InetAddress.getLoopbackAddress()));
        assertEquals(FerryException.Kind.INVALID, privileged.kind(), "no range over privileged ports");
    }

    @Test
    void theAdvertisedAddressIsFixedAtEnrollment() {
        FerryException e = assertThrows(FerryException.class, () -> host.fleet.register("r1",
                new RegisterRequest("r1", "10.9.9.9", 2, 8L << 30, DOCKER_OK)));
        assertEquals(FerryException.Kind.FORBIDDEN, e.kind());
        assertEquals("runner r1 enrolled with the address 127.0.0.1 and now advertises 10.9.9.9: a runner's address is "
                + "fixed at enrollment; to change it, an admin removes the runner (ferry node remove r1) and it "
                + "enrolls again", e.getMessage());
        assertEquals("127.0.0.1", host.registry.runners().find("r1").orElseThrow().address());
    }

    @Test
    void aRunnerOnAnotherMachineCannotAdvertiseLoopback() throws Exception {
        InetAddress elsewhere = InetAddress.getByName("192.0.2.7");
        for (String address : List.of("127.0.0.1", "localhost", "::1", "127.3.4.5")) {
            FerryException e = assertThrows(FerryException.class, () -> host.trust.enroll(JOIN,
                    request("r3", address, Credentials.create()), elsewhere), address);
            assertEquals(FerryException.Kind.FORBIDDEN, e.kind());
            assertTrue(e.getMessage().startsWith("runner r3 advertises " + address + ", an address of the Host's own "
                    + "machine, but enrolls from 192.0.2.7, another machine"), e.getMessage());
        }
        assertTrue(host.registry.runners().find("r3").isEmpty());
        host.trust.enroll(JOIN, request("r3", "192.0.2.7", Credentials.create()), elsewhere);
        assertTrue(!host.registry.runners().find("r3").orElseThrow().enrollment().onHostMachine());
        assertTrue(host.registry.runners().find("r1").orElseThrow().enrollment().onHostMachine());
    }

    @Test
    void aPortOutsideTheEnrolledRangeIsNeverAnEndpoint() {
        Vps v = host.create("web");
        host.report(v, "running", 8000, true, null);
        assertEquals(VpsStatus.FAILED, host.now(v).status());
        assertNull(host.now(v).endpoint());
        assertEquals("its runner r1 reported its sshd on port 8000, outside the ports the runner enrolled with "
                + "(32768-60999): not used; see the runner's configuration (--port-range)", host.now(v).lastError());
        host.report(v, "running", 32768, true, null);
        assertEquals(new Endpoint("127.0.0.1", 32768), host.now(v).endpoint(), "a port in range is used again");
    }

    @Test
    void aOneTimeJoinTokenEnrollsOnceAndExpires() {
        RunnerTrust.JoinToken once = host.trust.newJoinToken(Duration.ofMinutes(10));
        assertTrue(host.trust.isJoinToken(once.token()));
        host.trust.enroll(once.token(), request("r3", "127.0.0.3", Credentials.create()),
                InetAddress.getLoopbackAddress());
        assertTrue(!host.trust.isJoinToken(once.token()), "used");
        FerryException used = assertThrows(FerryException.class, () -> host.trust.enroll(once.token(),
                request("r4", "127.0.0.4", Credentials.create()), InetAddress.getLoopbackAddress()));
        assertEquals(FerryException.Kind.UNAUTHORIZED, used.kind());
        RunnerTrust.JoinToken later = host.trust.newJoinToken(Duration.ofMinutes(10));
        host.clock.advance(Duration.ofMinutes(11));
        assertTrue(!host.trust.isJoinToken(later.token()), "expired");
        assertTrue(host.trust.isJoinToken(JOIN), "the Host's runner.token does not wear out");
        assertTrue(!host.trust.isJoinToken("ferry-join.guessed"));
    }

    @Test
    void aOneTimeTokenUsedByTwoRunnersAtOnceEnrollsOne() throws Exception {
        RunnerTrust.JoinToken once = host.trust.newJoinToken(Duration.ofMinutes(10));
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<Boolean>> tries = two.invokeAll(List.of("r6", "r7").stream()
                    .map(name -> (java.util.concurrent.Callable<Boolean>) () -> {
                        try {
                            host.trust.enroll(once.token(), request(name, "127.0.0.6", Credentials.create()),
                                    InetAddress.getLoopbackAddress());
                            return true;
                        } catch (FerryException e) {
                            return false;
                        }
                    }).toList());
            long enrolled = 0;
            for (var t : tries) {
                enrolled += t.get() ? 1 : 0;
            }
            assertEquals(1, enrolled, "one token, one runner");
        } finally {
            two.shutdownNow();
        }
    }
}
