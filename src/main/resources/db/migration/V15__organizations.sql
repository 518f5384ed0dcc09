-- Organizations and teams. An organization owns a namespace ("acme/..."), which no user may own as well; its teams
-- hold users and robots and give them a role on the whole namespace or on the repositories a pattern matches
-- ('*' stands for any run of characters, '/' included, as in access_policies).
create table organizations (
    id         bigserial primary key,
    name       text collate "C" not null unique,
    created_by text        not null,
    created_at timestamptz not null default now()
);

create table teams (
    id              bigserial primary key,
    organization_id bigint      not null references organizations (id) on delete cascade,
    name            text collate "C" not null,
    created_at      timestamptz not null default now(),
    unique (organization_id, name)
);

create table team_users (
    team_id bigint not null references teams (id) on delete cascade,
    user_id bigint not null references users (id) on delete cascade,
    primary key (team_id, user_id)
);
create index team_users_user on team_users (user_id);

create table team_robots (
    team_id  bigint not null references teams (id) on delete cascade,
    robot_id bigint not null references robot_accounts (id) on delete cascade,
    primary key (team_id, robot_id)
);
create index team_robots_robot on team_robots (robot_id);

-- reader: pull; developer: pull, push; maintainer: and delete, tags, description, visibility; owner: and the
-- organization's teams and members.
create table team_roles (
    team_id            bigint not null references teams (id) on delete cascade,
    repository_pattern text collate "C" not null,
    role               text   not null check (role in ('reader', 'developer', 'maintainer', 'owner'))
);
create index team_roles_team on team_roles (team_id);
