package dev.ferry.bastion.fleet;

import dev.ferry.bastion.TestKeys;
import dev.ferry.bastion.registry.JdbcRegistry;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsRef;
import dev.ferry.keys.SshPublicKey;
import dev.ferry.protocol.ContainerReport;
import dev.ferry.protocol.ContainerState;
import dev.ferry.protocol.Credentials;
import dev.ferry.protocol.DockerStatus;
import dev.ferry.protocol.EnrollRequest;
import dev.ferry.protocol.HeartbeatAnswer;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterRequest;
import dev.ferry.testing.MovableClock;
import dev.ferry.testing.Opened;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The Host's side of the runner protocol for the fleet's tests: the H2 registry (PostgreSQL in the PostgreSQL
 * pass) in the test's directory, a clock the test moves, runners r1 and r2 enrolled from this machine and r1
 * registered with 2 CPUs and 8 GiB. The registry is closed by the test's {@link Opened}; a test that reopens it
 * or makes another {@link Fleet} sets {@link #registry} or {@link #fleet}, which the helpers here then use.
 */
final class FleetTestSupport {
    static final DockerStatus DOCKER_OK = new DockerStatus(true, null, "20.10");
    static final String JOIN = "join-token-for-fleet-tests";

    final MovableClock clock = new MovableClock(Instant.parse("2026-11-23T12:00:00Z"));
    final SshPublicKey alice = TestKeys.ed25519("alice");
    JdbcRegistry registry;
    Fleet fleet;
    final RunnerTrust trust;

    FleetTestSupport(Path dir, Opened opened) {
        registry = opened.add(TestRegistries.open(dir, new Snowflake(1), clock));
        fleet = new Fleet(registry, registry.runners(), clock);
        trust = new RunnerTrust(registry.runners(), JOIN, clock);
        enroll("r1", "127.0.0.1");
        enroll("r2", "127.0.0.2");
        fleet.register("r1", new RegisterRequest("r1", "127.0.0.1", 2, 8L << 30, DOCKER_OK));
    }

    /** Enrolls a runner from this machine, publishing on Docker's usual ports. */
    String enroll(String name, String address) {
        String credential = Credentials.create();
        trust.enroll(JOIN, request(name, address, credential), InetAddress.getLoopbackAddress());
        return credential;
    }

    static EnrollRequest request(String name, String address, String credential) {
        return new EnrollRequest(name, address, 32768, 60999, Credentials.digest(credential));
    }

    Vps create(String name) {
        return fleet.create(new Fleet.CreateRequest(name, "ferry-test/sshd:1", List.of(alice), null, 1.0, 1L << 30));
    }

    HeartbeatAnswer report(Vps v, String state, Integer port, boolean ready, String error) {
        return fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of(new ContainerReport(
                Long.toString(v.id()), "c1", ContainerState.of(state), port, ready, error, null, null))));
    }

    Vps now(Vps v) {
        return registry.get(VpsRef.ofId(v.id()));
    }
}
