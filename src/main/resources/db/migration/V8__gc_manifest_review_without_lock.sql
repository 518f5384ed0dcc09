-- Queueing a manifest's review must not lock the manifest. The foreign key made every insert of a review take a
-- KEY SHARE lock on the manifest row; a push that moved a tag away from manifest X did that while holding the tag's
-- row, and a delete of X by digest, holding X, waited for that tag row to cascade its delete: a deadlock, and a 503
-- for the push. Without the key a review may outlive its manifest (deleted by digest or with its repository, or
-- before the review that raced with the deletion committed); the collector drops such reviews when it meets them.
alter table gc_manifest_reviews drop constraint gc_manifest_reviews_manifest_id_fkey;
