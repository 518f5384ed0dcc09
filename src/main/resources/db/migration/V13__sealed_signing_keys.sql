-- The private halves of the token signing keys are kept encrypted (a JWE under a key-encryption key that is not in
-- the database), so that a dump of the database alone cannot mint tokens. Rows written before this keep their PKCS#8
-- in private_key until a node with the key-encryption key seals them at its start; retired keys keep neither.
alter table signing_keys alter column private_key drop not null;
alter table signing_keys add column private_key_sealed text;
