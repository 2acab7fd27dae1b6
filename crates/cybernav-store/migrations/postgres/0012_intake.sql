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
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    kind text NOT NULL,
    default_marking text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE intake_runs (
    id uuid PRIMARY KEY,
    source_id uuid NOT NULL REFERENCES intel_sources(id),
    format text NOT NULL,
    file_name text NOT NULL,
    sha256 text NOT NULL,
    received_at timestamptz NOT NULL,
    imported bigint NOT NULL,
    duplicates bigint NOT NULL,
    objects bigint NOT NULL,
    rejected bigint NOT NULL,
    rejected_detail text NOT NULL,
    run_by uuid REFERENCES users(id)
);
CREATE INDEX intake_runs_by_time ON intake_runs (received_at);

CREATE TABLE indicators (
    id uuid PRIMARY KEY,
    kind text NOT NULL,
    value text NOT NULL,
    first_seen timestamptz NOT NULL
);

CREATE TABLE indicator_reports (
    indicator_id uuid NOT NULL REFERENCES indicators(id),
    source_id uuid NOT NULL REFERENCES intel_sources(id),
    ref text NOT NULL,
    run_id uuid NOT NULL REFERENCES intake_runs(id),
    marking text NOT NULL,
    original_markings text NOT NULL,
    valid_until timestamptz,
    confidence bigint,
    revoked boolean NOT NULL,
    PRIMARY KEY (indicator_id, source_id, ref)
);

CREATE TABLE stix_objects (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stix_id text NOT NULL,
    modified text NOT NULL,
    object_type text NOT NULL,
    spec_version text NOT NULL,
    source_id uuid NOT NULL REFERENCES intel_sources(id),
    run_id uuid NOT NULL REFERENCES intake_runs(id),
    added_at timestamptz NOT NULL,
    marking text NOT NULL,
    raw text NOT NULL,
    UNIQUE (stix_id, modified)
);
