-- Access control: robot accounts for CI, access policies (repository pattern -> user or robot -> actions), disabled
-- users, expiring refresh tokens (for robots too), and the audit trail.

alter table users add column disabled boolean not null default false;

-- A robot signs in as "robot+<name>" with a generated secret. The secret is 256 random bits, so a SHA-256 of it is
-- as safe to keep as a slow password hash, and lets every request check it cheaply.
create table robot_accounts (
    id           bigserial primary key,
    name         text collate "C" not null unique,
    description  text,
    secret_hash  bytea       not null,
    disabled     boolean     not null default false,
    expires_at   timestamptz,
    created_by   text        not null,
    created_at   timestamptz not null default now(),
    last_used_at timestamptz
);

-- Who may do what where. A pattern is a repository name in which '*' stands for any run of characters,
-- including '/': 'ci/*' covers ci/app and ci/team/app. A robot's permissions are its policies.
create table access_policies (
    id                 bigserial primary key,
    repository_pattern text collate "C" not null,
    user_id            bigint references users (id) on delete cascade,
    robot_id           bigint references robot_accounts (id) on delete cascade,
    actions            text[]      not null,
    created_by         text        not null,
    created_at         timestamptz not null default now(),
    check ((user_id is null) <> (robot_id is null))
);
create index access_policies_user on access_policies (user_id);
create index access_policies_robot on access_policies (robot_id);

alter table refresh_tokens alter column user_id drop not null;
alter table refresh_tokens add column robot_id bigint references robot_accounts (id) on delete cascade;
alter table refresh_tokens add column expires_at timestamptz;
alter table refresh_tokens add check ((user_id is null) <> (robot_id is null));

-- Every login failure, push, delete and permission change: who (the token subject, '' for anonymous), from where,
-- what, on which target.
create table audit_events (
    id          bigserial primary key,
    occurred_at timestamptz not null default now(),
    actor       text        not null,
    address     text,
    action      text        not null,
    target      text,
    detail      text
);
create index audit_events_actor on audit_events (actor, id);
create index audit_events_action on audit_events (action, id);
