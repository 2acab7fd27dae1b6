-- Two-way sharing, the Program Manager's side (Part 213.50(a)(2)(B)): what the county's form
-- says was seen, the draft intelligence note a report started, and the sightings a validated
-- report records.
--
-- community_reports.kind: what the person saw, from the county's web form (`phishing`,
-- `suspicious_address`, `malware`, `account_misuse`, `other`); empty for a TAXII POST.
-- community_reports.note_id: the draft intelligence note the Program Manager started from the
-- report when validating it (the note links back to the report's STIX objects).
--
-- indicator_sightings: one row per indicator a validated report names: which authority saw
-- it (never published outside the Board's staff), when first and last, how many times, and
-- the marking of what the report said about it, so a reader is told of a sighting only as
-- that marking allows. The indicator is in intake too, reported by the source "Community
-- reports" under the same marking.
ALTER TABLE community_reports ADD COLUMN kind text;
ALTER TABLE community_reports ADD COLUMN note_id uuid REFERENCES products(id);

CREATE TABLE indicator_sightings (
    indicator_id uuid NOT NULL REFERENCES indicators(id),
    report_id uuid NOT NULL REFERENCES community_reports(id),
    election_authority_id uuid NOT NULL REFERENCES election_authorities(id),
    marking text NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    seen_count bigint NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (indicator_id, report_id)
);
CREATE INDEX indicator_sightings_by_authority ON indicator_sightings (election_authority_id);
CREATE INDEX indicator_sightings_by_time ON indicator_sightings (recorded_at);
