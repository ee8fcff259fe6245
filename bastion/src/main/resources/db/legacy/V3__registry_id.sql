-- The registry's identity. Runners label the containers they create with it and remove only containers
-- of this registry that it no longer lists: a runner pointed at another or a new, empty Host removes nothing.
CREATE TABLE registry_info (
    one         INT PRIMARY KEY CHECK (one = 1),
    registry_id VARCHAR(36) NOT NULL
);
INSERT INTO registry_info (one, registry_id) VALUES (1, CAST(RANDOM_UUID() AS VARCHAR));
