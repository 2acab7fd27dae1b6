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
    item_count INTEGER NOT NULL,
    loaded_by BLOB REFERENCES users(id),
    loaded_at TEXT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE catalog_mappings (
    from_catalog text NOT NULL,
    from_item text NOT NULL,
    to_catalog text NOT NULL,
    to_item text NOT NULL,
    relationship text NOT NULL,
    loaded_at TEXT NOT NULL,
    PRIMARY KEY (from_catalog, from_item, to_catalog, to_item)
);

CREATE TABLE assessments (
    id BLOB PRIMARY KEY,
    election_authority_id BLOB NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    cycle_id BLOB NOT NULL REFERENCES grant_cycles(id),
    catalog_id text NOT NULL,
    catalog_version text NOT NULL,
    scope text NOT NULL,
    method text NOT NULL,
    state text NOT NULL,
    created_by BLOB REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    completed_by BLOB REFERENCES users(id),
    completed_at TEXT,
    validated_by BLOB REFERENCES users(id),
    validated_at TEXT,
    overall_percent REAL,
    FOREIGN KEY (catalog_id, catalog_version) REFERENCES catalogs(id, version),
    UNIQUE (election_authority_id, cycle_id, catalog_id)
);
CREATE INDEX assessments_by_state ON assessments (state, catalog_id);

CREATE TABLE assessment_navigators (
    assessment_id BLOB NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    user_id BLOB NOT NULL REFERENCES users(id),
    PRIMARY KEY (assessment_id, user_id)
);

CREATE TABLE assessment_answers (
    assessment_id BLOB NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    item_id text NOT NULL,
    answer text NOT NULL,
    comment text,
    updated_by BLOB REFERENCES users(id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (assessment_id, item_id)
);

CREATE TABLE assessment_answer_history (
    id BLOB PRIMARY KEY,
    assessment_id BLOB NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    item_id text NOT NULL,
    answer text,
    comment text,
    changed_by BLOB REFERENCES users(id),
    changed_at TEXT NOT NULL
);
CREATE INDEX assessment_answer_history_by_item ON assessment_answer_history (assessment_id, item_id, changed_at);

CREATE TABLE assessment_events (
    id BLOB PRIMARY KEY,
    assessment_id BLOB NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    action text NOT NULL,
    from_state text NOT NULL,
    to_state text NOT NULL,
    note text,
    actor_id BLOB REFERENCES users(id),
    at TEXT NOT NULL
);
CREATE INDEX assessment_events_by_assessment ON assessment_events (assessment_id, at);
