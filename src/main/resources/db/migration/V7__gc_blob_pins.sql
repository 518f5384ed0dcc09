-- A blob pinned by a request that streams a copy of it: a monolithic upload of content already stored reads and
-- verifies the client's bytes without writing them, and links the stored blob afterwards. The pin, taken under the
-- digest's shared lock before the body is read, keeps the collector from deleting the blob meanwhile (which would
-- leave nothing to link, and the client's bytes already gone). A request that fails releases its pin and asks for
-- the blob's review; a node that dies leaves its pin to expire, and the upload sweep reviews the blob then.
create table gc_blob_pins (
    id           uuid primary key,
    digest       text        not null,
    pinned_until timestamptz not null
);
create index gc_blob_pins_digest on gc_blob_pins (digest);
create index gc_blob_pins_expiry on gc_blob_pins (pinned_until);
