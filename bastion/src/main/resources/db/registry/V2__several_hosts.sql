-- Several Hosts on one PostgreSQL (the embedded H2 file has one Host, for which all of this is trivially its own).

-- Work one Host does at a time (the lost-runner watchdog): its holder until expires_at, renewed while it runs.
CREATE TABLE lease (
    name       VARCHAR(63) PRIMARY KEY,
    holder     VARCHAR(255),
    expires_at TIMESTAMP WITH TIME ZONE
);

-- The snowflake instance ids in use: a Host claims its own at start and refreshes the claim while it runs; another
-- Host with the same id is refused while the claim is fresh (two Hosts with one id would make the same VPS ids).
CREATE TABLE host_instance (
    instance_id INT PRIMARY KEY,
    holder      VARCHAR(255) NOT NULL,
    seen_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

-- What every Host must hold the same (the bastion's host keys, the user and host CAs, the API's TLS key, the
-- tokens), sealed with the key of registry_key_file (AES-256-GCM): never in plain text here.
CREATE TABLE shared_secret (
    name       VARCHAR(255) PRIMARY KEY,
    sealed     VARCHAR(32768) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
