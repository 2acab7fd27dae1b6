-- When a person last asked for a poll of a feed (Poll now, or turning the feed on). A poll
-- that ends after such a request, made while it ran, keeps the feed due instead of putting it
-- back on its schedule, so the request is not lost.
ALTER TABLE taxii_feeds ADD COLUMN poll_requested_at timestamptz;
