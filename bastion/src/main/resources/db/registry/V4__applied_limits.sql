-- The limits a runner-backed VPS's container really has, as its runner reads them from Docker (a VPS placed without
-- limits runs with its runner's defaults, which only the runner knows): 0 is no limit, NULL not reported yet.
ALTER TABLE vps ADD COLUMN applied_cpus DOUBLE PRECISION;
ALTER TABLE vps ADD COLUMN applied_memory_bytes BIGINT;
