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
    id uuid PRIMARY KEY,
    channel text NOT NULL CHECK (channel IN ('taxii', 'form')),
    submitted_by uuid NOT NULL REFERENCES users(id),
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id),
    received_at timestamptz NOT NULL,
    object_count bigint NOT NULL,
    marking text NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'validated', 'rejected')),
    decided_by uuid REFERENCES users(id),
    decided_at timestamptz,
    decision_note text
);
CREATE INDEX community_reports_by_status ON community_reports (status, received_at);
CREATE INDEX community_reports_by_authority ON community_reports (election_authority_id, received_at);

CREATE TABLE community_report_objects (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id uuid NOT NULL REFERENCES community_reports(id),
    stix_id text NOT NULL,
    modified text NOT NULL,
    object_type text NOT NULL,
    spec_version text NOT NULL,
    added_at timestamptz NOT NULL,
    marking text NOT NULL,
    raw text NOT NULL
);
CREATE INDEX community_report_objects_by_id ON community_report_objects (stix_id);
CREATE INDEX community_report_objects_by_time ON community_report_objects (added_at, seq);

CREATE TABLE taxii_status (
    id uuid PRIMARY KEY,
    collection_id text NOT NULL,
    requested_by uuid NOT NULL REFERENCES users(id),
    request_timestamp timestamptz NOT NULL,
    status text NOT NULL CHECK (status IN ('pending', 'complete')),
    total_count bigint NOT NULL,
    success_count bigint NOT NULL,
    failure_count bigint NOT NULL,
    pending_count bigint NOT NULL,
    successes text NOT NULL,
    failures text NOT NULL,
    pendings text NOT NULL,
    report_id uuid REFERENCES community_reports(id)
);

-- The TAXII server pages received objects by (added_at, seq).
CREATE INDEX stix_objects_by_added ON stix_objects (added_at, seq);
