-- The runner process that registered last: heartbeats carry it, so that a second process using the same
-- runner name is noticed (and the one registered earlier is told to stop) instead of both managing VPS.
ALTER TABLE runner ADD COLUMN session VARCHAR(36);
