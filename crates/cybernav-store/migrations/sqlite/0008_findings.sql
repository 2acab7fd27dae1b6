-- Findings (Part 213.40): weaknesses found at an election authority, followed to a verified
-- fix or a risk accepted until an expiry date; their history; the CISA KEV catalog; and the
-- runs of scan and catalog imports. Findings belong to the authority, not to a grant cycle:
-- an open finding simply stays open into the next cycle with its history. Evidence of a fix
-- is filed in evidence_files under the subject 'finding:<id>'.
CREATE TABLE findings (
    id BLOB PRIMARY KEY,
    election_authority_id BLOB NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    source text NOT NULL,
    severity text NOT NULL,
    title text NOT NULL,
    description text NOT NULL,
    recommendation text,
    host text,
    port integer,
    protocol text,
    cve text,
    plugin_id text,
    owner text NOT NULL,
    status text NOT NULL,
    identified_on TEXT NOT NULL,
    target_date TEXT,
    kev INTEGER NOT NULL DEFAULT 0,
    kev_due_date TEXT,
    ransomware INTEGER NOT NULL DEFAULT 0,
    risk_approver text,
    risk_expires_on TEXT,
    assessment_id BLOB,
    catalog_item_id text,
    latest_detection TEXT,
    closed_on TEXT,
    created_by BLOB REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX findings_by_authority ON findings (election_authority_id, status);
CREATE INDEX findings_by_host ON findings (election_authority_id, host, port, protocol);
CREATE INDEX findings_by_cve ON findings (cve);

CREATE TABLE finding_history (
    id BLOB PRIMARY KEY,
    finding_id BLOB NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    actor_id BLOB REFERENCES users(id),
    actor_label text NOT NULL,
    kind text NOT NULL,
    from_status text,
    to_status text,
    note text
);
CREATE INDEX finding_history_by_finding ON finding_history (finding_id, at);

CREATE TABLE kev_catalog (
    cve_id text PRIMARY KEY,
    vendor_project text NOT NULL,
    product text NOT NULL,
    vulnerability_name text NOT NULL,
    date_added TEXT NOT NULL,
    short_description text NOT NULL,
    required_action text NOT NULL,
    due_date TEXT NOT NULL,
    known_ransomware INTEGER NOT NULL,
    notes text NOT NULL,
    cwes text NOT NULL,
    catalog_version text NOT NULL
);

CREATE TABLE scan_imports (
    id BLOB PRIMARY KEY,
    kind text NOT NULL,
    election_authority_id BLOB REFERENCES election_authorities(id) ON DELETE CASCADE,
    file_name text NOT NULL,
    sha256 text NOT NULL,
    imported_by BLOB REFERENCES users(id),
    imported_by_label text NOT NULL,
    imported_at TEXT NOT NULL,
    rows_read integer NOT NULL,
    created integer NOT NULL,
    updated integer NOT NULL,
    closed integer NOT NULL,
    unchanged integer NOT NULL,
    catalog_version text
);
CREATE INDEX scan_imports_by_authority ON scan_imports (election_authority_id, imported_at);
