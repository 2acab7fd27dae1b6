-- TAXII 2.1 collections the desk polls (Part 213.30(a)(4)): where each one is, how to sign in,
-- how often to ask, and where the last poll stopped.
--
-- The credential is never stored: `secret_ref` names where the server reads it at poll time
-- (`env:NAME` or `file:/path`, e.g. a systemd credential), so neither the database nor its
-- backups hold a partner's password. `added_after` is the server's own
-- X-TAXII-Date-Added-Last of the last page imported, kept verbatim (servers compare their own
-- timestamps); it is written in the same transaction as that page's import. `locked_until` is
-- a lease: with several replicas one of them polls a feed at a time. `failures` counts the
-- failed polls since the last success, for the back-off.
CREATE TABLE taxii_feeds (
    id BLOB PRIMARY KEY,
    source_id BLOB NOT NULL REFERENCES intel_sources(id),
    api_root TEXT NOT NULL,
    collection_id TEXT NOT NULL,
    auth TEXT NOT NULL,
    username TEXT,
    secret_ref TEXT,
    poll_minutes INTEGER NOT NULL,
    page_size INTEGER NOT NULL,
    enabled INTEGER NOT NULL,
    added_after TEXT,
    next_poll_at TEXT NOT NULL,
    locked_until TEXT,
    failures INTEGER NOT NULL,
    last_error TEXT,
    last_polled_at TEXT,
    last_success_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (api_root, collection_id)
);
CREATE INDEX taxii_feeds_due ON taxii_feeds (next_poll_at);
