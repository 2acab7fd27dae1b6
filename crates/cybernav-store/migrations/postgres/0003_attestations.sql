-- Written verification (Part 213.50(b)): the platform's signing key and signed attestations.
-- The secret key is stored here, so a copy of the database holds it (docs/SECURITY.md).
CREATE TABLE signing_keys (
    id uuid PRIMARY KEY,
    purpose text NOT NULL,
    public_key text NOT NULL,
    secret_key text NOT NULL,
    created_at timestamptz NOT NULL,
    retired_at timestamptz
);
-- One active key per purpose, so replicas that start together agree on one.
CREATE UNIQUE INDEX signing_keys_active ON signing_keys(purpose) WHERE retired_at IS NULL;

CREATE TABLE attestations (
    id uuid PRIMARY KEY,
    kind text NOT NULL,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    cycle_id uuid NOT NULL REFERENCES grant_cycles(id) ON DELETE CASCADE,
    signer_id uuid NOT NULL REFERENCES users(id),
    signed_at timestamptz NOT NULL,
    facts_digest text NOT NULL,
    key_fingerprint text NOT NULL,
    file text NOT NULL
);
CREATE INDEX attestations_ea ON attestations(election_authority_id, signed_at);
