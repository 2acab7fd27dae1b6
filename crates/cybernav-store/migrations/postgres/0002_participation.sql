-- Participation (Part 213.50): requirement sets, grant cycles, certifications, recorded facts.
CREATE TABLE requirement_sets (
    id text NOT NULL,
    version text NOT NULL,
    title text NOT NULL,
    source text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE grant_cycles (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    grant_program text NOT NULL,
    funds_cents bigint NOT NULL,
    set_id text NOT NULL,
    set_version text NOT NULL,
    deadline date NOT NULL,
    time_zone text NOT NULL,
    created_at timestamptz NOT NULL,
    FOREIGN KEY (set_id, set_version) REFERENCES requirement_sets(id, version)
);

CREATE TABLE certifications (
    cycle_id uuid NOT NULL REFERENCES grant_cycles(id) ON DELETE CASCADE,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    received_at timestamptz NOT NULL,
    on_time boolean NOT NULL,
    signer_name text NOT NULL,
    recorded_by uuid REFERENCES users(id),
    PRIMARY KEY (cycle_id, election_authority_id)
);

CREATE TABLE authority_facts (
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    fact text NOT NULL,
    holds boolean NOT NULL,
    on_date date,
    note text,
    updated_by uuid REFERENCES users(id),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (election_authority_id, fact)
);

CREATE TABLE checked_requirements (
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    set_id text NOT NULL,
    requirement_id text NOT NULL,
    on_date date,
    note text,
    updated_by uuid REFERENCES users(id),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (election_authority_id, set_id, requirement_id)
);
