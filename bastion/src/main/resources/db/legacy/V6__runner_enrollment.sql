-- Runners are enrolled (issue 8): a join token once, then a credential of their own. Only its SHA-256 is
-- kept. A row from before enrollment has none: its name is enrolled by the first runner that asks.
ALTER TABLE runner ADD COLUMN credential_hash VARCHAR(64);
CREATE UNIQUE INDEX runner_by_credential ON runner(credential_hash);
-- Enrolled from the Host's own machine (a loopback source address): only then may its VPS endpoints be
-- loopback addresses.
ALTER TABLE runner ADD COLUMN on_host_machine BOOLEAN DEFAULT FALSE NOT NULL;
-- The host ports its VPS sshds are published on; a reported port outside them is not used.
ALTER TABLE runner ADD COLUMN port_min INT DEFAULT 1 NOT NULL;
ALTER TABLE runner ADD COLUMN port_max INT DEFAULT 65535 NOT NULL;

-- One-time join tokens (ferry node token), by their SHA-256; taken by the enrollment that uses them.
CREATE TABLE join_token (
    token_hash VARCHAR(64) PRIMARY KEY,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
