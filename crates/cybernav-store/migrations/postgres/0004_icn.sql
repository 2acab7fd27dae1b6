-- ICN connectivity (Part 213.20): circuits per election authority, their allowlist entries and
-- protections, and the Board's program settings (private addressing only, 213.20(a)(2)).
CREATE TABLE icn_circuits (
    id uuid PRIMARY KEY,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    reference text NOT NULL UNIQUE,
    status text NOT NULL,
    agreement_signed_on date,
    connected_on date,
    notes text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX icn_circuits_authority ON icn_circuits(election_authority_id);

CREATE TABLE icn_allowlist (
    id uuid PRIMARY KEY,
    circuit_id uuid NOT NULL REFERENCES icn_circuits(id) ON DELETE CASCADE,
    network text NOT NULL UNIQUE,
    description text,
    added_by uuid REFERENCES users(id),
    added_at timestamptz NOT NULL
);
CREATE INDEX icn_allowlist_circuit ON icn_allowlist(circuit_id);

CREATE TABLE icn_protections (
    circuit_id uuid NOT NULL REFERENCES icn_circuits(id) ON DELETE CASCADE,
    protection text NOT NULL,
    in_place boolean NOT NULL,
    since date,
    kind text,
    sensor_id text,
    updated_by uuid REFERENCES users(id),
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (circuit_id, protection)
);

CREATE TABLE program_settings (
    key text PRIMARY KEY,
    value text NOT NULL,
    updated_by uuid REFERENCES users(id),
    updated_at timestamptz
);
INSERT INTO program_settings (key, value) VALUES ('private_addressing_only', 'false');
