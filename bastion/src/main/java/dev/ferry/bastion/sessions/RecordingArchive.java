package dev.ferry.bastion.sessions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where closed recordings go to be read from any Host: an object store. Names are the recordings' own
 * ({@code 2026/12/07/s12/events.jsonl.gz}); what is stored is the file as written (gzip members).
 */
public interface RecordingArchive extends AutoCloseable {
    /** Stores {@code file} as recording {@code name}, replacing what was there. */
    void put(String name, Path file) throws IOException;

    /** Recording {@code name} as stored; a {@link java.nio.file.NoSuchFileException} when there is none. */
    InputStream open(String name) throws IOException;

    /** Deletes recording {@code name}; nothing when there is none. */
    void delete(String name) throws IOException;

    /** Null when the store answers and the bucket is there, else why not (for the Host's start). */
    String check();

    @Override
    void close();
}
