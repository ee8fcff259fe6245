package dev.ferry.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Docker engine and the VPS test images, for the tests that run containers: a class that uses them fails at
 * once, saying how to fix it, unless an engine answers, and the images are built when missing
 * ({@code test-containers/images/build.sh}: debootstrap and {@code docker import}, cached, so instant after the
 * first time). Nothing skips: a test's set-up calls {@link #require()}.
 */
public final class DockerImages {
    private static final String SCRIPT = "test-containers/images/build.sh";
    private static boolean ready;

    private DockerImages() {
    }

    /** Returns once a Docker engine answers and the test images are there; fails the test otherwise. */
    public static synchronized void require() {
        if (ready) {
            return;
        }
        Processes.Result info = Processes.run(List.of("docker", "info", "--format", "{{.ServerVersion}}"), null, 60);
        if (info.exit() != 0) {
            throw new AssertionError("these tests need a running Docker engine (./ferry test starts one; by hand: "
                    + "setsid nohup dockerd > /tmp/dockerd.log 2>&1 &); docker info said: " + info.err().strip());
        }
        Path script = script();
        Processes.Result build = Processes.run(List.of("bash", script.toString()), null, 900);
        if (build.exit() != 0) {
            throw new AssertionError("the test images could not be built by " + script + ":\n" + build.out()
                    + build.err());
        }
        ready = true;
    }

    /** The image script, found from the module a test runs in (Maven runs each module's tests in its directory). */
    private static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(SCRIPT))) {
                return dir.resolve(SCRIPT);
            }
        }
        throw new AssertionError("no " + SCRIPT + " above " + Path.of("").toAbsolutePath());
    }
}
