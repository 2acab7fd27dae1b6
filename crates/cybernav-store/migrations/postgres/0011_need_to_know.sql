-- The need-to-know roster (Part 213.30(a)(5)): applications for FOUO information, the Program
-- Manager's decisions, the handling agreement accepted, expiry, renewal and revocation.
-- "Expired" is never stored: it is derived from expires_at. A person has at most one open
-- application (pending, approved or active), enforced by a partial unique index so two
-- simultaneous applications cannot both succeed.
CREATE TABLE need_to_know_applications (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users(id),
    organisation text NOT NULL,
    title text NOT NULL,
    justification text NOT NULL,
    sponsor_name text NOT NULL,
    sponsor_email text NOT NULL,
    state text NOT NULL,
    applied_at timestamptz NOT NULL,
    decided_at timestamptz,
    decided_by uuid REFERENCES users(id),
    decision_note text,
    agreement_version text,
    agreement_accepted_at timestamptz,
    approved_from timestamptz,
    expires_at timestamptz,
    renewed_at timestamptz,
    renewed_by uuid REFERENCES users(id),
    revoked_at timestamptz,
    revoked_by uuid REFERENCES users(id),
    revoke_reason text,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX need_to_know_one_open ON need_to_know_applications (user_id)
    WHERE state IN ('pending', 'approved', 'active');
CREATE INDEX need_to_know_by_state ON need_to_know_applications (state, expires_at);

-- Expiry warnings sent: one row per application, expiry and threshold, inserted in the same
-- transaction as the outbox messages, so each warning goes once however many replicas run.
CREATE TABLE need_to_know_warnings (
    application_id uuid NOT NULL REFERENCES need_to_know_applications(id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    days_before integer NOT NULL,
    sent_at timestamptz NOT NULL,
    PRIMARY KEY (application_id, expires_at, days_before)
);
