package dev.ferry.protocol;

/**
 * One VPS container as the runner sees it, in a heartbeat.
 *
 * @param vpsId       the VPS id (decimal snowflake, as a string)
 * @param containerId the Docker container id, null when there is no container
 * @param state       see {@link ContainerState}; absent reads as {@link ContainerState#UNKNOWN}
 * @param sshPort     the host port published for the container's port 22 on the advertised address, or null
 * @param sshReady    an SSH banner answered on advertised address : sshPort during this heartbeat
 * @param error       the sentence for the user when {@code state} is failed, else null; bounded and made
 *                    printable ({@link ReportText})
 * @param startedAt   when Docker last started the container (ISO-8601 instant), or null
 * @param hostKey     the container sshd's host public key as the start-up step read it ({@code type base64},
 *                    no comment), or null when not known (yet); the bastion expects it in plain mode
 * @param hostCertificate the fingerprint of the host certificate the start-up step installed in this container
 *                    ({@code SHA256:...} over the certificate's blob), or null when none: the Host compares it
 *                    with the certificate it issues, to tell when a client checking certificates can connect
 * @param limits      the limits the container runs with, or null when not known (no container, an older runner)
 */
public record ContainerReport(String vpsId, String containerId, ContainerState state, Integer sshPort,
                              boolean sshReady, String error, String startedAt, String hostKey,
                              String hostCertificate, ContainerLimits limits) {
    /** A report without limits. */
    public ContainerReport(String vpsId, String containerId, ContainerState state, Integer sshPort, boolean sshReady,
                           String error, String startedAt, String hostKey, String hostCertificate) {
        this(vpsId, containerId, state, sshPort, sshReady, error, startedAt, hostKey, hostCertificate, null);
    }

    /** A report without a host certificate. */
    public ContainerReport(String vpsId, String containerId, ContainerState state, Integer sshPort, boolean sshReady,
                           String error, String startedAt, String hostKey) {
        this(vpsId, containerId, state, sshPort, sshReady, error, startedAt, hostKey, null);
    }

    public ContainerReport {
        state = state == null ? ContainerState.UNKNOWN : state;
        error = ReportText.bounded(error); // the container's own output: any length, any bytes
    }
}
