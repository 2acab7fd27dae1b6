-- Reports name their source and run by small numbers, not UUIDs.
--
-- Each report row carried two 16-byte UUIDs (its source's and its run's), which every bulk
-- import of a million reports wrote twice (log, then database file): a quarter of the report
-- table. Sources and runs get a number each (`no`, given in insertion order, never reused
-- and never changed: they are not deleted), and a report names them by it (0025). Their UUIDs stay
-- their identity everywhere else (pages, API, audit); only the report table uses the numbers.
--
-- A source or run stored without a number gets the next one from the trigger, so every way a
-- row is inserted numbers it. (`INSERT OR REPLACE` would give a row a new number and leave its
-- reports behind: sources and runs are inserted and updated, never replaced.) The columns stay nullable here (SQLite adds a NOT NULL column
-- only with a constant default); the trigger fills them within the inserting statement.
ALTER TABLE intel_sources ADD COLUMN no INTEGER;
UPDATE intel_sources SET no = o.n
FROM (SELECT id, row_number() OVER (ORDER BY created_at, id) AS n FROM intel_sources) AS o
WHERE o.id = intel_sources.id;
CREATE UNIQUE INDEX intel_sources_by_no ON intel_sources (no);
CREATE TRIGGER intel_sources_number AFTER INSERT ON intel_sources WHEN NEW.no IS NULL
BEGIN
    UPDATE intel_sources SET no = (SELECT COALESCE(MAX(no), 0) + 1 FROM intel_sources)
    WHERE id = NEW.id;
END;

ALTER TABLE intake_runs ADD COLUMN no INTEGER;
UPDATE intake_runs SET no = o.n
FROM (SELECT id, row_number() OVER (ORDER BY received_at, id) AS n FROM intake_runs) AS o
WHERE o.id = intake_runs.id;
CREATE UNIQUE INDEX intake_runs_by_no ON intake_runs (no);
CREATE TRIGGER intake_runs_number AFTER INSERT ON intake_runs WHEN NEW.no IS NULL
BEGIN
    UPDATE intake_runs SET no = (SELECT COALESCE(MAX(no), 0) + 1 FROM intake_runs)
    WHERE id = NEW.id;
END;
