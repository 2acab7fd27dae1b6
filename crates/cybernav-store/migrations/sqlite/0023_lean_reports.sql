-- Indicator reports, leaner for bulk imports.
--
-- 1. The markings as a source sent them (a JSON list of STIX marking references or MISP
--    tags) are kept once per distinct list in `marking_lists`; a report names its list. A
--    feed marks nearly every object alike, so a million reports carried the same 60-byte text
--    a million times: a quarter of the table, and of what a commit writes twice (log, then
--    database file).
-- 2. The report table has no per-row foreign keys on SQLite. Each report row made SQLite look
--    up its indicator, source and run (three index searches a row, 45% of the report write
--    time for a million reports). The store keeps the guarantee instead: reports are written
--    only with their indicators, by `Tx::add_indicator_reports`, which refuses a report whose
--    indicator is not in the same write and a run that is not stored; indicators, sources and
--    runs are never deleted. PostgreSQL keeps its foreign keys (they are cheap there).
CREATE TABLE marking_lists (
    id INTEGER PRIMARY KEY,
    markings TEXT NOT NULL UNIQUE
);

INSERT INTO marking_lists (markings)
SELECT DISTINCT original_markings FROM indicator_reports ORDER BY original_markings;

CREATE TABLE indicator_reports_new (
    indicator_id BLOB NOT NULL,
    source_id BLOB NOT NULL,
    ref TEXT NOT NULL,
    run_id BLOB NOT NULL,
    marking TEXT NOT NULL,
    markings_id INTEGER NOT NULL,
    valid_until TEXT,
    confidence INTEGER,
    revoked INTEGER NOT NULL,
    PRIMARY KEY (indicator_id, source_id, ref)
) WITHOUT ROWID;

INSERT INTO indicator_reports_new (indicator_id, source_id, ref, run_id, marking, markings_id,
    valid_until, confidence, revoked)
SELECT p.indicator_id, p.source_id, p.ref, p.run_id, p.marking, m.id, p.valid_until,
    p.confidence, p.revoked
FROM indicator_reports p JOIN marking_lists m ON m.markings = p.original_markings;

DROP TABLE indicator_reports;
ALTER TABLE indicator_reports_new RENAME TO indicator_reports;
