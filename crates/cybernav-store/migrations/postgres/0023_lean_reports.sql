-- Indicator reports name their markings as sent (a JSON list of STIX marking references or
-- MISP tags) in `marking_lists`, kept once per distinct list, as on SQLite: a feed marks
-- nearly every object alike, and a million reports carried the same text a million times.
-- PostgreSQL keeps the report table's foreign keys (SQLite drops them, see its 0023).
-- Unique by the text's MD5, not the text: a B-tree entry holds at most about 2.7 kB, and a
-- MISP attribute may carry hundreds of tags.
CREATE TABLE marking_lists (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    markings text NOT NULL
);
CREATE UNIQUE INDEX marking_lists_by_text ON marking_lists (md5(markings));

INSERT INTO marking_lists (markings)
SELECT DISTINCT original_markings FROM indicator_reports ORDER BY original_markings;

ALTER TABLE indicator_reports ADD COLUMN markings_id bigint;
UPDATE indicator_reports p SET markings_id = m.id
FROM marking_lists m WHERE m.markings = p.original_markings;
ALTER TABLE indicator_reports ALTER COLUMN markings_id SET NOT NULL;
ALTER TABLE indicator_reports ADD CONSTRAINT indicator_reports_markings_id_fkey
    FOREIGN KEY (markings_id) REFERENCES marking_lists(id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE indicator_reports DROP COLUMN original_markings;
