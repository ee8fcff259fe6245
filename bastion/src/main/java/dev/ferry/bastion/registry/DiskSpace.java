package dev.ferry.bastion.registry;

import dev.ferry.bastion.FerryException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Room for changes on the disk that holds the data directory. A change is refused with a sentence before H2 is
 * asked to write when the disk is (nearly) full: H2 closes the whole database on a failed write, which would fail
 * the logins reading it at that moment too ({@link RenewablePool} reopens it, but better not to get there). A
 * failure H2 meets anyway (the disk filled up between the check and the write) is recognised by its cause.
 */
final class DiskSpace {
    /**
     * Below this many free bytes a change is refused. A commit appends a chunk of a few KiB (4 KiB writes were
     * measured on a one-row change), so 1 MiB leaves room for any one change and for H2's own header writes.
     */
    static final long DEFAULT_MARGIN = 1 << 20;

    private final Path dir;
    private final long margin;

    /**
     * @param dir    the data directory (where the registry file is)
     * @param margin refuse a change below this many free bytes; 0 leaves it all to H2 (tests of the failure path)
     */
    DiskSpace(Path dir, long margin) {
        this.dir = dir.toAbsolutePath();
        this.margin = margin;
    }

    /** Throws the refusal when the disk has less room than the margin. A cheap statvfs, no mount table read. */
    void requireRoom() {
        // File.getUsableSpace counts what this user may write (root's reserved blocks not included); 0 when unknown
        long free = dir.toFile().getUsableSpace();
        if (margin > 0 && free < margin) {
            throw full(null);
        }
    }

    /** Whether a failure was caused by the disk being full (ENOSPC, or a quota: EDQUOT). */
    static boolean isNoSpace(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null
                    && (t.getMessage().contains("No space left") || t.getMessage().contains("quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** The sentence users read (API, CLI) when a change cannot be written for want of space. */
    FerryException full(Throwable cause) {
        return new FerryException(FerryException.Kind.UNAVAILABLE, "the Host's data directory " + dir + " has no "
                + "space left on its disk, so this change was not made: free space there and try again (what the Host "
                + "stores still serves logins; no restart is needed)", cause);
    }
}
