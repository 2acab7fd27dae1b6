-- Indicator reports with deferred foreign keys, for bulk imports.
--
-- A statement that writes many rows and may stop half-way keeps a statement journal: a copy of
-- every page it changes, so that it alone can be undone. An immediate foreign key is such a
-- stop, so each batch of 500 reports at random keys copied about 500 pages (2 MB) before
-- writing them; in a profile of a 200,000-indicator import a fifth of the time went there.
-- Checked at commit instead, the references still hold for every committed row (an import is
-- one transaction), and the batch inserts (`INSERT OR IGNORE`) can no longer stop half-way.
-- The table is rebuilt because SQLite cannot change a constraint in place.
CREATE TABLE indicator_reports_new (
    indicator_id BLOB NOT NULL REFERENCES indicators(id) DEFERRABLE INITIALLY DEFERRED,
    source_id BLOB NOT NULL REFERENCES intel_sources(id) DEFERRABLE INITIALLY DEFERRED,
    ref TEXT NOT NULL,
    run_id BLOB NOT NULL REFERENCES intake_runs(id) DEFERRABLE INITIALLY DEFERRED,
    marking TEXT NOT NULL,
    original_markings TEXT NOT NULL,
    valid_until TEXT,
    confidence INTEGER,
    revoked INTEGER NOT NULL,
    PRIMARY KEY (indicator_id, source_id, ref)
) WITHOUT ROWID;

INSERT INTO indicator_reports_new (indicator_id, source_id, ref, run_id, marking,
    original_markings, valid_until, confidence, revoked)
SELECT indicator_id, source_id, ref, run_id, marking, original_markings, valid_until,
    confidence, revoked FROM indicator_reports;

DROP TABLE indicator_reports;
ALTER TABLE indicator_reports_new RENAME TO indicator_reports;
