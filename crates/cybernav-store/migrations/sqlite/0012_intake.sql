-- Threat-information intake (Part 213.30(a)(4)): where information came from, each import run,
-- indicators de-duplicated by kind and normalised value with every report of them, and every
-- STIX object as received (for provenance and the TAXII server).
--
-- An indicator's id is a UUID v5 of its kind and normalised value, so a batch can insert with
-- ON CONFLICT DO NOTHING and know the id without reading it back. Markings are kept per report:
-- the same value can come TLP:CLEAR from one source and TLP:RED from another, and a reader sees
-- the reports their access allows.
CREATE TABLE intel_sources (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    default_marking TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE intake_runs (
    id BLOB PRIMARY KEY,
    source_id BLOB NOT NULL REFERENCES intel_sources(id),
    format TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL,
    imported INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    objects INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    rejected_detail TEXT NOT NULL,
    run_by BLOB REFERENCES users(id)
);
CREATE INDEX intake_runs_by_time ON intake_runs (received_at);

CREATE TABLE indicators (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    UNIQUE (kind, value)
);

CREATE TABLE indicator_reports (
    indicator_id BLOB NOT NULL REFERENCES indicators(id),
    source_id BLOB NOT NULL REFERENCES intel_sources(id),
    ref TEXT NOT NULL,
    run_id BLOB NOT NULL REFERENCES intake_runs(id),
    received_at TEXT NOT NULL,
    marking TEXT NOT NULL,
    original_markings TEXT NOT NULL,
    valid_until TEXT,
    confidence INTEGER,
    revoked INTEGER NOT NULL,
    PRIMARY KEY (indicator_id, source_id, ref)
);
CREATE INDEX indicator_reports_by_run ON indicator_reports (run_id);

CREATE TABLE stix_objects (
    stix_id TEXT NOT NULL,
    modified TEXT NOT NULL,
    object_type TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    source_id BLOB NOT NULL REFERENCES intel_sources(id),
    run_id BLOB NOT NULL REFERENCES intake_runs(id),
    added_at TEXT NOT NULL,
    marking TEXT NOT NULL,
    raw TEXT NOT NULL,
    PRIMARY KEY (stix_id, modified)
);
CREATE INDEX stix_objects_by_added ON stix_objects (added_at, stix_id);
