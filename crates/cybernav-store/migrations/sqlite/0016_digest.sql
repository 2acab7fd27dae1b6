-- The daily digest (Part 213.30(a)(8)): each run of the job, one send per person per digest
-- date, and a receipt for every item each person received, with the marking it carried.
--
-- The unique (user_id, digest_date) row is inserted in the same transaction as the outbox
-- message: with several replicas (or a second run the same day) the second insert finds the
-- row and nothing more is queued. A person with nothing to see gets no send row and no mail.
-- Receipts hold ids and marking labels only, never the content itself.
CREATE TABLE digest_runs (
    id BLOB PRIMARY KEY,
    digest_date TEXT NOT NULL,
    window_start TEXT NOT NULL,
    window_end TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    started_by BLOB REFERENCES users(id),
    recipients INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    items INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX digest_runs_by_start ON digest_runs (started_at);

CREATE TABLE digest_sends (
    id BLOB PRIMARY KEY,
    run_id BLOB NOT NULL REFERENCES digest_runs(id),
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    digest_date TEXT NOT NULL,
    outbox_id BLOB NOT NULL REFERENCES outbox(id),
    to_addr TEXT NOT NULL,
    subject_marking TEXT NOT NULL,
    items INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (user_id, digest_date)
);
CREATE INDEX digest_sends_by_run ON digest_sends (run_id);

CREATE TABLE digest_receipts (
    send_id BLOB NOT NULL REFERENCES digest_sends(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    item_kind TEXT NOT NULL,
    item_id BLOB NOT NULL,
    marking TEXT NOT NULL,
    PRIMARY KEY (send_id, position)
);

-- A person's choice; no row means the default: the digest is on.
CREATE TABLE digest_preferences (
    user_id BLOB PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    receive INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
