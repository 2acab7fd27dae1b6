-- Indicator reports with deferred foreign keys, as on SQLite (where an immediate foreign key
-- made every batch insert keep a statement journal): the references are checked at commit,
-- and an import is one transaction.
ALTER TABLE indicator_reports
    ALTER CONSTRAINT indicator_reports_indicator_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE indicator_reports
    ALTER CONSTRAINT indicator_reports_source_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE indicator_reports
    ALTER CONSTRAINT indicator_reports_run_id_fkey DEFERRABLE INITIALLY DEFERRED;
