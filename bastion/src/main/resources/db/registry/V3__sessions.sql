-- Sessions on the record.

-- Numbers handed out in blocks: a Host takes a block of session numbers (the n of s<n>) at a time, so that a session
-- id is unique across the Hosts of a registry and across their restarts.
CREATE TABLE id_block (
    name    VARCHAR(63) PRIMARY KEY,
    next_id BIGINT NOT NULL
);

-- The live sessions of every Host: written by the Host that holds each (when it logs in, then its channels and bytes
-- while they change, at most every few seconds), deleted when it ends. Rows of a Host whose instance claim went stale
-- are not listed: that Host is gone and so are its sessions. A kill asked for on another Host is written here
-- (kill_by); the Host holding the session ends it and deletes the row.
CREATE TABLE live_session (
    id          VARCHAR(24) PRIMARY KEY,
    instance_id INT NOT NULL,
    holder      VARCHAR(255) NOT NULL,
    vps_id      BIGINT,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    -- the session as the live list shows it (dev.ferry.api.SessionView as JSON, its channels cut to fit)
    view_json   VARCHAR(65536) NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    kill_by     VARCHAR(255),
    kill_reason VARCHAR(1024),
    -- someone watches the session (ferry sessions watch) until then: its Host streams its terminal below
    watched_until TIMESTAMP WITH TIME ZONE
);

CREATE INDEX live_session_by_holder ON live_session(holder);

-- What a watched session's terminals show, as the Host holding it writes it (asciicast event lines, a few times a
-- second) for the Host a watcher asked, which reads it from here; rows older than a minute are deleted.
CREATE TABLE session_stream (
    session_id VARCHAR(24) NOT NULL,
    seq        BIGINT NOT NULL,
    written_at TIMESTAMP WITH TIME ZONE NOT NULL,
    lines      VARCHAR(65536) NOT NULL,
    PRIMARY KEY (session_id, seq)
);

-- The files of session recordings (plain mode): one row per file when it opens, its size and SHA-256 (of the file as
-- stored, compressed) when it closes. A file whose row has no closed_at was still being written when its Host
-- stopped: it is readable up to the last second, with nothing to check it against. With an object store
-- (recordings_url) a file is moved there after it closes (archived_at); until then it is on its holder's disk.
CREATE TABLE recording (
    session_id VARCHAR(24) NOT NULL,
    name       VARCHAR(255) NOT NULL,
    kind       VARCHAR(16) NOT NULL,
    channel    BIGINT,
    vps_id     BIGINT,
    holder     VARCHAR(255) NOT NULL,
    opened_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    closed_at  TIMESTAMP WITH TIME ZONE,
    bytes      BIGINT,
    sha256     VARCHAR(64),
    dropped    BIGINT,
    archived_at TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (session_id, name)
);

CREATE INDEX recording_by_opened ON recording(opened_at);

-- What a VPS demands of its sessions (ferry vps policy): recording 'optional' or 'required' (then ProxyJump is
-- refused), forwarding 'all', 'local' (no -R) or 'none'.
ALTER TABLE vps ADD COLUMN recording VARCHAR(16) DEFAULT 'optional' NOT NULL;
ALTER TABLE vps ADD COLUMN forwarding VARCHAR(16) DEFAULT 'all' NOT NULL;
