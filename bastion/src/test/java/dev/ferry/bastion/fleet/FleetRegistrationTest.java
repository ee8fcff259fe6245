package dev.ferry.bastion.fleet;

import static dev.ferry.bastion.fleet.FleetTestSupport.DOCKER_OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.bastion.FerryException;
import dev.ferry.bastion.registry.JdbcRegistry;
import dev.ferry.bastion.registry.TestRegistries;
import dev.ferry.bastion.vps.Snowflake;
import dev.ferry.bastion.vps.Vps;
import dev.ferry.bastion.vps.VpsStatus;
import dev.ferry.protocol.HeartbeatRequest;
import dev.ferry.protocol.RegisterRequest;
import dev.ferry.testing.Opened;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A runner's registration and whom its heartbeats speak for: the registry it registered with, the latest process of a
 * name, its own credential only.
 */
class FleetRegistrationTest {
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
    void registrationsNameTheRegistryWhichKeepsItsIdentityAcrossReopenButNotAcrossHosts() {
        String id = host.fleet.register("r1", new RegisterRequest("r1", "127.0.0.1", 2, 8L << 30, DOCKER_OK))
                .registryId();
        assertTrue(id.matches("[0-9a-f-]{36}"), id);
        host.registry.close();
        host.registry = TestRegistries.open(dir, new Snowflake(1), host.clock);
        assertEquals(id, host.registry.runners().registryId(), "the same registry after a Host restart");
        JdbcRegistry other = TestRegistries.open(dir.resolve("other"), new Snowflake(1), host.clock);
        try {
            assertNotEquals(id, other.runners().registryId(), "a new registry is another Host to the runners");
        } finally {
            other.close();
        }
    }

    @Test
    void aSecondProcessRegisteringTheSameNameSupersedesTheFirst() {
        String first = host.fleet.register("r1", new RegisterRequest("r1", "127.0.0.1", 2, 8L << 30, DOCKER_OK))
                .session();
        host.fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of(), first));
        String second = host.fleet.register("r1", new RegisterRequest("r1", "127.0.0.1", 2, 8L << 30, DOCKER_OK))
                .session();
        assertNotEquals(first, second);
        FerryException e = assertThrows(FerryException.class,
                () -> host.fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of(), first)));
        assertEquals(FerryException.Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("has been registered by another process since this one registered"),
                e.getMessage());
        host.fleet.heartbeat("r1", "r1", new HeartbeatRequest(DOCKER_OK, List.of(), second));
    }

    @Test
    void aHeartbeatFromARunnerThatNeverRegisteredIsNotFound() {
        FerryException e = assertThrows(FerryException.class, () -> host.fleet.heartbeat("r2", "r2",
                new HeartbeatRequest(DOCKER_OK, List.of())));
        assertEquals(FerryException.Kind.NOT_FOUND, e.kind());
    }

    @Test
    void aCredentialSpeaksForItsOwnRunnerOnly() {
        Vps v = host.create("web");
        host.report(v, "running", 32768, true, null);
        FerryException hb = assertThrows(FerryException.class, () -> host.fleet.heartbeat("r2", "r1",
                new HeartbeatRequest(DOCKER_OK, List.of())));
        assertEquals(FerryException.Kind.FORBIDDEN, hb.kind());
        assertEquals("this credential belongs to runner r2, not to r1: a runner speaks for itself only", hb.getMessage());
        FerryException reg = assertThrows(FerryException.class, () -> host.fleet.register("r2",
                new RegisterRequest("r1", "127.0.0.1", 2, 8L << 30, DOCKER_OK)));
        assertEquals(FerryException.Kind.FORBIDDEN, reg.kind());
        assertEquals(VpsStatus.RUNNING, host.now(v).status());
        assertTrue(host.registry.runners().find("r1").orElseThrow().online(), "r1 keeps its registration");
    }
}
