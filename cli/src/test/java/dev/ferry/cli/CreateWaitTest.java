package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.api.Json;
import dev.ferry.bastion.TestKeys;
import dev.ferry.cli.ssh.ShellWords;
import dev.ferry.protocol.ContainerState;
import dev.ferry.testing.Opened;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry vps create --wait} returns once the VPS runs and serves its host certificate, and shows the status
 * changes as they happen only on a terminal: the CLI run as a process under {@code script} (a real pseudo
 * terminal), and piped.
 */
class CreateWaitTest {
    @RegisterExtension
    final Opened opened = Opened.untilEachTestRan();

    @TempDir
    Path home;

    private ClientSshTestSupport t;

    @BeforeEach
    void start() throws Exception {
        t = opened.add(new ClientSshTestSupport(home));
    }

    @Test
    void aRunningVpsIsWaitedForUntilItServesItsHostCertificate() throws Exception {
        t.runner.installsCertificates(false);
        CompletableFuture<CliTestSupport.Result> create = CompletableFuture.supplyAsync(() -> t.ferry("vps",
                "create", "--image", "ferry-test/sshd:1", "--name", "web", "--gen-ssh-key", "--wait"));
        String id = t.awaitId("web");
        t.runner.hostKey(id, TestKeys.ed25519("root@web").toOpenSsh());
        t.runner.report(id, ContainerState.RUNNING, ClientSshTestSupport.freePort(), null);
        t.awaitStatus(id, "running");
        Thread.sleep(1500);
        assertFalse(create.isDone(), () -> "returned before the certificate was served: " + create.join());
        assertEquals("false", status(id).path("host_certified").asText());

        t.runner.installsCertificates(true);
        CliTestSupport.Result r = create.get(20, TimeUnit.SECONDS);
        assertEquals(0, r.code(), r.toString());
        assertEquals(id, r.out().strip());
        assertTrue(r.err().contains("created vps-" + id + " (web) on runner r1, status running"), r.toString());
        assertFalse(r.err().contains("note:"), r.toString());
        assertFalse(r.err().contains("assigning"), "not a terminal: no progress lines\n" + r);
        assertEquals("true", status(id).path("host_certified").asText());
    }

    @Test
    void onATerminalEachStatusChangeIsShownWithHowLongItTookAndPipedNothingIs() throws Exception {
        t.runner.installsCertificates(false);
        Terminal terminal = Terminal.run(t.home, "vps", "create", "--image", "ferry-test/sshd:1", "--name", "tty",
                "--gen-ssh-key", "--wait");
        String id = terminal.awaitId(t, "tty");
        t.runner.hostKey(id, TestKeys.ed25519("root@tty").toOpenSsh());
        Thread.sleep(1000);
        t.runner.report(id, ContainerState.RUNNING, ClientSshTestSupport.freePort(), null);
        terminal.await(": running (");
        t.runner.installsCertificates(true);
        String out = terminal.finish();
        String vps = Pattern.quote("vps-" + id + " (tty)");
        assertTrue(out.matches("(?s).*" + vps + ": assigning\r?\n.*"), out);
        assertTrue(out.matches("(?s).*" + vps + ": running \\(assigning [1-9]\\d*\\.\\d s\\)\r?\n.*"), out);
        assertTrue(out.matches("(?s).*" + vps + ": host certificate installed \\(\\d+\\.\\d s after running; "
                + "[1-9]\\d*\\.\\d s in all\\)\r?\n.*"), out);
        assertTrue(out.contains("created vps-" + id + " (tty) on runner r1, status running"), out);

        Terminal piped = Terminal.run(t.home, "vps", "create", "--image", "ferry-test/sshd:1", "--name", "piped",
                "--gen-ssh-key", "--wait", "|", "cat");
        String pipedId = piped.awaitId(t, "piped");
        t.runner.hostKey(pipedId, TestKeys.ed25519("root@piped").toOpenSsh());
        t.runner.report(pipedId, ContainerState.RUNNING, ClientSshTestSupport.freePort(), null);
        String quiet = piped.finish();
        assertTrue(quiet.contains("created vps-" + pipedId + " (piped) on runner r1, status running"), quiet);
        assertFalse(quiet.contains("assigning") || quiet.contains("certificate installed"), quiet);
    }

    @Test
    void aRenamedVpsAnswersToItsNewNameOnlyAndGetsACertificateForIt() throws Exception {
        CompletableFuture<CliTestSupport.Result> create = CompletableFuture.supplyAsync(() -> t.ferry("vps",
                "create", "--image", "ferry-test/sshd:1", "--name", "web", "--gen-ssh-key", "--wait"));
        String id = t.awaitId("web");
        t.runner.hostKey(id, TestKeys.ed25519("root@web").toOpenSsh());
        t.runner.report(id, ContainerState.RUNNING, ClientSshTestSupport.freePort(), null);
        assertEquals(0, create.get(30, TimeUnit.SECONDS).code());
        t.ferry("vps", "create", "--image", "ferry-test/sshd:1", "--name", "other", "--gen-ssh-key");

        t.runner.installsCertificates(false);
        CliTestSupport.Result renamed = t.ferry("vps", "rename", "web", "db");
        assertEquals(0, renamed.code(), renamed.toString());
        assertEquals("vps-" + id + " is now named db (vps-db)", renamed.out().strip());
        assertEquals(id, status("db").path("id").asText());
        assertEquals("false", status("db").path("host_certified").asText(), "the certificate named it web");
        CliTestSupport.Result gone = t.ferry("vps", "status", "web");
        assertEquals(ExitCodes.NOT_FOUND, gone.code(), gone.toString());
        t.runner.installsCertificates(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!status("db").path("host_certified").asBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals("true", status("db").path("host_certified").asText(), "its runner installed the new one");

        // --wait returns once the certificate for the new name is served
        t.runner.installsCertificates(false);
        CompletableFuture<CliTestSupport.Result> waited = CompletableFuture.supplyAsync(() -> t.ferry("vps",
                "rename", "db", "cache", "--wait"));
        Thread.sleep(1500);
        assertFalse(waited.isDone(), () -> "returned before the certificate: " + waited.join());
        t.runner.installsCertificates(true);
        CliTestSupport.Result renamedAgain = waited.get(30, TimeUnit.SECONDS);
        assertEquals(0, renamedAgain.code(), renamedAgain.toString());
        assertEquals("vps-" + id + " is now named cache (vps-cache)", renamedAgain.out().strip());
        assertEquals("true", status("cache").path("host_certified").asText(), "served when --wait returned");
        assertEquals(0, t.ferry("vps", "rename", "cache", "db").code());
        t.runner.installsCertificates(true);

        CliTestSupport.Result taken = t.ferry("vps", "rename", "db", "other");
        assertEquals(ExitCodes.CONFLICT, taken.code(), taken.toString());
        assertTrue(taken.err().contains("a VPS named 'other' already exists"), taken.toString());
        CliTestSupport.Result bad = t.ferry("vps", "rename", "db", "9lives");
        assertTrue(bad.err().contains("name '9lives' is not valid"), bad.toString());
    }

    private com.fasterxml.jackson.databind.JsonNode status(String id) throws IOException {
        return Json.MAPPER.readTree(t.ferry("vps", "status", id, "--json").out());
    }

    /** {@code ferry ARGS} as its own process on a pseudo terminal ({@code script}), its home the test's. */
    private record Terminal(Process process, ByteArrayOutputStream out, Thread pump) {
        static Terminal run(Path home, String... args) throws IOException {
            StringBuilder line = new StringBuilder(ShellWords.join(List.of(Path.of(System.getProperty("java.home"),
                    "bin", "java").toString(), "-Duser.home=" + home, "-cp", System.getProperty(
                    "surefire.test.class.path", System.getProperty("java.class.path")), Main.class.getName())));
            for (String a : args) {
                line.append(' ').append(a.equals("|") ? a : ShellWords.quote(a));
            }
            Process p = new ProcessBuilder("script", "-qec", line.toString(), "/dev/null").redirectErrorStream(true)
                    .start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            return new Terminal(p, out, ClientSshTestSupport.pump(p, out));
        }

        /**
         * The id of VPS {@code name} once the Host lists it; fails with what this {@code ferry} printed if it ends
         * first or the Host has not listed it within 60 s.
         */
        String awaitId(ClientSshTestSupport t, String name) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                CliTestSupport.Result r = t.ferry("vps", "status", name, "--json");
                if (r.code() == 0) {
                    return Json.MAPPER.readTree(r.out()).path("id").asText();
                }
                if (!process.isAlive()) {
                    throw new AssertionError("ferry ended (" + process.exitValue() + ") before VPS " + name
                            + " was listed: " + out + "\nvps status: " + r);
                }
                Thread.sleep(100);
            }
            throw new AssertionError("VPS " + name + " not listed within 60 s; ferry printed: " + out);
        }

        /** Until the output so far contains {@code text}. */
        void await(String text) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!out.toString(StandardCharsets.UTF_8).contains(text)) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new AssertionError("no '" + text + "' in what ferry printed: " + out);
                }
                Thread.sleep(50);
            }
        }

        String finish() throws Exception {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("ferry did not finish within 60 s: " + out);
            }
            pump.join();
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), text);
            return text;
        }
    }
}
