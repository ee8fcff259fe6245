package dev.ferry.api;

import java.util.List;

/**
 * A live session in {@code ferry sessions list} and {@code show}: one logged-in SSH connection to the bastion.
 *
 * @param id            its id, {@code s<n>}, as the Host's log and audit events name it, unique across Hosts
 * @param user          the user name the client sent ({@code vps-web+dev}, {@code jump})
 * @param key           the SHA256 fingerprint of the key it logged in with
 * @param via           what let the key in: {@code VPS key}, or its person and why ({@code alice (grant)},
 *                      {@code ada (admin)}); null for the jump user
 * @param client        the client's address and port (the real one behind a balancer that passes it)
 * @param vpsId         the VPS its user name named (a string, as in {@link VpsView}); null for the jump user
 * @param vps           how the user name named it ({@code vps-web}); null for the jump user
 * @param login         the login user inside the VPS for plain mode; null for the jump user
 * @param mode          {@code plain}, {@code jump}, both ({@code plain+jump}) or {@code none} before a channel
 * @param host          the Host that holds the connection
 * @param startedAt     when it logged in (ISO-8601)
 * @param bytesToVps    what its channels carried to the VPS so far, ended channels included
 * @param bytesFromVps  what they carried back
 * @param channels      its open channels, the oldest first
 * @param channelsMore  open channels left out of {@code channels} to keep the answer short
 * @param updatedAt     when these figures were taken (a session on another Host is seen as it last wrote them)
 */
public record SessionView(String id, String user, String key, String via, String client, String vpsId, String vps,
                          String login, String mode, String host, String startedAt, long bytesToVps, long bytesFromVps,
                          List<ChannelView> channels, int channelsMore, String updatedAt) {
    /** This session as held by {@code host}. */
    public SessionView withHost(String host) {
        return new SessionView(id, user, key, via, client, vpsId, vps, login, mode, host, startedAt, bytesToVps,
                bytesFromVps, channels, channelsMore, updatedAt);
    }

    /** This session with its figures taken at {@code updatedAt}. */
    public SessionView withUpdatedAt(String updatedAt) {
        return new SessionView(id, user, key, via, client, vpsId, vps, login, mode, host, startedAt, bytesToVps,
                bytesFromVps, channels, channelsMore, updatedAt);
    }

    /** This session listing only its first {@code n} channels, the others counted in {@code channelsMore}. */
    public SessionView withFirstChannels(int n) {
        int listed = Math.min(n, channels.size());
        return new SessionView(id, user, key, via, client, vpsId, vps, login, mode, host, startedAt, bytesToVps,
                bytesFromVps, List.copyOf(channels.subList(0, listed)), channelsMore + channels.size() - listed,
                updatedAt);
    }
}
