-- Grant money (Part 213.10(a), (c)): the Navigator Program share of each cycle, its
-- expenditures, awards to election authorities and their reimbursement claims. Money is in
-- integer cents. The rules that span rows (half rule, pool and award limits) are checked by the
-- application inside the transaction that writes; the table checks hold what one row can.
CREATE TABLE grant_allocations (
    cycle_id uuid PRIMARY KEY REFERENCES grant_cycles(id) ON DELETE CASCADE,
    navigator_share_cents bigint NOT NULL CHECK (navigator_share_cents >= 0),
    updated_by uuid REFERENCES users(id),
    updated_at timestamptz NOT NULL
);

CREATE TABLE navigator_expenditures (
    id uuid PRIMARY KEY,
    cycle_id uuid NOT NULL REFERENCES grant_cycles(id) ON DELETE CASCADE,
    spent_on date NOT NULL,
    category text NOT NULL CHECK (category IN ('payroll', 'travel', 'equipment', 'other')),
    eac_category text NOT NULL,
    federal_cents bigint NOT NULL CHECK (federal_cents >= 0),
    match_cents bigint NOT NULL CHECK (match_cents >= 0),
    description text NOT NULL,
    recorded_by uuid REFERENCES users(id),
    recorded_at timestamptz NOT NULL
);
CREATE INDEX navigator_expenditures_cycle ON navigator_expenditures (cycle_id, spent_on);

CREATE TABLE grant_awards (
    id uuid PRIMARY KEY,
    cycle_id uuid NOT NULL REFERENCES grant_cycles(id) ON DELETE CASCADE,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id),
    amount_cents bigint NOT NULL CHECK (amount_cents > 0),
    awarded_by uuid REFERENCES users(id),
    awarded_at timestamptz NOT NULL,
    UNIQUE (cycle_id, election_authority_id)
);

CREATE TABLE reimbursement_claims (
    id uuid PRIMARY KEY,
    award_id uuid NOT NULL REFERENCES grant_awards(id) ON DELETE CASCADE,
    cycle_id uuid NOT NULL REFERENCES grant_cycles(id) ON DELETE CASCADE,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id),
    spent_on date NOT NULL,
    eac_category text NOT NULL,
    federal_cents bigint NOT NULL CHECK (federal_cents >= 0),
    match_cents bigint NOT NULL CHECK (match_cents >= 0),
    description text NOT NULL,
    status text NOT NULL CHECK (status IN ('submitted', 'approved', 'paid', 'rejected')),
    reason text,
    submitted_by uuid REFERENCES users(id),
    submitted_at timestamptz NOT NULL,
    decided_by uuid REFERENCES users(id),
    decided_at timestamptz
);
CREATE INDEX reimbursement_claims_cycle ON reimbursement_claims (cycle_id, election_authority_id);
