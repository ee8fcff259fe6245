package dev.ferry.bastion.registry;

import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.vps.Snowflake;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store the tests' Hosts and registries use: the embedded H2 file, or, when the suite runs with
 * {@code -Dferry.test.registry=postgres} ({@code ./ferry test} runs the bastion's and the CLI's suites both ways),
 * a database of the tests' PostgreSQL server for each data directory: a Host started again on the same directory
 * finds what it stored, as it does in its file.
 */
public final class TestRegistries {
    private static final Map<Path, RegistryLocation> DATABASES = new ConcurrentHashMap<>();

    private TestRegistries() {
    }

    private static RegistryLocation databaseOf(Path dataDir) {
        return DATABASES.computeIfAbsent(dataDir.toAbsolutePath().normalize(), d -> PostgresServer.get().newDatabase());
    }

    public static boolean postgres() {
        return "postgres".equals(System.getProperty("ferry.test.registry"));
    }

    /** {@code config} with its registry where the suite keeps them. */
    public static HostConfig of(HostConfig config) {
        return postgres() ? config.withRegistry(databaseOf(config.dataDir())) : config;
    }

    /** A new registry where the suite keeps them ({@code dir} for the H2 file). */
    public static JdbcRegistry open(Path dir, Snowflake ids, Clock clock) {
        return postgres() ? JdbcRegistry.open(databaseOf(dir), dir, ids, clock)
                : JdbcRegistry.open(dir, ids, clock);
    }
}
