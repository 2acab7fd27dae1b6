-- The daily digest (Part 213.30(a)(8)): each run of the job, one send per person per digest
-- date, and a receipt for every item each person received, with the marking it carried.
--
-- The unique (user_id, digest_date) row is inserted in the same transaction as the outbox
-- message: with several replicas (or a second run the same day) the second insert finds the
-- row and nothing more is queued. A person with nothing to see gets no send row and no mail.
-- Receipts hold ids and marking labels only, never the content itself.
CREATE TABLE digest_runs (
    id uuid PRIMARY KEY,
    digest_date date NOT NULL,
    window_start timestamptz NOT NULL,
    window_end timestamptz NOT NULL,
    started_at timestamptz NOT NULL,
    finished_at timestamptz,
    started_by uuid REFERENCES users(id),
    recipients integer NOT NULL DEFAULT 0,
    sent integer NOT NULL DEFAULT 0,
    skipped integer NOT NULL DEFAULT 0,
    items integer NOT NULL DEFAULT 0
);
CREATE INDEX digest_runs_by_start ON digest_runs (started_at);

CREATE TABLE digest_sends (
    id uuid PRIMARY KEY,
    run_id uuid NOT NULL REFERENCES digest_runs(id),
    user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    digest_date date NOT NULL,
    outbox_id uuid NOT NULL REFERENCES outbox(id),
    to_addr text NOT NULL,
    subject_marking text NOT NULL,
    items integer NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (user_id, digest_date)
);
CREATE INDEX digest_sends_by_run ON digest_sends (run_id);

CREATE TABLE digest_receipts (
    send_id uuid NOT NULL REFERENCES digest_sends(id) ON DELETE CASCADE,
    position integer NOT NULL,
    item_kind text NOT NULL,
    item_id uuid NOT NULL,
    marking text NOT NULL,
    PRIMARY KEY (send_id, position)
);

-- A person's choice; no row means the default: the digest is on.
CREATE TABLE digest_preferences (
    user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    receive boolean NOT NULL,
    updated_at timestamptz NOT NULL
);
