-- Foundation: registry, people, sessions, tokens, audit chain, outbox.
CREATE TABLE zones (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL
);

CREATE TABLE partner_orgs (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    kind text NOT NULL,
    notes text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE election_authorities (
    id uuid PRIMARY KEY,
    name text NOT NULL UNIQUE,
    kind text NOT NULL,
    county text NOT NULL,
    fips_code text NOT NULL,
    population bigint,
    zone_id uuid REFERENCES zones(id),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX election_authorities_zone ON election_authorities(zone_id);

CREATE TABLE users (
    id uuid PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text NOT NULL,
    role text NOT NULL,
    election_authority_id uuid REFERENCES election_authorities(id),
    partner_org_id uuid REFERENCES partner_orgs(id),
    status text NOT NULL,
    password_hash text,
    totp_secret bytea,
    totp_pending_secret bytea,
    totp_last_step bigint,
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    last_login_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX users_election_authority ON users(election_authority_id);

CREATE TABLE navigator_assignments (
    navigator_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    PRIMARY KEY (navigator_id, election_authority_id)
);
CREATE INDEX navigator_assignments_ea ON navigator_assignments(election_authority_id);

CREATE TABLE contacts (
    id uuid PRIMARY KEY,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    name text NOT NULL,
    role text NOT NULL,
    organisation text,
    phone text,
    email text,
    last_verified_on date,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX contacts_election_authority ON contacts(election_authority_id);

CREATE TABLE sessions (
    id uuid PRIMARY KEY,
    token_hash text NOT NULL UNIQUE,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mfa_done boolean NOT NULL,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    ip text,
    user_agent text
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name text NOT NULL,
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE recovery_codes (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash text NOT NULL,
    used_at timestamptz
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

CREATE TABLE email_links (
    id uuid PRIMARY KEY,
    kind text NOT NULL,
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);

CREATE TABLE audit_log (
    seq bigint PRIMARY KEY,
    id uuid NOT NULL UNIQUE,
    occurred_at timestamptz NOT NULL,
    actor_id uuid,
    actor_label text NOT NULL,
    action text NOT NULL,
    entity_type text NOT NULL,
    entity_id text,
    ip text,
    changes text NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log(entity_type, entity_id);
CREATE INDEX audit_log_actor ON audit_log(actor_id);

-- One row: the chain's head. Updating it takes a row lock, so appends are serialised even
-- with several server replicas.
CREATE TABLE audit_head (
    id integer PRIMARY KEY CHECK (id = 1),
    seq bigint NOT NULL,
    hash text NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE outbox (
    id uuid PRIMARY KEY,
    kind text NOT NULL,
    to_addr text NOT NULL,
    subject text NOT NULL,
    body_text text NOT NULL,
    created_at timestamptz NOT NULL,
    next_attempt_at timestamptz NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    sent_at timestamptz,
    failed_at timestamptz,
    last_error text
);
CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
