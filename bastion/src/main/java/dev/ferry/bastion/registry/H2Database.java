package dev.ferry.bastion.registry;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.SQLExceptionOverride;
import dev.ferry.bastion.FerryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.api.ErrorCode;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded registry: an H2 file ({@code registry.mv.db} in the data directory). Every commit reaches the file
 * before the call returns ({@code WRITE_DELAY=0}), so a {@code kill -9} of the Host loses nothing it has answered
 * for. New data is always appended ({@code REUSE_SPACE=FALSE}): a commit written into reused free space in the
 * middle of the file was not found again after a kill (about one kill in four on a file reopened a few times, H2
 * 2.5); the file is compacted each time it is opened.
 *
 * <p>H2's MVStore closes the database on a write that fails (a full disk: "The database has been closed"), and
 * every pooled connection is dead from then on; a new connection opens the file again with what was committed
 * before (measured with H2 2.5: it reopens and reads even while the disk is still full). So a failure that says the
 * database closed evicts the pool's connections, and the work runs again on a new one. Changes are refused with
 * a sentence before H2 is asked to write when the disk is (nearly) full ({@link DiskSpace}).
 */
final class H2Database extends Database {
    private static final Logger log = LoggerFactory.getLogger(H2Database.class);
    /** Tries of one piece of work while the database closes and reopens (50, 100, ... ms apart: 750 ms in all). */
    private static final int TRIES = 6;

    private final Path file;
    private final DiskSpace space;

    private H2Database(HikariConfig config, Path file, DiskSpace space) {
        super(config);
        this.file = file;
        this.space = space;
    }

    /**
     * Opens (creating when missing) the file {@code dir/registry}, compacted first.
     *
     * @param freeMargin refuse changes below this many free bytes on its disk (tests: 0)
     */
    /** The page cache's size, KiB. */
    static final int CACHE_KIB = 4096;

    static H2Database open(Path dir, long freeMargin) {
        Path file = dir.resolve("registry").toAbsolutePath();
        // a page cache of 4 MiB (H2's default is 16): the registry's rows are few, and the live sessions' rows, written
        // every few seconds, would otherwise fill 16 MiB of the Host's heap with pages of versions long written
        String url = "jdbc:h2:file:" + file + ";WRITE_DELAY=0;REUSE_SPACE=FALSE;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE="
                + CACHE_KIB;
        compact(file, url);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("ferry");
        config.setPassword("");
        config.setPoolName("ferry-registry");
        // a connection the closed database killed is of no use: out of the pool with it
        config.setExceptionOverride(new EvictLost());
        try {
            return new H2Database(config, file, new DiskSpace(dir, freeMargin));
        } catch (RuntimeException e) {
            throw openFailure(file, e.getCause() instanceof SQLException s ? s : e);
        }
    }

    @Override
    boolean sharedByHosts() {
        return false;
    }

    @Override
    String describe() {
        return file + ".mv.db";
    }

    @Override
    int tries() {
        return TRIES;
    }

    /** A closed database (its pool's connections are dropped, the file opens again), or one still closing. */
    @Override
    boolean worthAnotherTry(SQLException e) {
        boolean lost = lost(e);
        if (lost) {
            renew(e);
        }
        return lost || reopening(e);
    }

    @Override
    void requireRoom() {
        space.requireRoom();
    }

    @Override
    boolean mayRetryChange(SQLException e) {
        // a write that failed for want of space would only close the database again
        return !DiskSpace.isNoSpace(e);
    }

    @Override
    FerryException failure(SQLException e, boolean change) {
        return change && DiskSpace.isNoSpace(e) ? space.full(e) : super.failure(e, change);
    }

    /** Every connection of the pool is dead once H2 closed the database: they go, new ones open the file again. */
    private void renew(SQLException why) {
        log.warn("registry: H2 closed the database ({}); opening it again", firstLine(why));
        pool().getHikariPoolMXBean().softEvictConnections();
    }

    /** Tells the pool to drop a connection that met a closed database; others as it would. */
    private static final class EvictLost implements SQLExceptionOverride {
        @java.lang.Override
        public SQLExceptionOverride.Override adjudicate(SQLException e) {
            return lost(e) ? SQLExceptionOverride.Override.MUST_EVICT : SQLExceptionOverride.Override.CONTINUE_EVICT;
        }
    }

    /** H2's store failed (an I/O error on a write, this work's or another's) or the database is closed. */
    static boolean lost(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MVStoreException || t instanceof SQLException s && (s.getErrorCode()
                    == ErrorCode.DATABASE_IS_CLOSED || s.getErrorCode() == ErrorCode.DATABASE_CALLED_AT_SHUTDOWN)) {
                return true;
            }
        }
        return false;
    }

    /** The database is still held by the instance H2 is closing: opening it again fails until that is done. */
    private static boolean reopening(SQLException e) {
        return e.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1;
    }

    /**
     * Rewrites the file with only its live data. Appending every commit (no space reuse) makes the file grow
     * with each change while the Host runs; it is brought back to its data's size at each start.
     */
    private static void compact(Path file, String url) {
        Path mv = Path.of(file + ".mv.db");
        if (!Files.exists(mv)) {
            return;
        }
        try {
            long before = Files.size(mv);
            try (Connection c = DriverManager.getConnection(url, "ferry", ""); Statement st = c.createStatement()) {
                st.execute("SHUTDOWN COMPACT");
            }
            log.info("registry {} compacted: {} KiB -> {} KiB", mv, before >> 10, Files.size(mv) >> 10);
        } catch (SQLException e) {
            throw openFailure(file, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + mv, e);
        }
    }

    static IllegalStateException openFailure(Path file, Exception e) {
        String text = String.valueOf(e.getMessage());
        if (e instanceof SQLException s && s.getErrorCode() == ErrorCode.DATABASE_ALREADY_OPEN_1) {
            return new IllegalStateException("the registry " + file + ".mv.db is in use by another process "
                    + "(is another 'ferry host' running with this data directory?)", e);
        }
        return new IllegalStateException("cannot open the registry " + file + ".mv.db: " + text, e);
    }
}
