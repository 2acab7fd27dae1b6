-- Two-way sharing (Part 213.50(a)(2)(B)) and the TAXII 2.1 server (Part 213.30(a)).
--
-- community_reports: what an election authority reports to the Board, by whichever channel
-- (`taxii` now; the county's web form, `form`, later), with who sent it, for which authority,
-- when, and the Program Manager's decision (`pending` until validated or rejected, with who
-- decided and when). The STIX objects of a report are rows of community_report_objects, kept
-- as received, each with its resolved marking; `seq` is the order they were added and the
-- TAXII server's paging key within one instant.
--
-- taxii_status: the status resource of every TAXII POST, so `status/{id}/` answers the same
-- after a restart or on another replica. `successes`, `failures` and `pendings` are JSON
-- arrays of TAXII status details ({"id","version","message"}).
CREATE TABLE community_reports (
    id BLOB PRIMARY KEY,
    channel TEXT NOT NULL CHECK (channel IN ('taxii', 'form')),
    submitted_by BLOB NOT NULL REFERENCES users(id),
    election_authority_id BLOB NOT NULL REFERENCES election_authorities(id),
    received_at TEXT NOT NULL,
    object_count INTEGER NOT NULL,
    marking TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'validated', 'rejected')),
    decided_by BLOB REFERENCES users(id),
    decided_at TEXT,
    decision_note TEXT
);
CREATE INDEX community_reports_by_status ON community_reports (status, received_at);
CREATE INDEX community_reports_by_authority ON community_reports (election_authority_id, received_at);

CREATE TABLE community_report_objects (
    seq INTEGER PRIMARY KEY,
    report_id BLOB NOT NULL REFERENCES community_reports(id),
    stix_id TEXT NOT NULL,
    modified TEXT NOT NULL,
    object_type TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    added_at TEXT NOT NULL,
    marking TEXT NOT NULL,
    raw TEXT NOT NULL
);
CREATE INDEX community_report_objects_by_id ON community_report_objects (stix_id);
CREATE INDEX community_report_objects_by_time ON community_report_objects (added_at, seq);

CREATE TABLE taxii_status (
    id BLOB PRIMARY KEY,
    collection_id TEXT NOT NULL,
    requested_by BLOB NOT NULL REFERENCES users(id),
    request_timestamp TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'complete')),
    total_count INTEGER NOT NULL,
    success_count INTEGER NOT NULL,
    failure_count INTEGER NOT NULL,
    pending_count INTEGER NOT NULL,
    successes TEXT NOT NULL,
    failures TEXT NOT NULL,
    pendings TEXT NOT NULL,
    report_id BLOB REFERENCES community_reports(id)
);

-- The TAXII server pages received objects by (added_at, seq).
CREATE INDEX stix_objects_by_added ON stix_objects (added_at, seq);
