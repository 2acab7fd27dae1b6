-- The need-to-know roster (Part 213.30(a)(5)): applications for FOUO information, the Program
-- Manager's decisions, the handling agreement accepted, expiry, renewal and revocation.
-- "Expired" is never stored: it is derived from expires_at. A person has at most one open
-- application (pending, approved or active), enforced by a partial unique index so two
-- simultaneous applications cannot both succeed.
CREATE TABLE need_to_know_applications (
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id),
    organisation TEXT NOT NULL,
    title TEXT NOT NULL,
    justification TEXT NOT NULL,
    sponsor_name TEXT NOT NULL,
    sponsor_email TEXT NOT NULL,
    state TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by BLOB REFERENCES users(id),
    decision_note TEXT,
    agreement_version TEXT,
    agreement_accepted_at TEXT,
    approved_from TEXT,
    expires_at TEXT,
    renewed_at TEXT,
    renewed_by BLOB REFERENCES users(id),
    revoked_at TEXT,
    revoked_by BLOB REFERENCES users(id),
    revoke_reason TEXT,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX need_to_know_one_open ON need_to_know_applications (user_id)
    WHERE state IN ('pending', 'approved', 'active');
CREATE INDEX need_to_know_by_state ON need_to_know_applications (state, expires_at);

-- Expiry warnings sent: one row per application, expiry and threshold, inserted in the same
-- transaction as the outbox messages, so each warning goes once however many replicas run.
CREATE TABLE need_to_know_warnings (
    application_id BLOB NOT NULL REFERENCES need_to_know_applications(id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    days_before INTEGER NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (application_id, expires_at, days_before)
);
