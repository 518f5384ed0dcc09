-- The running digest of an upload session (DigestState's own encoding, a few hundred bytes), so that any node can
-- continue it: S3 cannot give back the bytes of an unfinished multipart upload to hash them again. It is written in
-- the same UPDATE that advances "received" and is valid for exactly that offset; null when it could not be saved.
alter table uploads add column hash_state bytea;
