-- The platforms a manifest runs on, for the UI's tag table without reading payloads or configs per row: an index's
-- distinct os/architecture[/variant] entries joined with ", ", or an image's from its config, recorded at push.
-- Null when unknown: pushed before this column, no image config, or the config could not be read.
alter table manifests add column platforms text;
