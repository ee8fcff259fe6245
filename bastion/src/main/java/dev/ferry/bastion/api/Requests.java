package dev.ferry.bastion.api;

import dev.ferry.bastion.FerryException;
import dev.ferry.keys.HostKeyLine;
import dev.ferry.keys.KeyFormatException;
import dev.ferry.keys.SshPublicKey;
import java.util.ArrayList;
import java.util.List;

/** Request bodies of the control API. Unknown fields are refused by {@link Json}. */
public final class Requests {
    private Requests() {
    }

    /**
     * {@code POST /api/v1/vps}: with {@code endpoint}, register an external VPS ({@code host_key}, its sshd's
     * host public key, optional); with {@code image}, create one on a runner ({@code runner}, {@code cpus},
     * {@code memory_bytes} optional).
     */
    public record CreateVps(String name, String endpoint, List<String> keys, String image, String runner, Double cpus,
                            Long memoryBytes, String hostKey) {
        /** An external VPS whose host key the bastion records at first contact. */
        public CreateVps(String name, String endpoint, List<String> keys) {
            this(name, endpoint, keys, null);
        }

        /** An external VPS with its sshd's host public key line (or null). */
        public CreateVps(String name, String endpoint, List<String> keys, String hostKey) {
            this(name, endpoint, keys, null, null, null, null, hostKey);
        }
    }

    /** {@code POST /api/v1/vps/{ref}/keys}: add keys to a VPS. */
    public record AddKeys(List<String> keys) {
    }

    /** {@code PUT /api/v1/vps/{ref}/host-key}: the host key an external VPS's sshd now presents. */
    public record SetHostKey(String hostKey) {
    }

    /** {@code PUT /api/v1/vps/{ref}/name}: the VPS's new name. */
    public record Rename(String name) {
    }

    /** The registry's column for key comments (schema V1). */
    static final int MAX_COMMENT = 1024;

    /** Parses the {@code keys} field: OpenSSH public key lines, errors naming the element. */
    public static List<SshPublicKey> parseKeys(List<String> lines) {
        if (lines == null || lines.isEmpty()) {
            throw FerryException.invalid("field 'keys' is required: a list of OpenSSH public key lines");
        }
        List<SshPublicKey> keys = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line == null) {
                throw FerryException.invalid("keys[" + i + "]: is null; expected an OpenSSH public key line");
            }
            SshPublicKey key;
            try {
                key = SshPublicKey.parse(line);
            } catch (KeyFormatException e) {
                throw FerryException.invalid("keys[" + i + "]: " + e.getMessage());
            }
            if (key.comment().length() > MAX_COMMENT) {
                throw FerryException.invalid("keys[" + i + "]: the comment is " + key.comment().length()
                        + " characters long; at most " + MAX_COMMENT + " are kept");
            }
            keys.add(key);
        }
        return keys;
    }

    /**
     * Parses the {@code host_key} field: one OpenSSH public key line, kept as {@code type base64}.
     *
     * @return null when the field is absent
     */
    public static String parseHostKey(String line) {
        if (line == null) {
            return null;
        }
        try {
            return HostKeyLine.normalize(line);
        } catch (KeyFormatException e) {
            throw FerryException.invalid("field 'host_key': " + e.getMessage());
        }
    }

    /** A required string field. */
    public static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw FerryException.invalid("field '" + field + "' is required");
        }
        return value;
    }
}
