CREATE TABLE runner (
    name           VARCHAR(63) PRIMARY KEY,
    address        VARCHAR(255) NOT NULL,
    cpus           INT NOT NULL,
    memory_bytes   BIGINT NOT NULL,
    docker_ok      BOOLEAN NOT NULL,
    docker_error   VARCHAR(1024),
    online         BOOLEAN NOT NULL,
    registered_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_heartbeat TIMESTAMP WITH TIME ZONE NOT NULL
);

ALTER TABLE vps ALTER COLUMN endpoint_host SET NULL;
ALTER TABLE vps ALTER COLUMN endpoint_port SET NULL;
ALTER TABLE vps ADD COLUMN image VARCHAR(255);
ALTER TABLE vps ADD COLUMN runner_name VARCHAR(63);
ALTER TABLE vps ADD COLUMN cpus DOUBLE PRECISION;
ALTER TABLE vps ADD COLUMN memory_bytes BIGINT;
ALTER TABLE vps ADD COLUMN desired VARCHAR(16);
ALTER TABLE vps ADD COLUMN restarting BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE vps ADD COLUMN last_error VARCHAR(2048);

CREATE INDEX vps_by_runner ON vps(runner_name);
