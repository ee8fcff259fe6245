-- Ferry's registry, one schema for the embedded H2 file and for PostgreSQL: standard SQL that both run. A
-- registry that a Ferry from before Flyway made (its own table ferry_schema, versions 1 to 7, the scripts in
-- db/legacy) is brought to that version 7, which is this schema, and taken as version 1.

-- The registry's identity (one row, written by the Host when it finds none). Runners label the containers they
-- create with it and remove only containers of this registry that it no longer lists: a runner pointed at
-- another or a new, empty Host removes nothing.
CREATE TABLE registry_info (
    one         INT PRIMARY KEY CHECK (one = 1),
    registry_id VARCHAR(36) NOT NULL
);

CREATE TABLE vps (
    id             BIGINT PRIMARY KEY,
    name           VARCHAR(63) UNIQUE,
    status         VARCHAR(16) NOT NULL,
    -- where its sshd listens; NULL while a runner-backed VPS has no published port
    endpoint_host  VARCHAR(255),
    endpoint_port  INT,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    -- when its status last changed
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    -- how a runner runs it; all NULL for an external VPS
    image          VARCHAR(255),
    runner_name    VARCHAR(63),
    cpus           DOUBLE PRECISION,
    memory_bytes   BIGINT,
    desired        VARCHAR(16),
    restarting     BOOLEAN DEFAULT FALSE NOT NULL,
    last_error     VARCHAR(2048),
    -- its sshd's host public key ("type base64", no comment), which the bastion checks before it sends anything
    -- in plain mode; NULL while unknown
    host_key       VARCHAR(4096),
    -- its sshd serves the host certificate the Host issues for it now (its runner said so); cleared by a new
    -- host key or a rename
    host_certified BOOLEAN DEFAULT FALSE NOT NULL
);

CREATE INDEX vps_by_runner ON vps(runner_name);

CREATE TABLE vps_key (
    vps_id      BIGINT NOT NULL REFERENCES vps(id) ON DELETE CASCADE,
    fingerprint VARCHAR(64) NOT NULL,
    key_type    VARCHAR(64) NOT NULL,
    key_blob    VARCHAR(4096) NOT NULL,
    comment     VARCHAR(1024) NOT NULL,
    added_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (vps_id, fingerprint)
);

CREATE INDEX vps_key_by_fingerprint ON vps_key(fingerprint);

CREATE TABLE runner (
    name            VARCHAR(63) PRIMARY KEY,
    address         VARCHAR(255) NOT NULL,
    cpus            INT NOT NULL,
    memory_bytes    BIGINT NOT NULL,
    docker_ok       BOOLEAN NOT NULL,
    docker_error    VARCHAR(1024),
    online          BOOLEAN NOT NULL,
    registered_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_heartbeat  TIMESTAMP WITH TIME ZONE NOT NULL,
    -- the runner process that registered last: heartbeats carry it, so that a second process using the same
    -- runner name is noticed instead of both managing VPS
    session         VARCHAR(36),
    -- the SHA-256 of its own credential; NULL for a row from before enrollment, whose name the first runner
    -- that asks enrolls
    credential_hash VARCHAR(64),
    -- enrolled from the Host's own machine: only then may its VPS endpoints be loopback addresses
    on_host_machine BOOLEAN DEFAULT FALSE NOT NULL,
    -- the host ports its VPS sshds are published on; a reported port outside them is not used
    port_min        INT DEFAULT 1 NOT NULL,
    port_max        INT DEFAULT 65535 NOT NULL
);

CREATE UNIQUE INDEX runner_by_credential ON runner(credential_hash);

-- One-time join tokens (ferry node token), by their SHA-256; taken by the enrollment that uses them.
CREATE TABLE join_token (
    token_hash VARCHAR(64) PRIMARY KEY,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
