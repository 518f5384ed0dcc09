-- Online garbage collection: events that may orphan something enqueue a review, due after stowage.gc.review-delay.
-- Enqueueing keeps the LATER due time of two events: the delay protects pushes in flight (blobs uploaded, manifest
-- not yet sent), so a newer event must never make a review due sooner than its own delay allows.

-- A manifest that lost a tag, a parent index or its subject, or was pushed untagged.
create table gc_manifest_reviews (
    manifest_id   bigint primary key references manifests (id) on delete cascade,
    review_after  timestamptz not null,
    -- Only reason so far is an untagged push: stowage.gc.untagged=keep then keeps it. Any other event (a tag
    -- deleted or moved away, its index or subject collected) clears this, and the manifest goes when unreferenced.
    untagged_push boolean not null
);
create index gc_manifest_reviews_due on gc_manifest_reviews (review_after);

-- A repository's link to a blob that may be referenced by none of the repository's manifests (uploaded or mounted
-- and never used, or its manifests deleted): it goes after the delay, and the blob with it once nothing links it.
create table gc_link_reviews (
    repository_id bigint not null references repositories (id) on delete cascade,
    digest        text   not null,
    review_after  timestamptz not null,
    primary key (repository_id, digest)
);
create index gc_link_reviews_due on gc_link_reviews (review_after);

-- A blob that may be linked by no repository and referenced by no manifest: its row and object go.
create table gc_blob_reviews (
    digest       text primary key,
    review_after timestamptz not null
);
create index gc_blob_reviews_due on gc_blob_reviews (review_after);

-- Objects whose blob row is deleted (committed) but whose delete in storage has not succeeded yet: retried with
-- backoff. The row is written in the transaction that deletes the blob row, so a crash cannot leak the object.
create table gc_object_deletions (
    storage_key     text primary key,
    digest          text        not null,
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text
);
create index gc_object_deletions_due on gc_object_deletions (next_attempt_at);
