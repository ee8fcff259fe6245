CREATE TABLE vps (
    id            BIGINT PRIMARY KEY,
    name          VARCHAR(63) UNIQUE,
    status        VARCHAR(16) NOT NULL,
    endpoint_host VARCHAR(255) NOT NULL,
    endpoint_port INT NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);

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
