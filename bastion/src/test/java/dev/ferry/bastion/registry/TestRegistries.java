package dev.ferry.bastion.registry;

import dev.ferry.bastion.host.HostConfig;
import dev.ferry.bastion.vps.Snowflake;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Everything the registry of {@code dataDir} holds, as text, for tests that look for what must never be
     * stored: the H2 file's bytes, or every row of every table of its PostgreSQL database.
     */
    public static String contentsOf(Path dataDir) throws Exception {
        if (!postgres()) {
            return Files.readString(dataDir.resolve("registry.mv.db"), StandardCharsets.ISO_8859_1);
        }
        RegistryLocation db = databaseOf(dataDir);
        StringBuilder all = new StringBuilder();
        try (Connection c = PostgresServer.connect(db); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables "
                    + "WHERE table_schema = 'public'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT * FROM \"" + table + "\"")) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            all.append(rs.getString(i)).append('\n');
                        }
                    }
                }
            }
        }
        return all.toString();
    }

    /** A new registry where the suite keeps them ({@code dir} for the H2 file). */
    public static JdbcRegistry open(Path dir, Snowflake ids, Clock clock) {
        return postgres() ? JdbcRegistry.open(databaseOf(dir), dir, ids, clock)
                : JdbcRegistry.open(dir, ids, clock);
    }
}
