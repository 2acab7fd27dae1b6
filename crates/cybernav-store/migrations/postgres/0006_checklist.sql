-- The county-first checklist (Part 213.50): evidence files and notes per requirement, the
-- reminders sent before a deadline, and the statewide report cards the Board published.
CREATE TABLE evidence_files (
    id uuid PRIMARY KEY,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    subject text NOT NULL,
    file_name text NOT NULL,
    content_type text NOT NULL,
    size_bytes bigint NOT NULL,
    sha256 text NOT NULL,
    content bytea NOT NULL,
    uploaded_by uuid REFERENCES users(id),
    uploaded_at timestamptz NOT NULL
);
CREATE INDEX evidence_files_by_authority ON evidence_files (election_authority_id, subject);

CREATE TABLE requirement_notes (
    id uuid PRIMARY KEY,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    cycle_id uuid NOT NULL REFERENCES grant_cycles(id) ON DELETE CASCADE,
    requirement_id text NOT NULL,
    author_id uuid REFERENCES users(id),
    author_name text NOT NULL,
    author_role text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX requirement_notes_by_authority ON requirement_notes (election_authority_id, cycle_id, created_at);

CREATE TABLE participation_reminders (
    cycle_id uuid NOT NULL REFERENCES grant_cycles(id) ON DELETE CASCADE,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    days_before integer NOT NULL,
    sent_at timestamptz NOT NULL,
    PRIMARY KEY (cycle_id, election_authority_id, days_before)
);

CREATE TABLE report_cards (
    id uuid PRIMARY KEY,
    cycle_id uuid NOT NULL REFERENCES grant_cycles(id) ON DELETE CASCADE,
    published_at timestamptz NOT NULL,
    published_by uuid REFERENCES users(id),
    snapshot text NOT NULL
);
CREATE INDEX report_cards_by_cycle ON report_cards (cycle_id, published_at);
