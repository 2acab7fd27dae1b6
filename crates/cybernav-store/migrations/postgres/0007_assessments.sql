-- Navigator risk assessments (Part 213.40): catalogs as data, mappings between them, assessments
-- per authority per cycle with their answers, the history of every answer and of the workflow.
-- A validated assessment is final, so its overall score (by its stored method) is kept in
-- overall_percent for the statewide roll-up; every score can still be recomputed from the answers.
-- Evidence for an assessment item is an evidence_files row (0006) whose subject is
-- 'assessment:<assessment id>:<item id>'.
CREATE TABLE catalogs (
    id text NOT NULL,
    version text NOT NULL,
    title text NOT NULL,
    publisher text NOT NULL,
    licence text NOT NULL,
    origin text NOT NULL,
    source_sha256 text NOT NULL,
    body text NOT NULL,
    item_count bigint NOT NULL,
    loaded_by uuid REFERENCES users(id),
    loaded_at timestamptz NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE catalog_mappings (
    from_catalog text NOT NULL,
    from_item text NOT NULL,
    to_catalog text NOT NULL,
    to_item text NOT NULL,
    relationship text NOT NULL,
    loaded_at timestamptz NOT NULL,
    PRIMARY KEY (from_catalog, from_item, to_catalog, to_item)
);

CREATE TABLE assessments (
    id uuid PRIMARY KEY,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    cycle_id uuid NOT NULL REFERENCES grant_cycles(id),
    catalog_id text NOT NULL,
    catalog_version text NOT NULL,
    scope text NOT NULL,
    method text NOT NULL,
    state text NOT NULL,
    created_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    completed_by uuid REFERENCES users(id),
    completed_at timestamptz,
    validated_by uuid REFERENCES users(id),
    validated_at timestamptz,
    overall_percent double precision,
    FOREIGN KEY (catalog_id, catalog_version) REFERENCES catalogs(id, version),
    UNIQUE (election_authority_id, cycle_id, catalog_id)
);
CREATE INDEX assessments_by_state ON assessments (state, catalog_id);

CREATE TABLE assessment_navigators (
    assessment_id uuid NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users(id),
    PRIMARY KEY (assessment_id, user_id)
);

CREATE TABLE assessment_answers (
    assessment_id uuid NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    item_id text NOT NULL,
    answer text NOT NULL,
    comment text,
    updated_by uuid REFERENCES users(id),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (assessment_id, item_id)
);

CREATE TABLE assessment_answer_history (
    id uuid PRIMARY KEY,
    assessment_id uuid NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    item_id text NOT NULL,
    answer text,
    comment text,
    changed_by uuid REFERENCES users(id),
    changed_at timestamptz NOT NULL
);
CREATE INDEX assessment_answer_history_by_item ON assessment_answer_history (assessment_id, item_id, changed_at);

CREATE TABLE assessment_events (
    id uuid PRIMARY KEY,
    assessment_id uuid NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    action text NOT NULL,
    from_state text NOT NULL,
    to_state text NOT NULL,
    note text,
    actor_id uuid REFERENCES users(id),
    at timestamptz NOT NULL
);
CREATE INDEX assessment_events_by_assessment ON assessment_events (assessment_id, at);
