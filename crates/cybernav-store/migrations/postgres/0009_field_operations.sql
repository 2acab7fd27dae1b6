-- Field operations (Part 213.40): the system and network documents each authority keeps on
-- file and the navigators' reviews of them (213.40(a)(2)), and field visits with their
-- navigators and follow-ups. A document's file is an evidence file (0006); reviews are never
-- changed or removed, so their history stays. A visit's findings are stored as a JSON list of
-- finding ids, without a foreign key (the findings table comes with migration 0008).
CREATE TABLE field_documents (
    id uuid PRIMARY KEY,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    kind text NOT NULL,
    title text NOT NULL,
    version text,
    document_date date,
    evidence_id uuid REFERENCES evidence_files(id),
    created_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX field_documents_by_authority ON field_documents (election_authority_id);

CREATE TABLE document_reviews (
    id uuid PRIMARY KEY,
    document_id uuid NOT NULL REFERENCES field_documents(id) ON DELETE CASCADE,
    reviewed_on date NOT NULL,
    outcome text NOT NULL,
    problems text,
    reviewer_id uuid REFERENCES users(id),
    reviewer_name text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX document_reviews_by_document ON document_reviews (document_id, reviewed_on);

CREATE TABLE field_visits (
    id uuid PRIMARY KEY,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    visited_on date NOT NULL,
    purpose text NOT NULL,
    attendees text,
    notes text,
    internal_notes text,
    finding_ids text NOT NULL DEFAULT '[]',
    created_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL
);
CREATE INDEX field_visits_by_authority ON field_visits (election_authority_id, visited_on);

CREATE TABLE visit_navigators (
    visit_id uuid NOT NULL REFERENCES field_visits(id) ON DELETE CASCADE,
    navigator_id uuid NOT NULL REFERENCES users(id),
    PRIMARY KEY (visit_id, navigator_id)
);
CREATE INDEX visit_navigators_by_navigator ON visit_navigators (navigator_id);

CREATE TABLE visit_follow_ups (
    id uuid PRIMARY KEY,
    visit_id uuid NOT NULL REFERENCES field_visits(id) ON DELETE CASCADE,
    description text NOT NULL,
    due_on date NOT NULL,
    done boolean NOT NULL,
    done_at timestamptz,
    done_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL
);
CREATE INDEX visit_follow_ups_by_visit ON visit_follow_ups (visit_id);
