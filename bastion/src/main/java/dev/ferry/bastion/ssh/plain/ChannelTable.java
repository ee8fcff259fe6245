package dev.ferry.bastion.ssh.plain;

import dev.ferry.bastion.metrics.Metrics;
import dev.ferry.bastion.sessions.SessionRecorder;
import dev.ferry.bastion.ssh.SessionInfo;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.sshd.common.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channels relayed on one user connection, by the bastion's own id for each (taken from the user connection's
 * ids, which its own channels share). It holds at most {@link #MAX_CHANNELS}; a channel is counted among the open
 * channels of the metrics once it is open both ways, and when it ends it leaves the table, the metrics, the log and
 * the audit exactly once, whichever side ended it or however the connections went.
 */
final class ChannelTable {
    private static final Logger log = LoggerFactory.getLogger(ChannelTable.class);
    /** Relayed channels one connection may hold at once (VS Code opens many, not thousands). */
    static final int MAX_CHANNELS = 256;

    private final Map<Long, BridgedChannel> channels = new ConcurrentHashMap<>();
    private final LongSupplier ids;
    private final Session user;
    private final String context;
    private final SessionRecorder recorder;

    /**
     * @param ids      channel ids of the user's connection, shared with the bastion's own channels
     * @param recorder what records the session's channels, or null
     */
    ChannelTable(LongSupplier ids, Session user, String context, SessionRecorder recorder) {
        this.recorder = recorder;
        this.ids = ids;
        this.user = user;
        this.context = context;
    }

    /** Whether this id is a channel relayed here. */
    boolean owns(long id) {
        return channels.containsKey(id);
    }

    BridgedChannel get(long id) {
        return channels.get(id);
    }

    /** A new channel under a fresh id, or null when the connection holds {@link #MAX_CHANNELS} already. */
    BridgedChannel add(String type, String label, boolean fromUser, String target) {
        if (channels.size() >= MAX_CHANNELS) {
            return null;
        }
        BridgedChannel c = new BridgedChannel(ids.getAsLong(), type, label, fromUser, target);
        channels.put(c.local, c);
        return c;
    }

    /** A channel refused before it opened: it leaves without a trace (its refusal is logged where it happened). */
    void refused(BridgedChannel c) {
        channels.remove(c.local);
    }

    /** The channel is open both ways. */
    void opened(BridgedChannel c) {
        c.counted = true;
        SessionInfo info = SessionInfo.of(user);
        if (info != null) {
            info.traffic().plain();
        }
        if (recorder != null) {
            recorder.opened(c.local, c.kind(), c.detail());
        }
        Metrics.channelOpened("plain");
    }

    /** The channel ended (closed on both sides, or its connections went): its bytes and time are written down. */
    void ended(BridgedChannel c) {
        if (channels.remove(c.local) == null) {
            return; // already ended (both closes came while the connection closed)
        }
        if (c.counted) {
            c.counted = false;
            Metrics.channelClosed("plain", c.toVps.get(), c.fromVps.get());
        }
        if (recorder != null) {
            recorder.closed(c.local, c.toVps.get(), c.fromVps.get());
        }
        log.info("{} {} closed: {} bytes to the VPS, {} bytes from it, {} ms", context, c.label, c.toVps.get(),
                c.fromVps.get(), c.millis());
        SessionInfo info = SessionInfo.of(user);
        if (info != null) {
            info.traffic().ended(c.toVps.get(), c.fromVps.get());
            info.audit("bridge").put("channel", c.label).put("bytes_to_vps", c.toVps.get())
                    .put("bytes_from_vps", c.fromVps.get()).put("ms", c.millis()).write();
        }
    }

    /** The channels open both ways now, the oldest first, for the live list. */
    List<BridgedChannel> open() {
        return channels.values().stream().filter(c -> c.counted).sorted(Comparator.comparingLong(c -> c.local))
                .toList();
    }

    /** The channels now, to go through while the table may change. */
    List<BridgedChannel> all() {
        return List.copyOf(channels.values());
    }
}
