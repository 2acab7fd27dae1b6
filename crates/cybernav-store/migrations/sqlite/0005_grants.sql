-- Grant money (Part 213.10(a), (c)): the Navigator Program share of each cycle, its
-- expenditures, awards to election authorities and their reimbursement claims. Money is in
-- integer cents. The rules that span rows (half rule, pool and award limits) are checked by the
-- application inside the transaction that writes; the table checks hold what one row can.
CREATE TABLE grant_allocations (
    cycle_id BLOB PRIMARY KEY REFERENCES grant_cycles(id) ON DELETE CASCADE,
    navigator_share_cents INTEGER NOT NULL CHECK (navigator_share_cents >= 0),
    updated_by BLOB REFERENCES users(id),
    updated_at TEXT NOT NULL
);

CREATE TABLE navigator_expenditures (
    id BLOB PRIMARY KEY,
    cycle_id BLOB NOT NULL REFERENCES grant_cycles(id) ON DELETE CASCADE,
    spent_on TEXT NOT NULL,
    category text NOT NULL CHECK (category IN ('payroll', 'travel', 'equipment', 'other')),
    eac_category text NOT NULL,
    federal_cents INTEGER NOT NULL CHECK (federal_cents >= 0),
    match_cents INTEGER NOT NULL CHECK (match_cents >= 0),
    description text NOT NULL,
    recorded_by BLOB REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX navigator_expenditures_cycle ON navigator_expenditures (cycle_id, spent_on);

CREATE TABLE grant_awards (
    id BLOB PRIMARY KEY,
    cycle_id BLOB NOT NULL REFERENCES grant_cycles(id) ON DELETE CASCADE,
    election_authority_id BLOB NOT NULL REFERENCES election_authorities(id),
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    awarded_by BLOB REFERENCES users(id),
    awarded_at TEXT NOT NULL,
    UNIQUE (cycle_id, election_authority_id)
);

CREATE TABLE reimbursement_claims (
    id BLOB PRIMARY KEY,
    award_id BLOB NOT NULL REFERENCES grant_awards(id) ON DELETE CASCADE,
    cycle_id BLOB NOT NULL REFERENCES grant_cycles(id) ON DELETE CASCADE,
    election_authority_id BLOB NOT NULL REFERENCES election_authorities(id),
    spent_on TEXT NOT NULL,
    eac_category text NOT NULL,
    federal_cents INTEGER NOT NULL CHECK (federal_cents >= 0),
    match_cents INTEGER NOT NULL CHECK (match_cents >= 0),
    description text NOT NULL,
    status text NOT NULL CHECK (status IN ('submitted', 'approved', 'paid', 'rejected')),
    reason text,
    submitted_by BLOB REFERENCES users(id),
    submitted_at TEXT NOT NULL,
    decided_by BLOB REFERENCES users(id),
    decided_at TEXT
);
CREATE INDEX reimbursement_claims_cycle ON reimbursement_claims (cycle_id, election_authority_id);
