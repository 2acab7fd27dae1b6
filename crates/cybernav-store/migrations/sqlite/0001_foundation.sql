-- Foundation: registry, people, sessions, tokens, audit chain, outbox.
CREATE TABLE zones (
    id BLOB PRIMARY KEY,
    name text NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE partner_orgs (
    id BLOB PRIMARY KEY,
    name text NOT NULL UNIQUE,
    kind text NOT NULL,
    notes text,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE election_authorities (
    id BLOB PRIMARY KEY,
    name text NOT NULL UNIQUE,
    kind text NOT NULL,
    county text NOT NULL,
    fips_code text NOT NULL,
    population INTEGER,
    zone_id BLOB REFERENCES zones(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX election_authorities_zone ON election_authorities(zone_id);

CREATE TABLE users (
    id BLOB PRIMARY KEY,
    email text NOT NULL UNIQUE,
    name text NOT NULL,
    role text NOT NULL,
    election_authority_id BLOB REFERENCES election_authorities(id),
    partner_org_id BLOB REFERENCES partner_orgs(id),
    status text NOT NULL,
    password_hash text,
    totp_secret BLOB,
    totp_pending_secret BLOB,
    totp_last_step INTEGER,
    failed_logins integer NOT NULL DEFAULT 0,
    locked_until TEXT,
    last_login_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX users_election_authority ON users(election_authority_id);

CREATE TABLE navigator_assignments (
    navigator_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    election_authority_id BLOB NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    PRIMARY KEY (navigator_id, election_authority_id)
);
CREATE INDEX navigator_assignments_ea ON navigator_assignments(election_authority_id);

CREATE TABLE contacts (
    id BLOB PRIMARY KEY,
    election_authority_id BLOB NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    name text NOT NULL,
    role text NOT NULL,
    organisation text,
    phone text,
    email text,
    last_verified_on TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX contacts_election_authority ON contacts(election_authority_id);

CREATE TABLE sessions (
    id BLOB PRIMARY KEY,
    token_hash text NOT NULL UNIQUE,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    mfa_done INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    ip text,
    user_agent text
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name text NOT NULL,
    token_hash text NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE recovery_codes (
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash text NOT NULL,
    used_at TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

CREATE TABLE email_links (
    id BLOB PRIMARY KEY,
    kind text NOT NULL,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash text NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);

CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    occurred_at TEXT NOT NULL,
    actor_id BLOB,
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
    seq INTEGER NOT NULL,
    hash text NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE outbox (
    id BLOB PRIMARY KEY,
    kind text NOT NULL,
    to_addr text NOT NULL,
    subject text NOT NULL,
    body_text text NOT NULL,
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    locked_until TEXT,
    sent_at TEXT,
    failed_at TEXT,
    last_error text
);
CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
