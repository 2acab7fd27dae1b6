-- Fixes from the review of the threat-sharing desk (issue 5).
--
-- 1. The versions of STIX objects kept as received (stix_objects.modified, text) are written
--    from now on as fixed-width UTC text, 'YYYY-MM-DDTHH:MM:SS.fffffffffZ'
--    (cybernav_core::instant::rfc3339_utc), as on SQLite, the versions stored before are
--    rewritten in that form so that a version imported again is still recognised. A rewrite
--    that would meet an existing row of the same object and version, or another row rewritten to
--    the same version, is left as it was.
--    (Instants in timestamptz columns are unaffected: PostgreSQL compares them as instants.)
UPDATE stix_objects o
SET modified = to_char((regexp_replace(o.modified, '\.[0-9]+', ''))::timestamptz AT TIME ZONE 'UTC',
                       'YYYY-MM-DD"T"HH24:MI:SS')
               || '.' || rpad(coalesce(substring(o.modified from '\.([0-9]+)'), ''), 9, '0') || 'Z'
WHERE o.modified ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$'
  AND o.modified !~ '^.{19}\.[0-9]{9}Z$'
  AND NOT EXISTS (
    SELECT 1 FROM stix_objects d
    WHERE d.stix_id = o.stix_id
      AND d.modified = to_char((regexp_replace(o.modified, '\.[0-9]+', ''))::timestamptz AT TIME ZONE 'UTC',
                               'YYYY-MM-DD"T"HH24:MI:SS')
                       || '.' || rpad(coalesce(substring(o.modified from '\.([0-9]+)'), ''), 9, '0') || 'Z')
  -- Two versions kept as different text for one instant ('…05Z' and '…05.000Z'): only the
  -- first kept is rewritten, the later one stays as it was, so the rewrite never meets
  -- UNIQUE (stix_id, modified). (CASE: only well-formed text is cast.)
  AND NOT EXISTS (
    SELECT 1 FROM stix_objects e
    WHERE e.stix_id = o.stix_id AND e.seq < o.seq
      AND CASE WHEN e.modified ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$' THEN
            to_char((regexp_replace(e.modified, '\.[0-9]+', ''))::timestamptz AT TIME ZONE 'UTC',
                               'YYYY-MM-DD"T"HH24:MI:SS')
                       || '.' || rpad(coalesce(substring(e.modified from '\.([0-9]+)'), ''), 9, '0') || 'Z'
          END = to_char((regexp_replace(o.modified, '\.[0-9]+', ''))::timestamptz AT TIME ZONE 'UTC',
                               'YYYY-MM-DD"T"HH24:MI:SS')
                       || '.' || rpad(coalesce(substring(o.modified from '\.([0-9]+)'), ''), 9, '0') || 'Z');

-- 2. A TAXII feed's lease has an owner: the token of the poll that holds it. The poll renews
--    the lease page by page and writes its position and its end only while the lease is still
--    its own, so a poll slower than the lease that another replica took over stops instead
--    of writing over the other's position.
ALTER TABLE taxii_feeds ADD COLUMN lease_owner uuid;
