package dev.ferry.bastion.api;

import dev.ferry.bastion.vps.Vps;
import java.util.List;

/**
 * A VPS in the control API's JSON. The id is a string: 19-digit numbers are more than JavaScript and
 * jq hold exactly. {@code keys} is only filled where the answer is about one VPS.
 */
public record VpsView(String id, String name, String status, String endpoint, String sshUser, int keyCount,
                      String createdAt, String updatedAt, List<KeyView> keys) {

    public static VpsView of(Vps v, List<KeyView> keys) {
        return new VpsView(Long.toString(v.id()), v.name(), v.status().word(), v.endpoint().toString(),
                v.sshUser(), v.keyCount(), v.createdAt().toString(), v.updatedAt().toString(), keys);
    }
}
