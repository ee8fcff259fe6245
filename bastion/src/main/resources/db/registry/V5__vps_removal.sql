-- A runner's VPS removed from the registry whose container its runner still reported: `ferry vps remove --wait`
-- waits for its row to go. Deleted at the runner's first heartbeat that no longer reports the container, with the
-- runner when it is removed, and after a day whatever became of it.
CREATE TABLE vps_removal (
    vps_id      BIGINT PRIMARY KEY,
    runner_name VARCHAR(63) NOT NULL,
    removed_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX vps_removal_by_runner ON vps_removal(runner_name);
