package dev.ferry.bastion.sessions;

import dev.ferry.bastion.Text;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What an sftp session did to files, read from its packets in both directions (SFTP v3, draft-ietf-secsh-filexfer-02,
 * which OpenSSH speaks): each file opened (path, read or write) with its bytes at close, removes, renames, mkdirs,
 * rmdirs, attribute changes and symlinks, each with the server's answer. Packets are read as they stream past, across
 * data messages: the first {@link #HEAD} bytes of each are kept to read their fields, the rest (file data) only
 * counted, so a transfer costs a few comparisons per message. Bounded whatever a peer sends: at most
 * {@link #MAX_PENDING} requests and {@link #MAX_HANDLES} open files are followed; beyond, operations go unnamed and
 * are counted.
 */
final class SftpStream {
    /** The bytes of a packet kept to read its fields: two paths of PATH_MAX and then some. */
    static final int HEAD = 16 << 10;
    static final int MAX_PENDING = 4096;
    static final int MAX_HANDLES = 1024;

    private static final int OPEN = 3;
    private static final int CLOSE = 4;
    private static final int READ = 5;
    private static final int WRITE = 6;
    private static final int SETSTAT = 9;
    private static final int FSETSTAT = 10;
    private static final int REMOVE = 13;
    private static final int MKDIR = 14;
    private static final int RMDIR = 15;
    private static final int RENAME = 18;
    private static final int SYMLINK = 20;
    private static final int EXTENDED = 200;
    private static final int STATUS = 101;
    private static final int HANDLE = 102;
    private static final int DATA = 103;
    private static final int FXF_READ = 1;
    private static final int FXF_WRITE = 2;

    /** A request waiting for its answer: what it was, and for a READ the file it reads. */
    private record Pending(String op, Map<String, Object> fields, OpenFile file) {
    }

    /** A file opened and not closed yet. */
    private static final class OpenFile {
        final String path;
        final String mode;
        long read;
        long written;

        OpenFile(String path, String mode) {
            this.path = path;
            this.mode = mode;
        }
    }

    private final Consumer<Map<String, Object>> events;
    private final Packets fromClient = new Packets(true);
    private final Packets fromServer = new Packets(false);
    private final Map<Long, Pending> pending = new HashMap<>();
    private final Map<String, OpenFile> handles = new HashMap<>();
    private long unfollowed;

    /** @param events hears each file operation once its answer came: {@code op}, {@code path}, ... */
    SftpStream(Consumer<Map<String, Object>> events) {
        this.events = events;
    }

    /** Bytes of the channel's data, from the client ({@code toServer}) or from the server. */
    synchronized void data(boolean toServer, byte[] b, int off, int n) {
        (toServer ? fromClient : fromServer).feed(b, off, n);
    }

    /** The channel ended: files still open are reported as they stand. */
    synchronized void end() {
        for (OpenFile f : handles.values()) {
            events.accept(fields("close", f.path, "mode", f.mode, "bytes_read", f.read, "bytes_written", f.written,
                    "note", "still open when the session ended"));
        }
        handles.clear();
        if (unfollowed > 0) {
            events.accept(fields("unfollowed", null, "operations", unfollowed));
        }
    }

    /** Splits one direction's stream into packets, keeping each one's head (its fields, not its file data). */
    private final class Packets {
        private final boolean client;
        private final byte[] lengthBytes = new byte[4];
        private int lengthHave;
        private long remaining = -1;
        private long length;
        /** Reused from packet to packet; it grows (to {@link #HEAD} at most) only for long paths. */
        private byte[] head = new byte[512];
        private int headWanted;
        private int headHave;

        Packets(boolean client) {
            this.client = client;
        }

        void feed(byte[] b, int off, int n) {
            int end = off + n;
            while (off < end) {
                if (remaining < 0) {
                    lengthBytes[lengthHave++] = b[off++];
                    if (lengthHave == 4) {
                        lengthHave = 0;
                        length = ByteBuffer.wrap(lengthBytes).getInt() & 0xffffffffL;
                        remaining = length == 0 ? -1 : length;
                        headWanted = (int) Math.min(length, HEAD);
                        headHave = 0;
                    }
                    continue;
                }
                if (headHave == 0 && headWanted > 0) {
                    // file data is only counted: a WRITE's fields end within 512 bytes, a DATA answer's within 9
                    int type = b[off] & 0xff;
                    if (client && type == WRITE || !client && type == DATA) {
                        headWanted = Math.min(headWanted, 512);
                    }
                }
                int take = (int) Math.min(remaining, end - off);
                int toHead = Math.min(take, headWanted - headHave);
                if (toHead > 0) {
                    if (head.length < headHave + toHead) {
                        head = java.util.Arrays.copyOf(head, Math.min(HEAD, Math.max(head.length * 2,
                                headHave + toHead)));
                    }
                    System.arraycopy(b, off, head, headHave, toHead);
                    headHave += toHead;
                }
                off += take;
                remaining -= take;
                if (remaining == 0) {
                    remaining = -1;
                    try {
                        packet(client, ByteBuffer.wrap(head, 0, headHave), length);
                    } catch (RuntimeException malformed) {
                        // not ours to judge: the peer's sftp server answers it; it is simply not followed
                        unfollowed++;
                    }
                }
            }
        }
    }

    private void packet(boolean client, ByteBuffer p, long length) {
        int type = p.get() & 0xff;
        if (type == 1 || type == 2) {
            return; // INIT, VERSION
        }
        long id = p.getInt() & 0xffffffffL;
        if (client) {
            request(type, id, p, length);
        } else {
            answer(type, id, p, length);
        }
    }

    private void request(int type, long id, ByteBuffer p, long length) {
        switch (type) {
            case OPEN -> {
                String path = string(p);
                int flags = p.getInt();
                String mode = (flags & FXF_READ) != 0 && (flags & FXF_WRITE) != 0 ? "read+write"
                        : (flags & FXF_WRITE) != 0 ? "write" : "read";
                follow(id, new Pending("open", fields("open", path, "mode", mode), new OpenFile(path, mode)));
            }
            case CLOSE -> {
                OpenFile f = handles.get(handle(p));
                if (f != null) {
                    follow(id, new Pending("close", null, f));
                }
            }
            case READ -> {
                OpenFile f = handles.get(handle(p));
                if (f != null) {
                    follow(id, new Pending("read", null, f));
                }
            }
            case WRITE -> {
                OpenFile f = handles.get(handle(p));
                if (f != null) {
                    p.getLong();
                    f.written += p.getInt() & 0xffffffffL;
                }
            }
            case REMOVE -> follow(id, new Pending("remove", fields("remove", string(p)), null));
            case MKDIR -> follow(id, new Pending("mkdir", fields("mkdir", string(p)), null));
            case RMDIR -> follow(id, new Pending("rmdir", fields("rmdir", string(p)), null));
            case SETSTAT -> follow(id, new Pending("setstat", fields("setstat", string(p)), null));
            case FSETSTAT -> {
                OpenFile f = handles.get(handle(p));
                follow(id, new Pending("setstat", fields("setstat", f == null ? null : f.path), null));
            }
            case RENAME -> {
                String from = string(p);
                follow(id, new Pending("rename", fields("rename", from, "to", string(p)), null));
            }
            case SYMLINK -> {
                String link = string(p);
                follow(id, new Pending("symlink", fields("symlink", link, "target", string(p)), null));
            }
            case EXTENDED -> {
                String name = string(p);
                if (name.equals("posix-rename@openssh.com") || name.equals("hardlink@openssh.com")) {
                    String from = string(p);
                    String op = name.startsWith("posix") ? "rename" : "hardlink";
                    follow(id, new Pending(op, fields(op, from, "to", string(p)), null));
                }
            }
            default -> {
            }
        }
    }

    private void answer(int type, long id, ByteBuffer p, long length) {
        if (type == DATA) {
            Pending r = pending.remove(id);
            if (r != null && r.file() != null) {
                r.file().read += length - 9; // type, id, the data's length
            }
            return;
        }
        Pending r = pending.remove(id);
        if (r == null || r.op().equals("read")) {
            return;
        }
        if (type == HANDLE) {
            if (r.op().equals("open") && handles.size() < MAX_HANDLES) {
                handles.put(handle(p), r.file());
                events.accept(r.fields());
            } else {
                unfollowed++;
            }
        } else if (type == STATUS) {
            int code = p.getInt();
            String message = code == 0 ? null : Text.printable(string(p), 200);
            if (r.op().equals("close")) {
                handles.values().remove(r.file());
                events.accept(fields("close", r.file().path, "mode", r.file().mode, "bytes_read", r.file().read,
                        "bytes_written", r.file().written));
                return;
            }
            Map<String, Object> e = r.fields();
            if (message != null) {
                e.put("error", message);
            }
            events.accept(e);
        }
    }

    private void follow(long id, Pending r) {
        if (pending.size() >= MAX_PENDING) {
            unfollowed++;
            return;
        }
        pending.put(id, r);
    }

    private static String handle(ByteBuffer p) {
        int n = p.getInt();
        byte[] b = new byte[n];
        p.get(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String string(ByteBuffer p) {
        int n = p.getInt();
        byte[] b = new byte[n];
        p.get(b);
        return Text.printable(new String(b, StandardCharsets.UTF_8), 4096);
    }

    private static Map<String, Object> fields(String op, String path, Object... more) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("op", op);
        if (path != null) {
            e.put("path", path);
        }
        for (int i = 0; i + 1 < more.length; i += 2) {
            e.put((String) more[i], more[i + 1]);
        }
        return e;
    }
}
