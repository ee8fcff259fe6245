package dev.ferry.agent.reconcile;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** The labels and names that tie a Docker container to a VPS and a runner: the only record of ownership. */
public final class Labels {
    /** The VPS id (decimal snowflake). */
    public static final String VPS_ID = "ferry.vps.id";
    /** The name of the runner that created the container. */
    public static final String RUNNER = "ferry.runner";
    /** Marks every container Ferry manages. */
    public static final String MANAGED = "ferry.managed";
    /** The identity of the Host registry that asked for the container. */
    public static final String REGISTRY = "ferry.registry";

    /** VPS ids are snowflakes; anything usable in a container name is accepted for forward compatibility. */
    private static final Pattern VPS_ID_FORM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private Labels() {
    }

    /** @return the name of the container of VPS {@code vpsId}: {@code ferry-vps-<id>} */
    public static String containerName(String vpsId) {
        return "ferry-vps-" + vpsId;
    }

    /** @return the labels of a container of VPS {@code vpsId} created by runner {@code runner} for a registry */
    public static Map<String, String> of(String vpsId, String runner, String registryId) {
        Map<String, String> labels = new HashMap<>(Map.of(VPS_ID, vpsId, RUNNER, runner, MANAGED, "true"));
        if (registryId != null) {
            labels.put(REGISTRY, registryId);
        }
        return Map.copyOf(labels);
    }

    /** @return the label filter that finds every container of runner {@code runner} */
    public static Map<String, String> ofRunner(String runner) {
        return Map.of(RUNNER, runner, MANAGED, "true");
    }

    /** @return whether {@code vpsId} can name a container */
    public static boolean validVpsId(String vpsId) {
        return vpsId != null && VPS_ID_FORM.matcher(vpsId).matches();
    }
}
