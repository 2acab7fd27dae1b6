-- Threat-information intake (Part 213.30(a)(4)): where information came from, each import run,
-- indicators de-duplicated by kind and normalised value with every report of them, and every
-- STIX object as received (for provenance and the TAXII server).
--
-- An indicator's id is a UUID v5 of its kind and normalised value, so a batch can insert with
-- ON CONFLICT DO NOTHING and know the id without reading it back, and the id is the only key
-- (kind and value need no index of their own). Markings are kept per report: the same value
-- can come TLP:CLEAR from one source and TLP:RED from another, and a reader sees the reports
-- their access allows.
--
-- A million-indicator bundle is written in one transaction, so every index is a cost paid
-- per row: on SQLite indicators and reports are WITHOUT ROWID tables (the key is the table), and STIX
-- objects are appended in `seq` order (also the TAXII server's paging order) with one index
-- for their (id, modified) versions. A report's time is its run's, and it keeps the markings
-- as the source sent them (STIX refs, MISP tags). Indicator objects that became indicators
-- are not kept as objects: re-sharing publishes the indicators under the Board's name, never
-- a partner's object (which names the partner and its own analysis); every other object,
-- and indicators whose pattern is kept intact, are.
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
    first_seen TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE indicator_reports (
    indicator_id BLOB NOT NULL REFERENCES indicators(id),
    source_id BLOB NOT NULL REFERENCES intel_sources(id),
    ref TEXT NOT NULL,
    run_id BLOB NOT NULL REFERENCES intake_runs(id),
    marking TEXT NOT NULL,
    original_markings TEXT NOT NULL,
    valid_until TEXT,
    confidence INTEGER,
    revoked INTEGER NOT NULL,
    PRIMARY KEY (indicator_id, source_id, ref)
) WITHOUT ROWID;

CREATE TABLE stix_objects (
    seq INTEGER PRIMARY KEY,
    stix_id TEXT NOT NULL,
    modified TEXT NOT NULL,
    object_type TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    source_id BLOB NOT NULL REFERENCES intel_sources(id),
    run_id BLOB NOT NULL REFERENCES intake_runs(id),
    added_at TEXT NOT NULL,
    marking TEXT NOT NULL,
    raw TEXT NOT NULL,
    UNIQUE (stix_id, modified)
);
