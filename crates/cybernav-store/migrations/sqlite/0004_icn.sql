-- ICN connectivity (Part 213.20): circuits per election authority, their allowlist entries and
-- protections, and the Board's program settings (private addressing only, 213.20(a)(2)).
CREATE TABLE icn_circuits (
    id BLOB PRIMARY KEY,
    election_authority_id BLOB NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    reference text NOT NULL UNIQUE,
    status text NOT NULL,
    agreement_signed_on TEXT,
    connected_on TEXT,
    notes text,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX icn_circuits_authority ON icn_circuits(election_authority_id);

CREATE TABLE icn_allowlist (
    id BLOB PRIMARY KEY,
    circuit_id BLOB NOT NULL REFERENCES icn_circuits(id) ON DELETE CASCADE,
    network text NOT NULL UNIQUE,
    description text,
    added_by BLOB REFERENCES users(id),
    added_at TEXT NOT NULL
);
CREATE INDEX icn_allowlist_circuit ON icn_allowlist(circuit_id);

CREATE TABLE icn_protections (
    circuit_id BLOB NOT NULL REFERENCES icn_circuits(id) ON DELETE CASCADE,
    protection text NOT NULL,
    in_place INTEGER NOT NULL,
    since TEXT,
    kind text,
    sensor_id text,
    updated_by BLOB REFERENCES users(id),
    updated_at TEXT NOT NULL,
    PRIMARY KEY (circuit_id, protection)
);

CREATE TABLE program_settings (
    key text PRIMARY KEY,
    value text NOT NULL,
    updated_by BLOB REFERENCES users(id),
    updated_at TEXT
);
INSERT INTO program_settings (key, value) VALUES ('private_addressing_only', 'false');
