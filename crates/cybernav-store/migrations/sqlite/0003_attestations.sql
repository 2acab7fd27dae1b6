-- Written verification (Part 213.50(b)): the platform's signing key and signed attestations.
-- The secret key is stored here, so a copy of the database holds it (docs/SECURITY.md).
CREATE TABLE signing_keys (
    id BLOB PRIMARY KEY,
    purpose text NOT NULL,
    public_key text NOT NULL,
    secret_key text NOT NULL,
    created_at TEXT NOT NULL,
    retired_at TEXT
);
-- One active key per purpose, so replicas that start together agree on one.
CREATE UNIQUE INDEX signing_keys_active ON signing_keys(purpose) WHERE retired_at IS NULL;

CREATE TABLE attestations (
    id BLOB PRIMARY KEY,
    kind text NOT NULL,
    election_authority_id BLOB NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    cycle_id BLOB NOT NULL REFERENCES grant_cycles(id) ON DELETE CASCADE,
    signer_id BLOB NOT NULL REFERENCES users(id),
    signed_at TEXT NOT NULL,
    facts_digest text NOT NULL,
    key_fingerprint text NOT NULL,
    file text NOT NULL
);
CREATE INDEX attestations_ea ON attestations(election_authority_id, signed_at);
