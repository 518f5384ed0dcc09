-- The pull-through cache (stowage.proxy.upstreams). A cached repository is an ordinary repository whose content
-- arrives from an upstream registry when clients ask for it, so that a manifest is recorded before all it references
-- is here: an image's layers come when a client pulls them, an index's children when a client asks for them.

-- A cached image manifest lists layers not fetched yet. Nothing needs the row of a blob a manifest lists: pushes
-- check that each is linked (and share-lock it) before recording the manifest, and the collector counts a listed
-- digest as in use whether or not its row exists, so a layer fetched later is protected from the moment it lands.
alter table manifest_layers drop constraint manifest_layers_digest_fkey;

-- The upstream a repository is a cache of (its name in stowage.proxy.upstreams), null for pushed repositories.
alter table repositories add column upstream text;

-- When the cache last confirmed a tag with its upstream; null for tags pushed here.
alter table tags add column checked_at timestamptz;

-- Children a cached index lists that are not here yet. When one arrives it becomes an ordinary child
-- (manifest_references), which keeps it from the collector as long as the index lives.
create table manifest_pending_children (
    parent_id    bigint not null references manifests (id) on delete cascade,
    child_digest text   not null,
    primary key (parent_id, child_digest)
);
create index manifest_pending_children_digest on manifest_pending_children (child_digest);

-- Fetches from an upstream in progress, one per object across all nodes: the node that inserts the row fetches,
-- the others wait for the object to be recorded. A node that dies stops renewing its lease, and another takes over.
create table proxy_fetches (
    key          text primary key,
    node         text        not null,
    leased_until timestamptz not null
);
