-- Personal access tokens: a user's named, scoped, expiring secrets for docker login and the APIs (what users who
-- sign in through an identity provider log clients in with). Only a SHA-256 of each secret is kept. A refresh
-- token issued to a sign-in with a personal access token dies with it.
create table access_tokens (
    id                 bigserial primary key,
    user_id            bigint      not null references users (id) on delete cascade,
    name               text collate "C" not null,
    secret_hash        bytea       not null unique,
    scope              text        not null check (scope in ('read', 'write', 'delete')),
    repository_pattern text collate "C",
    created_at         timestamptz not null default now(),
    expires_at         timestamptz not null,
    last_used_at       timestamptz,
    unique (user_id, name)
);

alter table refresh_tokens add column access_token_id bigint references access_tokens (id) on delete cascade;
create index refresh_tokens_access_token on refresh_tokens (access_token_id) where access_token_id is not null;
