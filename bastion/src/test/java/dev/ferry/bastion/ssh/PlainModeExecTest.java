package dev.ferry.bastion.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.testing.Opened;
import dev.ferry.testing.Processes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.util.buffer.Buffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands and terminals in plain mode: what runs in the VPS, its exit codes and signals, a tty only when asked
 * for, the environment the VPS accepts and the login user after the plus.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlainModeExecTest {
    @RegisterExtension
    final Opened opened = Opened.untilAllTestsRan();

    private static final String PLAIN_USER = "ferry-plain";

    private PlainModeTestSupport plain;
    private BastionTestSupport t;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        plain = PlainModeTestSupport.start(dir, opened);
        t = plain.t;
    }

    @Test
    void runsACommandInTheVps() {
        Processes.Result r = plain.alice("echo hello from $(hostname) as $(id -un)").requireSuccess();
        assertEquals("hello from " + hostname() + " as root", r.out().strip(), r.toString());
    }

    @Test
    void passesExitCodes() {
        for (int code : List.of(0, 1, 3, 255)) {
            assertEquals(code, plain.alice("exit " + code).exit(), "exit " + code);
        }
    }

    @Test
    void noTtyUnlessAskedFor() {
        Processes.Result r = plain.alice("tty");
        assertEquals("not a tty", r.out().strip(), r.toString());
        assertEquals(1, r.exit(), r.toString());
    }

    @Test
    void anInteractiveShellHasATtyThatResizesAndTakesCtrlC() throws Exception {
        Path driver = Path.of(getClass().getResource("/ptydrive.py").toURI());
        List<String> cmd = new ArrayList<>(List.of("python3", driver.toString(), "ssh", "-F",
                t.alice.config().toString(), "-tt", "-p", Integer.toString(t.port), "vps-web@127.0.0.1"));
        Processes.Result r = Processes.run(cmd, null, 120);
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.out().contains("tty ok") && r.out().contains("resize ok") && r.out().contains("ctrl-c ok")
                && r.out().contains("exit 7"), r.toString());
    }

    @Test
    void aProcessKilledByASignalEndsWithExitSignal() throws Exception {
        try (SshClient client = BastionTestSupport.minaClient()) {
            try (ClientSession s = t.login(client, "vps-web", t.aliceKey)) {
                try (ChannelExec exec = s.createExecChannel("echo before; kill -TERM $$")) {
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    exec.setOut(out);
                    exec.open().verify(Duration.ofSeconds(10));
                    exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(20));
                    assertEquals("TERM", exec.getExitSignal(), "exit-signal");
                    assertEquals("before\n", out.toString(StandardCharsets.UTF_8), "the data came before the signal");
                }
            }
        }
    }

    @Test
    void eachRequestGetsTheVpsAnswerAndSignalsReachTheProcess() throws Exception {
        ensureUser(PLAIN_USER); // sshd signals only privilege-separated sessions: not root's
        try (SshClient client = BastionTestSupport.minaClient();
             ClientSession s = t.login(client, "vps-web+" + PLAIN_USER, t.aliceKey)) {
            java.util.concurrent.BlockingQueue<Boolean> answers = new java.util.concurrent.LinkedBlockingQueue<>();
            ChannelExec exec = new ChannelExec("sleep 30; echo finished", null, java.util.Map.of()) {
                @Override
                public void handleSuccess() {
                    answers.add(true);
                }

                @Override
                public void handleFailure() {
                    answers.add(false);
                }
            };
            s.getService(org.apache.sshd.common.session.ConnectionService.class).registerChannel(exec);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            exec.setOut(out);
            exec.open().verify(Duration.ofSeconds(10));
            answers.clear(); // the exec request's own answer, if MINA asked for one
            // sshd refuses break without a tty and a signal it does not know, and accepts TERM: each answer
            // comes back as the VPS gave it, not a blanket yes
            Buffer brk = s.createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 32);
            brk.putUInt(exec.getRecipient());
            brk.putString("break");
            brk.putBoolean(true);
            brk.putUInt(100);
            s.writePacket(brk);
            assertEquals(Boolean.FALSE, answers.poll(10, java.util.concurrent.TimeUnit.SECONDS), "break without a tty");
            request(s, exec, "signal", true, "NO-SUCH-SIGNAL");
            assertEquals(Boolean.FALSE, answers.poll(10, java.util.concurrent.TimeUnit.SECONDS), "an unknown signal");
            long start = System.nanoTime();
            request(s, exec, "signal", true, "TERM");
            assertEquals(Boolean.TRUE, answers.poll(10, java.util.concurrent.TimeUnit.SECONDS), "signal TERM");
            exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(20));
            assertEquals("TERM", exec.getExitSignal());
            assertTrue(System.nanoTime() - start < 10_000_000_000L, "the signal ended the process, not its sleep");
            assertEquals("", out.toString(StandardCharsets.UTF_8));
        }
    }

    /** A channel request with string arguments, as the OpenSSH client sends them. */
    private static void request(ClientSession s, ChannelExec channel, String name, boolean wantReply, String... args)
            throws java.io.IOException {
        Buffer b = s.createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 64);
        b.putUInt(channel.getRecipient());
        b.putString(name);
        b.putBoolean(wantReply);
        for (String a : args) {
            b.putString(a);
        }
        s.writePacket(b);
    }

    @Test
    void passesEnvironmentTheVpsAccepts() {
        Processes.Result r = plain.alice(List.of("-o", "SetEnv=FERRY_GREETING=ahoy LC_FERRY=no"),
                "echo ${FERRY_GREETING}-${LC_FERRY}");
        assertEquals("ahoy-", r.out().strip(), r.toString());
    }

    @Test
    void logsInAsTheUserAfterThePlus() throws Exception {
        ensureUser(PLAIN_USER);
        Processes.Result r = t.sshTo(t.alice, "vps-web+" + PLAIN_USER, "id -un").requireSuccess();
        assertEquals(PLAIN_USER, r.out().strip());
        Processes.Result nobody = t.sshTo(t.alice, "vps-web+no-such-user", "id -un");
        assertEquals(255, nobody.exit(), nobody.toString());
        assertTrue(nobody.err().contains("refused the bastion's certificate for user no-such-user: the user does not "
                + "exist there"), nobody.toString());
    }

    private static void ensureUser(String name) {
        if (Processes.run(List.of("id", name), null, 10).exit() != 0) {
            Processes.run(List.of("useradd", "-m", "-s", "/bin/sh", name), null, 30).requireSuccess();
        }
        // useradd locks the account ('!'), which an sshd without PAM refuses even for certificates
        Processes.run(List.of("usermod", "-p", "*", name), null, 30).requireSuccess();
    }

    private static String hostname() {
        return Processes.run(List.of("hostname"), null, 10).out().strip();
    }
}
