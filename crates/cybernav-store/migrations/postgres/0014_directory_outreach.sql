-- The incident-response directory (Part 213.30(a)(9)) and outreach (213.30(a)(3), (10)).
-- A directory entry applies statewide, to one zone or to one election authority (scope_kind
-- with zone_id or election_authority_id). "Needs checking" is never stored: it is derived from
-- last_verified_on. Outreach contacts carry notes that may be sensitive; they are never copied
-- into the audit log. Attendance names a person of one authority at one event, once.
CREATE TABLE directory_entries (
    id uuid PRIMARY KEY,
    organisation text NOT NULL,
    kind text NOT NULL,
    scope_kind text NOT NULL,
    zone_id uuid REFERENCES zones(id) ON DELETE CASCADE,
    election_authority_id uuid REFERENCES election_authorities(id) ON DELETE CASCADE,
    phone_24x7 text,
    business_phone text,
    email text,
    secure_channel text,
    call_for text,
    escalation_order integer NOT NULL,
    last_verified_on date,
    verified_by uuid REFERENCES users(id),
    verified_by_name text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX directory_entries_by_order ON directory_entries (escalation_order, organisation);

CREATE TABLE outreach_contacts (
    id uuid PRIMARY KEY,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    contacted_on date NOT NULL,
    kind text NOT NULL,
    people_met text NOT NULL,
    topic text NOT NULL,
    notes text,
    notes_internal boolean NOT NULL,
    follow_up_on date,
    recorded_by uuid REFERENCES users(id),
    recorded_by_name text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX outreach_contacts_by_authority ON outreach_contacts (election_authority_id, contacted_on);

CREATE TABLE outreach_events (
    id uuid PRIMARY KEY,
    held_on date NOT NULL,
    kind text NOT NULL,
    title text NOT NULL,
    audience text,
    created_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL
);
CREATE INDEX outreach_events_by_date ON outreach_events (held_on);

CREATE TABLE event_attendance (
    id uuid PRIMARY KEY,
    event_id uuid NOT NULL REFERENCES outreach_events(id) ON DELETE CASCADE,
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id) ON DELETE CASCADE,
    person_name text NOT NULL,
    recorded_by uuid REFERENCES users(id),
    created_at timestamptz NOT NULL,
    UNIQUE (event_id, election_authority_id, person_name)
);
CREATE INDEX event_attendance_by_authority ON event_attendance (election_authority_id);
