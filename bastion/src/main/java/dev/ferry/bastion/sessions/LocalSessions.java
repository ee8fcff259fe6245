package dev.ferry.bastion.sessions;

import dev.ferry.api.SessionView;
import java.util.List;

/** The sessions this Host holds, as its SSH server knows them: listed as they are now, and ended on demand. */
public interface LocalSessions {
    /** Every logged-in connection now, with its open channels and bytes so far. */
    List<SessionView> views();

    /**
     * Ends session {@code id} if this Host holds it: the user's client prints why, and an audit event says who.
     *
     * @param reason what the user is told, may be empty
     * @param by     who ended it, for the audit and the user
     * @return whether this Host held it (and has ended it)
     */
    boolean end(String id, String reason, String by);
}
