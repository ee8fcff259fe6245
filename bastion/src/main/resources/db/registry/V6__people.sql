-- People: a person has a role, SSH keys of their own and grants to VPS (which login users, until when). A login
-- with a person's key resolves key -> person -> grant -> VPS in one query (VpsKeys.access).

CREATE TABLE person (
    name        VARCHAR(32) PRIMARY KEY,
    -- admin, member or auditor
    role        VARCHAR(16) NOT NULL,
    -- set while the person is disabled: keys refused, sessions ended, tokens refused
    disabled_at TIMESTAMP WITH TIME ZONE,
    disabled_by VARCHAR(64),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by  VARCHAR(64) NOT NULL
);

-- A key belongs to one person: the fingerprint names the person at login.
CREATE TABLE person_key (
    fingerprint VARCHAR(64) PRIMARY KEY,
    person      VARCHAR(32) NOT NULL REFERENCES person(name) ON DELETE CASCADE,
    key_type    VARCHAR(64) NOT NULL,
    key_blob    VARCHAR(4096) NOT NULL,
    comment     VARCHAR(1024) NOT NULL,
    added_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX person_key_by_person ON person_key(person);

-- A person's access to one VPS.
CREATE TABLE vps_grant (
    vps_id     BIGINT NOT NULL REFERENCES vps(id) ON DELETE CASCADE,
    person     VARCHAR(32) NOT NULL REFERENCES person(name) ON DELETE CASCADE,
    -- the login users it allows, comma-separated; NULL for any
    logins     VARCHAR(1024),
    -- when it ends; NULL for never
    expires_at TIMESTAMP WITH TIME ZONE,
    granted_by VARCHAR(64) NOT NULL,
    granted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (vps_id, person)
);

CREATE INDEX vps_grant_by_person ON vps_grant(person);

-- The member who created the VPS, who manages it and may log in to it as any user; NULL for one made with the
-- admin token or before there were people.
ALTER TABLE vps ADD COLUMN owner VARCHAR(32) REFERENCES person(name) ON DELETE SET NULL;
