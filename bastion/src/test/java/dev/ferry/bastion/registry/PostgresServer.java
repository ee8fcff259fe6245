package dev.ferry.bastion.registry;

import dev.ferry.testing.Processes;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for the tests (Debian's package, which {@code ./ferry test} installs): one cluster per
 * test JVM in a temporary directory, on a free loopback port, password authentication over TCP as a real
 * deployment has; each test gets a database of its own. Stopped when the JVM ends.
 */
public final class PostgresServer {
    public static final String USER = "ferry";
    public static final String PASSWORD = "ferry-test-password";

    private static PostgresServer shared;
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private final Path dir;
    private final int port;
    private final List<String> asOwner;

    private PostgresServer(Path dir, int port, List<String> asOwner) {
        this.dir = dir;
        this.port = port;
        this.asOwner = asOwner;
    }

    /** The server of this JVM, started on first use. */
    public static synchronized PostgresServer get() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "postgres-stop"));
        }
        return shared;
    }

    public int port() {
        return port;
    }

    /** A new, empty database on this server, and its location as {@code registry_url} names it. */
    public RegistryLocation newDatabase() {
        String name = "ferry_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), USER, PASSWORD);
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + ": " + e.getMessage(), e);
        }
        return new RegistryLocation("postgresql://" + USER + "@127.0.0.1:" + port + "/" + name, null, PASSWORD,
                keyFile());
    }

    /** The registry key every test Host on this server shares (0600, made once). */
    public synchronized Path keyFile() {
        Path key = dir.resolve("registry.key");
        if (!Files.exists(key)) {
            byte[] random = new byte[32];
            new java.security.SecureRandom().nextBytes(random);
            try {
                Files.writeString(key, java.util.Base64.getEncoder().encodeToString(random) + "\n");
                Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return key;
    }

    /** A connection as the test cluster's superuser to the database {@code db} names. */
    public static Connection connect(RegistryLocation db) throws SQLException {
        return DriverManager.getConnection(db.parts().jdbcUrl(), USER, PASSWORD);
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private static PostgresServer start() {
        Path bin = binaries();
        try {
            Path dir = Files.createTempDirectory("ferry-pg-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            List<String> asOwner = new ArrayList<>();
            if ("root".equals(System.getProperty("user.name"))) {
                // PostgreSQL refuses to run as root: the cluster belongs to the postgres user
                Processes.run(List.of("chown", "postgres:postgres", dir.toString()), null, 30).requireSuccess();
                asOwner.addAll(List.of("runuser", "-u", "postgres", "--"));
            }
            Path pw = dir.resolve("pw");
            Files.writeString(pw, PASSWORD + "\n");
            if (!asOwner.isEmpty()) {
                Processes.run(List.of("chown", "postgres:postgres", pw.toString()), null, 30).requireSuccess();
            }
            int port = freePort();
            PostgresServer server = new PostgresServer(dir, port, asOwner);
            server.owner(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER,
                    "--pwfile=" + pw, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
                    "--no-sync"), 120);
            server.owner(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                    dir.resolve("server.log").toString(), "-w", "-t", "60", "-o",
                    "-p " + port + " -h 127.0.0.1 -k " + dir + " -c fsync=off -c max_connections=200", "start"), 90);
            return server;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start PostgreSQL for the tests: " + e.getMessage(), e);
        }
    }

    private void owner(List<String> command, int timeoutSeconds) {
        List<String> cmd = new ArrayList<>(asOwner);
        cmd.addAll(command);
        Processes.Result r = Processes.run(cmd, null, timeoutSeconds);
        if (r.exit() != 0) {
            throw new IllegalStateException("PostgreSQL for the tests: " + String.join(" ", command) + " failed: "
                    + r.err() + r.out() + log());
        }
    }

    private String log() {
        try {
            Path log = dir.resolve("server.log");
            return Files.exists(log) ? "\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops the server at once (immediate: nothing of the tests needs keeping). */
    public void stop() {
        owner(List.of(binaries().resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m",
                "immediate", "stop"), 60);
        Processes.run(List.of("rm", "-rf", dir.toString()), null, 60);
    }

    /** The newest installed PostgreSQL's programs (Debian keeps them under /usr/lib/postgresql/VERSION/bin). */
    static Path binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        try (Stream<Path> versions = Files.isDirectory(root) ? Files.list(root) : Stream.empty()) {
            return versions.filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                    .max(Comparator.comparing(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(v -> v.resolve("bin"))
                    .orElseThrow(() -> new IllegalStateException("PostgreSQL is not installed (the tests of the "
                            + "PostgreSQL registry need it): apt-get install postgresql, or run ./ferry test, which does"));
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
