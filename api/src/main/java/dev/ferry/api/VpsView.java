package dev.ferry.api;

import java.util.List;

/**
 * A VPS in the control API's JSON. The id is a string: 19-digit numbers are more than JavaScript and
 * jq hold exactly. {@code runner} is {@code null} for an external VPS; {@code ssh_port} and
 * {@code endpoint} are {@code null} while a runner-backed VPS has no published port. {@code keys} and
 * {@code runner_state} (whether its runner and that runner's Docker answer) are only filled where the
 * answer is about one VPS. {@code recording} ({@code optional}, {@code required}) and {@code forwarding}
 * ({@code all}, {@code local}, {@code none}) are what it demands of its sessions ({@code ferry vps policy}).
 * {@code host_key} is its sshd's host public key ({@code type base64}), {@code null}
 * while unknown. {@code host_certified} says whether a runner-backed VPS's sshd serves the host certificate
 * {@code ferry known-hosts} trusts yet ({@code null} for an external VPS, which has none). {@code cpus} and
 * {@code memory_bytes} are the limits it was placed with ({@code null}: none asked, the runner's defaults
 * apply); {@code applied_cpus} and {@code applied_memory_bytes} are what its container really runs with, as
 * its runner read them from Docker (0: no limit; {@code null} until reported, and for an external VPS).
 */
public record VpsView(String id, String name, String status, String runner, String runnerState, Integer sshPort,
                      String endpoint, String image, String desired, Double cpus, Long memoryBytes, String lastError,
                      String sshUser, int keyCount, String createdAt, String updatedAt, List<KeyView> keys,
                      String hostKey, Boolean hostCertified, String recording, String forwarding,
                      Double appliedCpus, Long appliedMemoryBytes) {
}
