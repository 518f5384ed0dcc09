-- Token auth: the keys Stowage signs tokens with, the users who may ask for them, and long-lived refresh tokens.

-- Every node signs with the newest unretired key and publishes all unretired public keys, so tokens verify on any node
-- without shared memory; retiring a key (retired_at) removes it from the published set once its tokens have expired.
create table signing_keys (
    kid         text primary key,
    algorithm   text        not null,
    private_key bytea       not null, -- PKCS#8
    public_key  bytea       not null, -- X.509 SubjectPublicKeyInfo
    created_at  timestamptz not null default now(),
    retired_at  timestamptz
);

create table users (
    id            bigserial primary key,
    username      text        not null unique,
    password_hash text        not null, -- DelegatingPasswordEncoder format, e.g. {bcrypt}$2a$...
    admin         boolean     not null default false,
    created_at    timestamptz not null default now()
);

-- Only a SHA-256 of each refresh token is kept: a leaked table yields no usable token.
create table refresh_tokens (
    token_hash bytea primary key,
    user_id    bigint      not null references users (id) on delete cascade,
    service    text        not null,
    created_at timestamptz not null default now()
);
