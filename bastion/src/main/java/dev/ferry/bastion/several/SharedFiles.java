package dev.ferry.bastion.several;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A Host's data directory as the shared key material sees it: the files every Host of a registry holds the same. */
public interface SharedFiles {
    /** The directory the names of {@link #shared()} are inside. */
    Path root();

    /** The files every Host holds the same, by their path inside {@link #root()}. */
    List<String> shared();

    /** Makes every file that is missing, as a Host alone would. */
    void makeMissing() throws IOException;
}
