-- Reports name their source and run by the numbers migration 0024 gave them (see there).
-- Checked as each statement ends: a deferred check still pending would stop the ALTER TABLEs.
SET CONSTRAINTS ALL IMMEDIATE;
ALTER TABLE indicator_reports ADD COLUMN source_no bigint, ADD COLUMN run_no bigint;
UPDATE indicator_reports p SET source_no = s.no FROM intel_sources s WHERE s.id = p.source_id;
UPDATE indicator_reports p SET run_no = r.no FROM intake_runs r WHERE r.id = p.run_id;
ALTER TABLE indicator_reports ALTER COLUMN source_no SET NOT NULL,
    ALTER COLUMN run_no SET NOT NULL;
ALTER TABLE indicator_reports DROP CONSTRAINT indicator_reports_pkey;
ALTER TABLE indicator_reports DROP COLUMN source_id, DROP COLUMN run_id;
ALTER TABLE indicator_reports ADD PRIMARY KEY (indicator_id, source_no, ref);
ALTER TABLE indicator_reports ADD CONSTRAINT indicator_reports_source_no_fkey
    FOREIGN KEY (source_no) REFERENCES intel_sources(no) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE indicator_reports ADD CONSTRAINT indicator_reports_run_no_fkey
    FOREIGN KEY (run_no) REFERENCES intake_runs(no) DEFERRABLE INITIALLY DEFERRED;
