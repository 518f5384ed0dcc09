-- A review is dropped only if no event touched it since the collector read it. Comparing due times is not enough:
-- an event's due time is now() at the start of its transaction (plus the delay), which with a short delay can be
-- earlier than the due time already queued, so greatest() leaves the row unchanged and the collector, which saw
-- the thing still kept before the event committed, would drop the only review of what the event orphaned.
alter table gc_manifest_reviews add column generation bigint not null default 0;
alter table gc_blob_reviews add column generation bigint not null default 0;
