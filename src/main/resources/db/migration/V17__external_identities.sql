-- Accounts of identity providers (OpenID Connect now, LDAP next): which user a provider's account is here, the
-- groups it was in at its last sign-in, and the groups whose members a team holds. A group is named by its source
-- (an OIDC provider's registration id, or "ldap") and its name there, so that two providers' groups of the same name
-- are never confused.
create table external_identities (
    id              bigserial primary key,
    user_id         bigint      not null references users (id) on delete cascade,
    issuer          text        not null,
    subject         text        not null,
    created_at      timestamptz not null default now(),
    last_sign_in_at timestamptz not null default now(),
    unique (issuer, subject)
);
create index external_identities_user on external_identities (user_id);

create table user_groups (
    user_id    bigint not null references users (id) on delete cascade,
    source     text   not null,
    group_name text   not null,
    primary key (user_id, source, group_name)
);

create table team_groups (
    team_id    bigint not null references teams (id) on delete cascade,
    source     text   not null,
    group_name text   not null,
    primary key (team_id, source, group_name)
);
create index team_groups_group on team_groups (source, group_name);
