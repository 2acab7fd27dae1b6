-- Reports name their source and run by the numbers migration 0024 gave them (see there).
CREATE TABLE indicator_reports_new (
    indicator_id BLOB NOT NULL,
    source_no INTEGER NOT NULL,
    ref TEXT NOT NULL,
    run_no INTEGER NOT NULL,
    marking TEXT NOT NULL,
    markings_id INTEGER NOT NULL,
    valid_until TEXT,
    confidence INTEGER,
    revoked INTEGER NOT NULL,
    PRIMARY KEY (indicator_id, source_no, ref)
) WITHOUT ROWID;

INSERT INTO indicator_reports_new (indicator_id, source_no, ref, run_no, marking, markings_id,
    valid_until, confidence, revoked)
SELECT p.indicator_id, s.no, p.ref, r.no, p.marking, p.markings_id, p.valid_until,
    p.confidence, p.revoked
FROM indicator_reports p
-- Outer joins: a report whose source or run is not stored (the table has had no foreign keys
-- since 0023) stops the migration on NOT NULL rather than being left out.
LEFT JOIN intel_sources s ON s.id = p.source_id
LEFT JOIN intake_runs r ON r.id = p.run_id;

DROP TABLE indicator_reports;
ALTER TABLE indicator_reports_new RENAME TO indicator_reports;
