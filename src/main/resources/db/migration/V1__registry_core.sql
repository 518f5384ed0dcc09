-- Core registry metadata. Names and tags use the "C" collation so that ORDER BY and keyset
-- pagination (name > :last) follow byte order, which is what the OCI spec calls "ASCIIbetical".

create table repositories (
    id          bigserial primary key,
    name        text collate "C" not null unique,
    visibility  text not null default 'private' check (visibility in ('private', 'public')),
    description text,
    created_at  timestamptz not null default now(),
    pushed_at   timestamptz,
    pulled_at   timestamptz,
    pull_count  bigint not null default 0
);

-- One row per stored object, global across repositories: this is the deduplication.
create table blobs (
    digest      text primary key,
    size        bigint not null check (size >= 0),
    storage_key text not null,
    created_at  timestamptz not null default now()
);

-- Which repositories may serve which blobs (pushed or mounted there).
create table repository_blobs (
    repository_id bigint not null references repositories (id) on delete cascade,
    digest        text not null references blobs (digest),
    created_at    timestamptz not null default now(),
    primary key (repository_id, digest)
);
create index repository_blobs_digest on repository_blobs (digest);

create table manifests (
    id             bigserial primary key,
    repository_id  bigint not null references repositories (id) on delete cascade,
    digest         text not null,
    media_type     text not null,
    -- artifactType as the referrers API reports it: the manifest's own, else (image manifests) the config's media type.
    artifact_type  text,
    payload        bytea not null,
    config_digest  text,
    subject_digest text,
    -- JSON text with every non-ASCII character escaped: jsonb cannot hold the U+0000 that the spec allows.
    annotations    text,
    -- The manifest itself plus every blob and child manifest it references (one level).
    total_size     bigint not null,
    created_at     timestamptz not null default now(),
    unique (repository_id, digest)
);
create index manifests_subject on manifests (repository_id, subject_digest) where subject_digest is not null;

-- Blobs (config and layers) an image manifest references.
create table manifest_layers (
    manifest_id bigint not null references manifests (id) on delete cascade,
    position    int not null,
    digest      text not null references blobs (digest),
    size        bigint not null,
    media_type  text not null,
    primary key (manifest_id, position)
);
create index manifest_layers_digest on manifest_layers (digest);

-- Child manifests an index references.
create table manifest_references (
    parent_id bigint not null references manifests (id) on delete cascade,
    child_id  bigint not null references manifests (id),
    primary key (parent_id, child_id)
);
create index manifest_references_child on manifest_references (child_id);

create table tags (
    repository_id bigint not null references repositories (id) on delete cascade,
    name          text collate "C" not null,
    manifest_id   bigint not null references manifests (id) on delete cascade,
    updated_at    timestamptz not null default now(),
    primary key (repository_id, name)
);
create index tags_manifest on tags (manifest_id);

-- Upload sessions live here (not in a JVM) so that any node can continue them.
create table uploads (
    id               uuid primary key,
    repository_id    bigint not null references repositories (id) on delete cascade,
    digest_algorithm text not null,
    storage_ref      text,
    received         bigint not null default 0,
    started_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create index uploads_updated_at on uploads (updated_at);
