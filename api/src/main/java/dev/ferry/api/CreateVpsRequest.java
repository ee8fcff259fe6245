package dev.ferry.api;

import java.util.List;

/**
 * {@code POST /api/v1/vps}: with {@code endpoint}, register an external VPS ({@code host_key}, its sshd's
 * host public key, optional); with {@code image}, create one on a runner ({@code runner}, {@code cpus},
 * {@code memory_bytes} optional).
 */
public record CreateVpsRequest(String name, String endpoint, List<String> keys, String image, String runner,
                               Double cpus, Long memoryBytes, String hostKey) {
    /** An external VPS whose host key the bastion records at first contact. */
    public CreateVpsRequest(String name, String endpoint, List<String> keys) {
        this(name, endpoint, keys, null);
    }

    /** An external VPS with its sshd's host public key line (or null). */
    public CreateVpsRequest(String name, String endpoint, List<String> keys, String hostKey) {
        this(name, endpoint, keys, null, null, null, null, hostKey);
    }
}
