-- The web UI's sessions move from signed cookies (with a table of the signed-out ones) to Spring Session JDBC: each
-- session is a row here, with Spring Security's context and the CSRF token as attributes, seen by every node, and
-- deleted when the session is signed out of or its account's credentials change (by principal_name). Column names
-- are Spring Session's (spring.session.jdbc.table-name=ui_sessions).
drop table ui_session_revocations;

create table ui_sessions (
    primary_id            char(36) primary key,
    session_id            char(36) not null,
    creation_time         bigint   not null,
    last_access_time      bigint   not null,
    max_inactive_interval int      not null,
    expiry_time           bigint   not null,
    principal_name        text
);
create unique index ui_sessions_session_id on ui_sessions (session_id);
create index ui_sessions_expiry_time on ui_sessions (expiry_time);
create index ui_sessions_principal_name on ui_sessions (principal_name);

create table ui_sessions_attributes (
    session_primary_id char(36) not null references ui_sessions (primary_id) on delete cascade,
    attribute_name     text     not null,
    attribute_bytes    bytea    not null,
    primary key (session_primary_id, attribute_name)
);
