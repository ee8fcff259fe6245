package dev.ferry.api;

import java.util.List;

/**
 * {@code GET /api/v1/vps/{ref}/access}: who may get into a VPS, as whom, until when: its own keys (any login
 * user), its owner and the admins (any login user), and the grants.
 */
public record AccessView(String vps, String vpsName, List<KeyView> vpsKeys, String owner, List<String> admins,
                         List<GrantView> grants) {
}
