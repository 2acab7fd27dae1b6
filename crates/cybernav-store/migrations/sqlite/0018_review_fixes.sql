-- Fixes from the review of the threat-sharing desk (issue 5).
--
-- 1. Instants as fixed-width UTC text. SQLite keeps instants as text, and until now they were
--    written as RFC 3339 with their own offset and without trailing fraction zeros:
--    '…:05.1Z' sorted after '…:05.12Z' ('Z' comes after '2'), '…:05Z' after '…:05.1Z', and
--    '…T12:00:00+02:00' compared as text against '…T10:00:00Z'. From now on every instant is
--    written as 'YYYY-MM-DDTHH:MM:SS.fffffffffZ' (cybernav_core::instant::rfc3339_utc), so
--    text order is time order, the statements below rewrite what is stored in that form
--    (strftime reads the offset and gives the UTC date and time, the fraction keeps its
--    digits, padded to nine). Every column that is timestamptz on PostgreSQL is rewritten.
--    The versions of STIX objects kept as received (stix_objects.modified) are written the
--    same way from now on, so a version imported again is still recognised, a rewrite that
--    would meet an existing row of the same object and version is left as it was.
UPDATE zones SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE partner_orgs SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE partner_orgs SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE election_authorities SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE election_authorities SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE users SET locked_until = strftime('%Y-%m-%dT%H:%M:%S', locked_until) || '.' || substr(CASE WHEN substr(locked_until, 20, 1) = '.'
    THEN substr(locked_until, 21, length(locked_until) - CASE WHEN substr(locked_until, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE locked_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(locked_until) = 30 AND substr(locked_until, -1) = 'Z');
UPDATE users SET last_login_at = strftime('%Y-%m-%dT%H:%M:%S', last_login_at) || '.' || substr(CASE WHEN substr(last_login_at, 20, 1) = '.'
    THEN substr(last_login_at, 21, length(last_login_at) - CASE WHEN substr(last_login_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE last_login_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(last_login_at) = 30 AND substr(last_login_at, -1) = 'Z');
UPDATE users SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE users SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE contacts SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE contacts SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE sessions SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%S', last_seen_at) || '.' || substr(CASE WHEN substr(last_seen_at, 20, 1) = '.'
    THEN substr(last_seen_at, 21, length(last_seen_at) - CASE WHEN substr(last_seen_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE last_seen_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(last_seen_at) = 30 AND substr(last_seen_at, -1) = 'Z');
UPDATE sessions SET expires_at = strftime('%Y-%m-%dT%H:%M:%S', expires_at) || '.' || substr(CASE WHEN substr(expires_at, 20, 1) = '.'
    THEN substr(expires_at, 21, length(expires_at) - CASE WHEN substr(expires_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(expires_at) = 30 AND substr(expires_at, -1) = 'Z');
UPDATE api_tokens SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE api_tokens SET last_used_at = strftime('%Y-%m-%dT%H:%M:%S', last_used_at) || '.' || substr(CASE WHEN substr(last_used_at, 20, 1) = '.'
    THEN substr(last_used_at, 21, length(last_used_at) - CASE WHEN substr(last_used_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE last_used_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(last_used_at) = 30 AND substr(last_used_at, -1) = 'Z');
UPDATE api_tokens SET revoked_at = strftime('%Y-%m-%dT%H:%M:%S', revoked_at) || '.' || substr(CASE WHEN substr(revoked_at, 20, 1) = '.'
    THEN substr(revoked_at, 21, length(revoked_at) - CASE WHEN substr(revoked_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE revoked_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(revoked_at) = 30 AND substr(revoked_at, -1) = 'Z');
UPDATE recovery_codes SET used_at = strftime('%Y-%m-%dT%H:%M:%S', used_at) || '.' || substr(CASE WHEN substr(used_at, 20, 1) = '.'
    THEN substr(used_at, 21, length(used_at) - CASE WHEN substr(used_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE used_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(used_at) = 30 AND substr(used_at, -1) = 'Z');
UPDATE email_links SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE email_links SET expires_at = strftime('%Y-%m-%dT%H:%M:%S', expires_at) || '.' || substr(CASE WHEN substr(expires_at, 20, 1) = '.'
    THEN substr(expires_at, 21, length(expires_at) - CASE WHEN substr(expires_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(expires_at) = 30 AND substr(expires_at, -1) = 'Z');
UPDATE email_links SET used_at = strftime('%Y-%m-%dT%H:%M:%S', used_at) || '.' || substr(CASE WHEN substr(used_at, 20, 1) = '.'
    THEN substr(used_at, 21, length(used_at) - CASE WHEN substr(used_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE used_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(used_at) = 30 AND substr(used_at, -1) = 'Z');
UPDATE audit_log SET occurred_at = strftime('%Y-%m-%dT%H:%M:%S', occurred_at) || '.' || substr(CASE WHEN substr(occurred_at, 20, 1) = '.'
    THEN substr(occurred_at, 21, length(occurred_at) - CASE WHEN substr(occurred_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE occurred_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(occurred_at) = 30 AND substr(occurred_at, -1) = 'Z');
UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE outbox SET next_attempt_at = strftime('%Y-%m-%dT%H:%M:%S', next_attempt_at) || '.' || substr(CASE WHEN substr(next_attempt_at, 20, 1) = '.'
    THEN substr(next_attempt_at, 21, length(next_attempt_at) - CASE WHEN substr(next_attempt_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE next_attempt_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(next_attempt_at) = 30 AND substr(next_attempt_at, -1) = 'Z');
UPDATE outbox SET locked_until = strftime('%Y-%m-%dT%H:%M:%S', locked_until) || '.' || substr(CASE WHEN substr(locked_until, 20, 1) = '.'
    THEN substr(locked_until, 21, length(locked_until) - CASE WHEN substr(locked_until, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE locked_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(locked_until) = 30 AND substr(locked_until, -1) = 'Z');
UPDATE outbox SET sent_at = strftime('%Y-%m-%dT%H:%M:%S', sent_at) || '.' || substr(CASE WHEN substr(sent_at, 20, 1) = '.'
    THEN substr(sent_at, 21, length(sent_at) - CASE WHEN substr(sent_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE sent_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(sent_at) = 30 AND substr(sent_at, -1) = 'Z');
UPDATE outbox SET failed_at = strftime('%Y-%m-%dT%H:%M:%S', failed_at) || '.' || substr(CASE WHEN substr(failed_at, 20, 1) = '.'
    THEN substr(failed_at, 21, length(failed_at) - CASE WHEN substr(failed_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE failed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(failed_at) = 30 AND substr(failed_at, -1) = 'Z');
UPDATE requirement_sets SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE grant_cycles SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE certifications SET received_at = strftime('%Y-%m-%dT%H:%M:%S', received_at) || '.' || substr(CASE WHEN substr(received_at, 20, 1) = '.'
    THEN substr(received_at, 21, length(received_at) - CASE WHEN substr(received_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE received_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(received_at) = 30 AND substr(received_at, -1) = 'Z');
UPDATE authority_facts SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE checked_requirements SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE signing_keys SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE signing_keys SET retired_at = strftime('%Y-%m-%dT%H:%M:%S', retired_at) || '.' || substr(CASE WHEN substr(retired_at, 20, 1) = '.'
    THEN substr(retired_at, 21, length(retired_at) - CASE WHEN substr(retired_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE retired_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(retired_at) = 30 AND substr(retired_at, -1) = 'Z');
UPDATE attestations SET signed_at = strftime('%Y-%m-%dT%H:%M:%S', signed_at) || '.' || substr(CASE WHEN substr(signed_at, 20, 1) = '.'
    THEN substr(signed_at, 21, length(signed_at) - CASE WHEN substr(signed_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE signed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(signed_at) = 30 AND substr(signed_at, -1) = 'Z');
UPDATE icn_circuits SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE icn_circuits SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE icn_allowlist SET added_at = strftime('%Y-%m-%dT%H:%M:%S', added_at) || '.' || substr(CASE WHEN substr(added_at, 20, 1) = '.'
    THEN substr(added_at, 21, length(added_at) - CASE WHEN substr(added_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE added_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(added_at) = 30 AND substr(added_at, -1) = 'Z');
UPDATE icn_protections SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE program_settings SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE grant_allocations SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE navigator_expenditures SET recorded_at = strftime('%Y-%m-%dT%H:%M:%S', recorded_at) || '.' || substr(CASE WHEN substr(recorded_at, 20, 1) = '.'
    THEN substr(recorded_at, 21, length(recorded_at) - CASE WHEN substr(recorded_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE recorded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(recorded_at) = 30 AND substr(recorded_at, -1) = 'Z');
UPDATE grant_awards SET awarded_at = strftime('%Y-%m-%dT%H:%M:%S', awarded_at) || '.' || substr(CASE WHEN substr(awarded_at, 20, 1) = '.'
    THEN substr(awarded_at, 21, length(awarded_at) - CASE WHEN substr(awarded_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE awarded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(awarded_at) = 30 AND substr(awarded_at, -1) = 'Z');
UPDATE reimbursement_claims SET submitted_at = strftime('%Y-%m-%dT%H:%M:%S', submitted_at) || '.' || substr(CASE WHEN substr(submitted_at, 20, 1) = '.'
    THEN substr(submitted_at, 21, length(submitted_at) - CASE WHEN substr(submitted_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE submitted_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(submitted_at) = 30 AND substr(submitted_at, -1) = 'Z');
UPDATE reimbursement_claims SET decided_at = strftime('%Y-%m-%dT%H:%M:%S', decided_at) || '.' || substr(CASE WHEN substr(decided_at, 20, 1) = '.'
    THEN substr(decided_at, 21, length(decided_at) - CASE WHEN substr(decided_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE decided_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(decided_at) = 30 AND substr(decided_at, -1) = 'Z');
UPDATE evidence_files SET uploaded_at = strftime('%Y-%m-%dT%H:%M:%S', uploaded_at) || '.' || substr(CASE WHEN substr(uploaded_at, 20, 1) = '.'
    THEN substr(uploaded_at, 21, length(uploaded_at) - CASE WHEN substr(uploaded_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE uploaded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(uploaded_at) = 30 AND substr(uploaded_at, -1) = 'Z');
UPDATE requirement_notes SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE participation_reminders SET sent_at = strftime('%Y-%m-%dT%H:%M:%S', sent_at) || '.' || substr(CASE WHEN substr(sent_at, 20, 1) = '.'
    THEN substr(sent_at, 21, length(sent_at) - CASE WHEN substr(sent_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE sent_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(sent_at) = 30 AND substr(sent_at, -1) = 'Z');
UPDATE report_cards SET published_at = strftime('%Y-%m-%dT%H:%M:%S', published_at) || '.' || substr(CASE WHEN substr(published_at, 20, 1) = '.'
    THEN substr(published_at, 21, length(published_at) - CASE WHEN substr(published_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE published_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(published_at) = 30 AND substr(published_at, -1) = 'Z');
UPDATE catalogs SET loaded_at = strftime('%Y-%m-%dT%H:%M:%S', loaded_at) || '.' || substr(CASE WHEN substr(loaded_at, 20, 1) = '.'
    THEN substr(loaded_at, 21, length(loaded_at) - CASE WHEN substr(loaded_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE loaded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(loaded_at) = 30 AND substr(loaded_at, -1) = 'Z');
UPDATE catalog_mappings SET loaded_at = strftime('%Y-%m-%dT%H:%M:%S', loaded_at) || '.' || substr(CASE WHEN substr(loaded_at, 20, 1) = '.'
    THEN substr(loaded_at, 21, length(loaded_at) - CASE WHEN substr(loaded_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE loaded_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(loaded_at) = 30 AND substr(loaded_at, -1) = 'Z');
UPDATE assessments SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE assessments SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE assessments SET completed_at = strftime('%Y-%m-%dT%H:%M:%S', completed_at) || '.' || substr(CASE WHEN substr(completed_at, 20, 1) = '.'
    THEN substr(completed_at, 21, length(completed_at) - CASE WHEN substr(completed_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE completed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(completed_at) = 30 AND substr(completed_at, -1) = 'Z');
UPDATE assessments SET validated_at = strftime('%Y-%m-%dT%H:%M:%S', validated_at) || '.' || substr(CASE WHEN substr(validated_at, 20, 1) = '.'
    THEN substr(validated_at, 21, length(validated_at) - CASE WHEN substr(validated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE validated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(validated_at) = 30 AND substr(validated_at, -1) = 'Z');
UPDATE assessment_answers SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE assessment_answer_history SET changed_at = strftime('%Y-%m-%dT%H:%M:%S', changed_at) || '.' || substr(CASE WHEN substr(changed_at, 20, 1) = '.'
    THEN substr(changed_at, 21, length(changed_at) - CASE WHEN substr(changed_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE changed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(changed_at) = 30 AND substr(changed_at, -1) = 'Z');
UPDATE assessment_events SET at = strftime('%Y-%m-%dT%H:%M:%S', at) || '.' || substr(CASE WHEN substr(at, 20, 1) = '.'
    THEN substr(at, 21, length(at) - CASE WHEN substr(at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(at) = 30 AND substr(at, -1) = 'Z');
UPDATE findings SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE findings SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE finding_history SET at = strftime('%Y-%m-%dT%H:%M:%S', at) || '.' || substr(CASE WHEN substr(at, 20, 1) = '.'
    THEN substr(at, 21, length(at) - CASE WHEN substr(at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(at) = 30 AND substr(at, -1) = 'Z');
UPDATE scan_imports SET imported_at = strftime('%Y-%m-%dT%H:%M:%S', imported_at) || '.' || substr(CASE WHEN substr(imported_at, 20, 1) = '.'
    THEN substr(imported_at, 21, length(imported_at) - CASE WHEN substr(imported_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE imported_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(imported_at) = 30 AND substr(imported_at, -1) = 'Z');
UPDATE field_documents SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE field_documents SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE document_reviews SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE field_visits SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE visit_follow_ups SET done_at = strftime('%Y-%m-%dT%H:%M:%S', done_at) || '.' || substr(CASE WHEN substr(done_at, 20, 1) = '.'
    THEN substr(done_at, 21, length(done_at) - CASE WHEN substr(done_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE done_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(done_at) = 30 AND substr(done_at, -1) = 'Z');
UPDATE visit_follow_ups SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE need_to_know_applications SET applied_at = strftime('%Y-%m-%dT%H:%M:%S', applied_at) || '.' || substr(CASE WHEN substr(applied_at, 20, 1) = '.'
    THEN substr(applied_at, 21, length(applied_at) - CASE WHEN substr(applied_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE applied_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(applied_at) = 30 AND substr(applied_at, -1) = 'Z');
UPDATE need_to_know_applications SET decided_at = strftime('%Y-%m-%dT%H:%M:%S', decided_at) || '.' || substr(CASE WHEN substr(decided_at, 20, 1) = '.'
    THEN substr(decided_at, 21, length(decided_at) - CASE WHEN substr(decided_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE decided_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(decided_at) = 30 AND substr(decided_at, -1) = 'Z');
UPDATE need_to_know_applications SET agreement_accepted_at = strftime('%Y-%m-%dT%H:%M:%S', agreement_accepted_at) || '.' || substr(CASE WHEN substr(agreement_accepted_at, 20, 1) = '.'
    THEN substr(agreement_accepted_at, 21, length(agreement_accepted_at) - CASE WHEN substr(agreement_accepted_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE agreement_accepted_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(agreement_accepted_at) = 30 AND substr(agreement_accepted_at, -1) = 'Z');
UPDATE need_to_know_applications SET approved_from = strftime('%Y-%m-%dT%H:%M:%S', approved_from) || '.' || substr(CASE WHEN substr(approved_from, 20, 1) = '.'
    THEN substr(approved_from, 21, length(approved_from) - CASE WHEN substr(approved_from, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE approved_from GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(approved_from) = 30 AND substr(approved_from, -1) = 'Z');
UPDATE need_to_know_applications SET expires_at = strftime('%Y-%m-%dT%H:%M:%S', expires_at) || '.' || substr(CASE WHEN substr(expires_at, 20, 1) = '.'
    THEN substr(expires_at, 21, length(expires_at) - CASE WHEN substr(expires_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(expires_at) = 30 AND substr(expires_at, -1) = 'Z');
UPDATE need_to_know_applications SET renewed_at = strftime('%Y-%m-%dT%H:%M:%S', renewed_at) || '.' || substr(CASE WHEN substr(renewed_at, 20, 1) = '.'
    THEN substr(renewed_at, 21, length(renewed_at) - CASE WHEN substr(renewed_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE renewed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(renewed_at) = 30 AND substr(renewed_at, -1) = 'Z');
UPDATE need_to_know_applications SET revoked_at = strftime('%Y-%m-%dT%H:%M:%S', revoked_at) || '.' || substr(CASE WHEN substr(revoked_at, 20, 1) = '.'
    THEN substr(revoked_at, 21, length(revoked_at) - CASE WHEN substr(revoked_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE revoked_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(revoked_at) = 30 AND substr(revoked_at, -1) = 'Z');
UPDATE need_to_know_applications SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE need_to_know_warnings SET expires_at = strftime('%Y-%m-%dT%H:%M:%S', expires_at) || '.' || substr(CASE WHEN substr(expires_at, 20, 1) = '.'
    THEN substr(expires_at, 21, length(expires_at) - CASE WHEN substr(expires_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE expires_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(expires_at) = 30 AND substr(expires_at, -1) = 'Z');
UPDATE need_to_know_warnings SET sent_at = strftime('%Y-%m-%dT%H:%M:%S', sent_at) || '.' || substr(CASE WHEN substr(sent_at, 20, 1) = '.'
    THEN substr(sent_at, 21, length(sent_at) - CASE WHEN substr(sent_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE sent_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(sent_at) = 30 AND substr(sent_at, -1) = 'Z');
UPDATE intel_sources SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE intel_sources SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE intake_runs SET received_at = strftime('%Y-%m-%dT%H:%M:%S', received_at) || '.' || substr(CASE WHEN substr(received_at, 20, 1) = '.'
    THEN substr(received_at, 21, length(received_at) - CASE WHEN substr(received_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE received_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(received_at) = 30 AND substr(received_at, -1) = 'Z');
UPDATE indicators SET first_seen = strftime('%Y-%m-%dT%H:%M:%S', first_seen) || '.' || substr(CASE WHEN substr(first_seen, 20, 1) = '.'
    THEN substr(first_seen, 21, length(first_seen) - CASE WHEN substr(first_seen, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE first_seen GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(first_seen) = 30 AND substr(first_seen, -1) = 'Z');
UPDATE indicator_reports SET valid_until = strftime('%Y-%m-%dT%H:%M:%S', valid_until) || '.' || substr(CASE WHEN substr(valid_until, 20, 1) = '.'
    THEN substr(valid_until, 21, length(valid_until) - CASE WHEN substr(valid_until, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE valid_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(valid_until) = 30 AND substr(valid_until, -1) = 'Z');
UPDATE stix_objects SET added_at = strftime('%Y-%m-%dT%H:%M:%S', added_at) || '.' || substr(CASE WHEN substr(added_at, 20, 1) = '.'
    THEN substr(added_at, 21, length(added_at) - CASE WHEN substr(added_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE added_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(added_at) = 30 AND substr(added_at, -1) = 'Z');
UPDATE products SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE products SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE products SET submitted_at = strftime('%Y-%m-%dT%H:%M:%S', submitted_at) || '.' || substr(CASE WHEN substr(submitted_at, 20, 1) = '.'
    THEN substr(submitted_at, 21, length(submitted_at) - CASE WHEN substr(submitted_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE submitted_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(submitted_at) = 30 AND substr(submitted_at, -1) = 'Z');
UPDATE products SET approved_at = strftime('%Y-%m-%dT%H:%M:%S', approved_at) || '.' || substr(CASE WHEN substr(approved_at, 20, 1) = '.'
    THEN substr(approved_at, 21, length(approved_at) - CASE WHEN substr(approved_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE approved_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(approved_at) = 30 AND substr(approved_at, -1) = 'Z');
UPDATE products SET published_at = strftime('%Y-%m-%dT%H:%M:%S', published_at) || '.' || substr(CASE WHEN substr(published_at, 20, 1) = '.'
    THEN substr(published_at, 21, length(published_at) - CASE WHEN substr(published_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE published_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(published_at) = 30 AND substr(published_at, -1) = 'Z');
UPDATE products SET withdrawn_at = strftime('%Y-%m-%dT%H:%M:%S', withdrawn_at) || '.' || substr(CASE WHEN substr(withdrawn_at, 20, 1) = '.'
    THEN substr(withdrawn_at, 21, length(withdrawn_at) - CASE WHEN substr(withdrawn_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE withdrawn_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(withdrawn_at) = 30 AND substr(withdrawn_at, -1) = 'Z');
UPDATE product_comments SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE information_needs SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE directory_entries SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE directory_entries SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE outreach_contacts SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE outreach_events SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE event_attendance SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE community_reports SET received_at = strftime('%Y-%m-%dT%H:%M:%S', received_at) || '.' || substr(CASE WHEN substr(received_at, 20, 1) = '.'
    THEN substr(received_at, 21, length(received_at) - CASE WHEN substr(received_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE received_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(received_at) = 30 AND substr(received_at, -1) = 'Z');
UPDATE community_reports SET decided_at = strftime('%Y-%m-%dT%H:%M:%S', decided_at) || '.' || substr(CASE WHEN substr(decided_at, 20, 1) = '.'
    THEN substr(decided_at, 21, length(decided_at) - CASE WHEN substr(decided_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE decided_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(decided_at) = 30 AND substr(decided_at, -1) = 'Z');
UPDATE community_report_objects SET added_at = strftime('%Y-%m-%dT%H:%M:%S', added_at) || '.' || substr(CASE WHEN substr(added_at, 20, 1) = '.'
    THEN substr(added_at, 21, length(added_at) - CASE WHEN substr(added_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE added_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(added_at) = 30 AND substr(added_at, -1) = 'Z');
UPDATE taxii_status SET request_timestamp = strftime('%Y-%m-%dT%H:%M:%S', request_timestamp) || '.' || substr(CASE WHEN substr(request_timestamp, 20, 1) = '.'
    THEN substr(request_timestamp, 21, length(request_timestamp) - CASE WHEN substr(request_timestamp, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE request_timestamp GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(request_timestamp) = 30 AND substr(request_timestamp, -1) = 'Z');
UPDATE digest_runs SET window_start = strftime('%Y-%m-%dT%H:%M:%S', window_start) || '.' || substr(CASE WHEN substr(window_start, 20, 1) = '.'
    THEN substr(window_start, 21, length(window_start) - CASE WHEN substr(window_start, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE window_start GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(window_start) = 30 AND substr(window_start, -1) = 'Z');
UPDATE digest_runs SET window_end = strftime('%Y-%m-%dT%H:%M:%S', window_end) || '.' || substr(CASE WHEN substr(window_end, 20, 1) = '.'
    THEN substr(window_end, 21, length(window_end) - CASE WHEN substr(window_end, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE window_end GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(window_end) = 30 AND substr(window_end, -1) = 'Z');
UPDATE digest_runs SET started_at = strftime('%Y-%m-%dT%H:%M:%S', started_at) || '.' || substr(CASE WHEN substr(started_at, 20, 1) = '.'
    THEN substr(started_at, 21, length(started_at) - CASE WHEN substr(started_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE started_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(started_at) = 30 AND substr(started_at, -1) = 'Z');
UPDATE digest_runs SET finished_at = strftime('%Y-%m-%dT%H:%M:%S', finished_at) || '.' || substr(CASE WHEN substr(finished_at, 20, 1) = '.'
    THEN substr(finished_at, 21, length(finished_at) - CASE WHEN substr(finished_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE finished_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(finished_at) = 30 AND substr(finished_at, -1) = 'Z');
UPDATE digest_sends SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE digest_preferences SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE taxii_feeds SET next_poll_at = strftime('%Y-%m-%dT%H:%M:%S', next_poll_at) || '.' || substr(CASE WHEN substr(next_poll_at, 20, 1) = '.'
    THEN substr(next_poll_at, 21, length(next_poll_at) - CASE WHEN substr(next_poll_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE next_poll_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(next_poll_at) = 30 AND substr(next_poll_at, -1) = 'Z');
UPDATE taxii_feeds SET locked_until = strftime('%Y-%m-%dT%H:%M:%S', locked_until) || '.' || substr(CASE WHEN substr(locked_until, 20, 1) = '.'
    THEN substr(locked_until, 21, length(locked_until) - CASE WHEN substr(locked_until, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE locked_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(locked_until) = 30 AND substr(locked_until, -1) = 'Z');
UPDATE taxii_feeds SET last_polled_at = strftime('%Y-%m-%dT%H:%M:%S', last_polled_at) || '.' || substr(CASE WHEN substr(last_polled_at, 20, 1) = '.'
    THEN substr(last_polled_at, 21, length(last_polled_at) - CASE WHEN substr(last_polled_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE last_polled_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(last_polled_at) = 30 AND substr(last_polled_at, -1) = 'Z');
UPDATE taxii_feeds SET last_success_at = strftime('%Y-%m-%dT%H:%M:%S', last_success_at) || '.' || substr(CASE WHEN substr(last_success_at, 20, 1) = '.'
    THEN substr(last_success_at, 21, length(last_success_at) - CASE WHEN substr(last_success_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE last_success_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(last_success_at) = 30 AND substr(last_success_at, -1) = 'Z');
UPDATE taxii_feeds SET created_at = strftime('%Y-%m-%dT%H:%M:%S', created_at) || '.' || substr(CASE WHEN substr(created_at, 20, 1) = '.'
    THEN substr(created_at, 21, length(created_at) - CASE WHEN substr(created_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(created_at) = 30 AND substr(created_at, -1) = 'Z');
UPDATE taxii_feeds SET updated_at = strftime('%Y-%m-%dT%H:%M:%S', updated_at) || '.' || substr(CASE WHEN substr(updated_at, 20, 1) = '.'
    THEN substr(updated_at, 21, length(updated_at) - CASE WHEN substr(updated_at, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(updated_at) = 30 AND substr(updated_at, -1) = 'Z');
UPDATE stix_objects SET modified = strftime('%Y-%m-%dT%H:%M:%S', modified) || '.' || substr(CASE WHEN substr(modified, 20, 1) = '.'
    THEN substr(modified, 21, length(modified) - CASE WHEN substr(modified, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z'
  WHERE modified GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*' AND NOT (length(modified) = 30 AND substr(modified, -1) = 'Z')
    AND NOT EXISTS (SELECT 1 FROM stix_objects d WHERE d.stix_id = stix_objects.stix_id
      AND d.modified = strftime('%Y-%m-%dT%H:%M:%S', stix_objects.modified) || '.' || substr(CASE WHEN substr(stix_objects.modified, 20, 1) = '.'
        THEN substr(stix_objects.modified, 21, length(stix_objects.modified) - CASE WHEN substr(stix_objects.modified, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z')
    -- Two versions kept as different text for one instant ('…05Z' and '…05.000Z'): only the
    -- first kept is rewritten, the later one stays as it was, so the rewrite never meets
    -- UNIQUE (stix_id, modified).
    AND NOT EXISTS (SELECT 1 FROM stix_objects e WHERE e.stix_id = stix_objects.stix_id
      AND e.seq < stix_objects.seq
      AND e.modified GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]*'
      AND strftime('%Y-%m-%dT%H:%M:%S', e.modified) || '.' || substr(CASE WHEN substr(e.modified, 20, 1) = '.'
        THEN substr(e.modified, 21, length(e.modified) - CASE WHEN substr(e.modified, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z' = strftime('%Y-%m-%dT%H:%M:%S', stix_objects.modified) || '.' || substr(CASE WHEN substr(stix_objects.modified, 20, 1) = '.'
        THEN substr(stix_objects.modified, 21, length(stix_objects.modified) - CASE WHEN substr(stix_objects.modified, -1) = 'Z' THEN 21 ELSE 26 END) ELSE '' END || '000000000', 1, 9) || 'Z');

-- 2. A TAXII feed's lease has an owner: the token of the poll that holds it. The poll renews
--    the lease page by page and writes its position and its end only while the lease is still
--    its own, so a poll slower than the lease that another replica took over stops instead
--    of writing over the other's position.
ALTER TABLE taxii_feeds ADD COLUMN lease_owner BLOB;
