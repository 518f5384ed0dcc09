-- Web UI sessions live in the browser (signed cookies any node can read); signing out records the session's id
-- here until it would have expired anyway, so a copy of the cookie is worthless after sign-out on every node.
create table ui_session_revocations (
    session_id text primary key,
    expires_at timestamptz not null
);
create index ui_session_revocations_expires_at on ui_session_revocations (expires_at);
