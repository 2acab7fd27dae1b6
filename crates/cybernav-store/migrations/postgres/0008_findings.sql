-- Findings (Part 213.40): weaknesses found at an election authority, followed to a verified
-- fix or a risk accepted until an expiry date; their history; the CISA KEV catalog; and the
-- runs of scan and catalog imports. Findings belong to the authority, not to a grant cycle:
-- an open finding simply stays open into the next cycle with its history. Evidence of a fix
-- is filed in evidence_files under the subject 'finding:<id>'.
CREATE TABLE findings (
    id uuid PRIMARY KEY,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
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
    identified_on date NOT NULL,
    target_date date,
    kev boolean NOT NULL DEFAULT false,
    kev_due_date date,
    ransomware boolean NOT NULL DEFAULT false,
    risk_approver text,
    risk_expires_on date,
    assessment_id uuid,
    catalog_item_id text,
    latest_detection date,
    closed_on date,
    created_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX findings_by_authority ON findings (election_authority_id, status);
CREATE INDEX findings_by_host ON findings (election_authority_id, host, port, protocol);
CREATE INDEX findings_by_cve ON findings (cve);

CREATE TABLE finding_history (
    id uuid PRIMARY KEY,
    finding_id uuid NOT NULL REFERENCES findings(id) ON DELETE CASCADE,
    at timestamptz NOT NULL,
    actor_id uuid REFERENCES users(id),
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
    date_added date NOT NULL,
    short_description text NOT NULL,
    required_action text NOT NULL,
    due_date date NOT NULL,
    known_ransomware boolean NOT NULL,
    notes text NOT NULL,
    cwes text NOT NULL,
    catalog_version text NOT NULL
);

CREATE TABLE scan_imports (
    id uuid PRIMARY KEY,
    kind text NOT NULL,
    election_authority_id uuid REFERENCES election_authorities(id) ON DELETE CASCADE,
    file_name text NOT NULL,
    sha256 text NOT NULL,
    imported_by uuid REFERENCES users(id),
    imported_by_label text NOT NULL,
    imported_at timestamptz NOT NULL,
    rows_read integer NOT NULL,
    created integer NOT NULL,
    updated integer NOT NULL,
    closed integer NOT NULL,
    unchanged integer NOT NULL,
    catalog_version text
);
CREATE INDEX scan_imports_by_authority ON scan_imports (election_authority_id, imported_at);
