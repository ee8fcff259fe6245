package dev.ferry.agent.reconcile;

import dev.ferry.agent.testing.FakeRuntime;
import dev.ferry.protocol.DesiredState;
import dev.ferry.protocol.DesiredVps;
import dev.ferry.testing.Opened;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static dev.ferry.agent.reconcile.ReconcilerTestSupport.KEY1;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.KEY2;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.PLAIN;
import static dev.ferry.agent.reconcile.ReconcilerTestSupport.vps;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The start-up step: which keys it passes to the container and when it runs again. */
class ReconcilerStepTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    private ReconcilerTestSupport runner;

    @BeforeEach
    void setUp() {
        runner = opened.add(new ReconcilerTestSupport());
    }

    @Test
    void stepRunsAgainOnRestartAndOnKeyChangeOnly() {
        DesiredVps d = vps("107", PLAIN, DesiredState.RUNNING, KEY1);
        runner.beat(d);
        runner.beat(d);
        assertEquals(1, runner.docker.execs.size(), "nothing changed: no second run");
        runner.docker.restart("ferry-vps-107");
        runner.beat(d);
        assertEquals(2, runner.docker.execs.size(), "Docker restarted it: the step runs again");
        DesiredVps rekeyed = vps("107", PLAIN, DesiredState.RUNNING, KEY1, KEY2);
        runner.beat(rekeyed);
        assertEquals(3, runner.docker.execs.size());
        assertEquals(KEY1 + "\n" + KEY2, runner.docker.execs.get(2).get("FERRY_AUTHORIZED_KEYS"));
    }

    @Test
    void onlyWellFormedKeysReachTheContainer() {
        runner.beat(vps("108", PLAIN, DesiredState.RUNNING, "command=\"/bin/evil\" " + KEY1, "not a key", KEY2));
        assertEquals(KEY1 + "\n" + KEY2, runner.docker.execs.get(0).get("FERRY_AUTHORIZED_KEYS"));
    }

    @Test
    void theUserCaKeysReachTheContainerAndAChangeRunsTheStepAgain() {
        String ca = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKs3j73g8Yv1F5heTq/NT2s+Rq47V3sWGPAiHeK9VfE9 ferry-user-ca";
        runner.reconciler.userCaKeys(List.of(ca));
        DesiredVps d = vps("120", PLAIN, DesiredState.RUNNING, KEY1);
        runner.beat(d);
        assertEquals(1, runner.docker.execs.size());
        assertEquals(ca, runner.docker.execs.get(0).get("FERRY_TRUSTED_USER_CA_KEYS"));
        runner.reconciler.userCaKeys(List.of(ca));
        runner.beat(d);
        assertEquals(1, runner.docker.execs.size(), "the same CA: no second run");
        String rotated = KEY1.replace(" probe", " ferry-user-ca-2");
        runner.reconciler.userCaKeys(List.of(ca, rotated));
        runner.beat(d);
        assertEquals(2, runner.docker.execs.size(), "a new CA key must reach the running sshd");
        assertEquals(ca + "\n" + rotated, runner.docker.execs.get(1).get("FERRY_TRUSTED_USER_CA_KEYS"));
    }

    @Test
    void aRenamedVpsIsGivenItsNewHostNameNowAndAfterEachStart() {
        DesiredVps d = vps("121", PLAIN, DesiredState.RUNNING, KEY1);
        runner.beat(d);
        assertEquals("vps-121", runner.docker.box("ferry-vps-121").hostname);
        DesiredVps named = new DesiredVps("121", "web", PLAIN, null, null, DesiredState.RUNNING, List.of(KEY1), null);
        runner.beat(named);
        FakeRuntime.Box box = runner.docker.box("ferry-vps-121");
        assertEquals("web", box.hostname, "renamed while it runs");
        assertEquals(2, runner.docker.execs.size(), "the step ran again for the new name");
        runner.docker.restart("ferry-vps-121");
        assertEquals("vps-121", box.hostname, "Docker gives it its create's name at each start");
        runner.beat(named);
        assertEquals("web", box.hostname, "and the runner the VPS's name again");
    }
}
