-- Release governance (issue 16): immutability rules and legal holds.

-- Tags an immutability rule covers cannot move to another manifest nor be deleted, except by an administrator or the
-- namespace's owner who names a reason. A rule covers the repositories its pattern matches ('*' any run of characters,
-- '/' included, as in access_policies) and the tags one of its tag patterns matches (globs: '*', '?', '[...]') unless
-- one of its exceptions matches.
create table immutability_rules (
    id                 bigserial primary key,
    repository_pattern text collate "C" not null,
    tag_patterns       text[]      not null check (cardinality(tag_patterns) > 0),
    exceptions         text[]      not null default '{}',
    description        text,
    created_by         text        not null,
    created_at         timestamptz not null default now()
);

-- A legal hold on a tag or on a manifest: nothing deletes it, nobody moves a held tag, until the hold is released.
-- The foreign keys refuse, as a last resort, any deletion a check above missed.
create table holds (
    id            bigserial primary key,
    repository_id bigint      not null references repositories (id) on delete restrict,
    tag           text collate "C",
    manifest_id   bigint references manifests (id) on delete restrict,
    reason        text        not null,
    created_by    text        not null,
    created_at    timestamptz not null default now(),
    check ((tag is null) <> (manifest_id is null)),
    foreign key (repository_id, tag) references tags (repository_id, name) on delete restrict
);
create index holds_repository on holds (repository_id);
create index holds_manifest on holds (manifest_id) where manifest_id is not null;
create unique index holds_one_per_tag on holds (repository_id, tag) where tag is not null;
create unique index holds_one_per_manifest on holds (manifest_id) where manifest_id is not null;
