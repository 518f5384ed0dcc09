-- Garbage collection passes worth looking back on: those that deleted something or failed, and every pass an
-- administrator asked for (dry runs included). The scheduled collector may run every few seconds, so empty passes
-- are not written, and each insert prunes all but the newest rows (GcRunRecords.KEPT): the table stays small.
create table gc_runs (
    id              bigserial   primary key,
    started_at      timestamptz not null,
    finished_at     timestamptz not null,
    trigger         text        not null check (trigger in ('scheduled', 'admin')),
    dry_run         boolean     not null,
    -- The host that ran it, when known: with several nodes, whose logs to read.
    node            text,
    manifests       int         not null,
    links           int         not null,
    blobs           int         not null,
    -- In a dry run: what the blobs listed would free.
    freed_bytes     bigint      not null,
    delete_failures int         not null,
    review_failures int         not null,
    -- Why the pass stopped, when it did not finish.
    error           text
);
