package dev.ferry.bastion.api;

import dev.ferry.bastion.people.Role;

/**
 * What a control API route asks of whoever calls it with a person's token (issue 22); the admin token may do
 * everything. Routes of a VPS ({@link #VPS_READ}, {@link #VPS_SESSIONS}, {@link #VPS_MANAGE}) name it first in their
 * path, and a member passes them for the VPS they own (its sessions, managing) or own or are granted (reading) only.
 */
public enum Need {
    /** Anyone signed in: who am I, my tokens, the CAs' public keys. */
    ANYONE("anyone signed in"),
    /** Everything read-only: sessions and recordings, runners. */
    READ_ALL("admins and auditors"),
    /** The VPS list, which shows a member theirs only. */
    VPS_LIST("anyone signed in"),
    /** Reading one VPS. */
    VPS_READ("admins, auditors, and members for the VPS they own or are granted"),
    /** Creating a VPS, which its creator then owns. */
    CREATE("admins and members"),
    /** Who is connected to one VPS now: its owner sees it, not the people granted it. */
    VPS_SESSIONS("admins, auditors, and members for the VPS they created"),
    /** Changing one VPS: its lifecycle, keys, name, policy, grants. */
    VPS_MANAGE("admins, and members for the VPS they created"),
    /** People, runners, the Host's secrets. */
    ADMIN("admins");

    private final String who;

    Need(String who) {
        this.who = who;
    }

    /** Who may, as a sentence's end: "admins and auditors". */
    public String who() {
        return who;
    }

    /** Whether {@code role} may call such a route at all (a member's VPS is checked besides). */
    public boolean allows(Role role) {
        return switch (this) {
            case ANYONE, VPS_LIST -> true;
            case READ_ALL -> role != Role.MEMBER;
            case VPS_READ, VPS_SESSIONS -> true;
            case CREATE -> role != Role.AUDITOR;
            case VPS_MANAGE -> role != Role.AUDITOR;
            case ADMIN -> role == Role.ADMIN;
        };
    }
}
