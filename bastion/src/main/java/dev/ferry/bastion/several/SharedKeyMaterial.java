package dev.ferry.bastion.several;

import dev.ferry.keys.KeyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every Host on a shared registry must hold the same ({@link SharedFiles#shared()}: the host keys, the CAs,
 * the API's TLS key, the tokens). The first Host to start makes them and stores them sealed ({@link SecretSeal});
 * every later Host takes them from the registry into its own data directory, replacing what it had made alone.
 */
public final class SharedKeyMaterial {
    private static final Logger log = LoggerFactory.getLogger(SharedKeyMaterial.class);

    private SharedKeyMaterial() {
    }

    /** Brings the data directory and the registry to the same key material, one Host at a time. */
    public static void sync(Coordination coordination, SharedFiles dir, SecretSeal seal) {
        coordination.shareSecrets(stored -> {
            try {
                // a Host joining holds none of them yet; one that lacks some had them deleted
                boolean joining = dir.shared().stream().noneMatch(name -> Files.exists(dir.root().resolve(name)));
                for (String name : dir.shared()) {
                    if (stored.containsKey(name)) {
                        take(dir.root().resolve(name), seal.open(name, stored.get(name)), name, joining);
                    }
                }
                dir.makeMissing();
                Map<String, String> added = new LinkedHashMap<>();
                for (String name : dir.shared()) {
                    if (!stored.containsKey(name)) {
                        added.put(name, seal.seal(name, Files.readAllBytes(dir.root().resolve(name))));
                    }
                }
                return added;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot share the Host's key material: " + e.getMessage(), e);
            }
        });
    }

    /** Stores this data directory's copies of {@code names} as every Host's (a rotation made here). */
    public static void publish(Coordination coordination, SharedFiles dir, SecretSeal seal, List<String> names)
            throws IOException {
        Map<String, String> sealed = new LinkedHashMap<>();
        for (String name : names) {
            sealed.put(name, seal.seal(name, Files.readAllBytes(dir.root().resolve(name))));
        }
        coordination.replaceSecrets(sealed);
    }

    /** Takes the registry's copies of {@code names} (another Host's rotation). */
    public static void take(Map<String, String> stored, SharedFiles dir, SecretSeal seal, List<String> names)
            throws IOException {
        for (String name : names) {
            if (stored.containsKey(name)) {
                take(dir.root().resolve(name), seal.open(name, stored.get(name)), name, true);
            }
        }
    }

    /** Writes the registry's copy over the local file when they differ (0600, never half-written). */
    private static void take(Path file, byte[] content, String name, boolean joining) throws IOException {
        if (Files.exists(file) && Arrays.equals(Files.readAllBytes(file), content)) {
            return;
        }
        boolean replaced = Files.exists(file);
        KeyFiles.writeAtomically(file, content, PosixFilePermissions.fromString("rw-------"));
        if (replaced || joining) {
            log.info("{} {} from the registry: every Host holds the same", replaced ? "replaced" : "took", name);
        } else {
            // never silently: someone may have deleted it to rotate it, which on a shared registry it does not
            log.warn("{} was missing from this Host's data directory: restored from the registry's sealed copy, the "
                    + "one every Host holds (deleting it rotates nothing on a shared registry)", name);
        }
    }
}
