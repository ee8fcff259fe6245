package dev.ferry.api;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/vps/{ref}/access}: who may get into a VPS, as whom, until when: its own keys (any login
 * user), its owner and the admins (any login user), and the grants; and, from those, the people who may log in
 * as each login user now ({@code logins}: what a runner tells the VPS's sshd, for ProxyJump).
 */
public record AccessView(String vps, String vpsName, List<KeyView> vpsKeys, String owner, List<String> admins,
                         List<GrantView> grants, Map<String, List<String>> logins) {
}
