-- Pulls per manifest (and so per tag), added by each node's batched flush. repositories already carries
-- pull_count and pulled_at (V1); the same flush keeps them the sum and the latest of its manifests' pulls.
alter table manifests add column pull_count bigint not null default 0;
alter table manifests add column last_pulled_at timestamptz;
