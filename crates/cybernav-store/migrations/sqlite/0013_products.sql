-- Intelligence products of the threat-sharing desk (Part 213.30(a)(4), (6), (7)): notes,
-- bulletins and alerts in a draft -> review -> approved -> published workflow, each paragraph
-- with its own marking (tear-lines), sources, links to indicators and STIX objects, review
-- comments, and each election authority's stated information needs.
-- Markings are stored as their label text (`TLP:AMBER FOUO`); tags and need terms as JSON
-- arrays of strings.
CREATE TABLE products (
    id BLOB PRIMARY KEY,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    tags TEXT NOT NULL,
    base_marking TEXT NOT NULL,
    marking TEXT NOT NULL,
    state TEXT NOT NULL,
    author_id BLOB REFERENCES users(id),
    reviewer_id BLOB REFERENCES users(id),
    approver_id BLOB REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    approved_at TEXT,
    published_at TEXT,
    withdrawn_at TEXT,
    -- The published product this one replaces when it is published.
    supersedes BLOB REFERENCES products(id),
    superseded_by BLOB REFERENCES products(id)
);
CREATE INDEX products_by_state ON products (state, published_at);

CREATE TABLE product_paragraphs (
    product_id BLOB NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    marking TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (product_id, position)
);

CREATE TABLE product_sources (
    product_id BLOB NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    source TEXT NOT NULL,
    PRIMARY KEY (product_id, position)
);

-- `reference` names an indicator (its id, from the indicators table of another migration) or a STIX
-- object id; no foreign key, so products do not depend on that table.
CREATE TABLE product_links (
    product_id BLOB NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('indicator', 'stix')),
    reference TEXT NOT NULL,
    PRIMARY KEY (product_id, kind, reference)
);

-- Review comments and the reasons given with a step (sent back, withdrawn).
CREATE TABLE product_comments (
    id BLOB PRIMARY KEY,
    product_id BLOB NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    author_id BLOB REFERENCES users(id),
    action TEXT,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX product_comments_by_product ON product_comments (product_id, created_at);

CREATE TABLE information_needs (
    election_authority_id BLOB PRIMARY KEY REFERENCES election_authorities(id) ON DELETE CASCADE,
    topics TEXT NOT NULL,
    systems TEXT NOT NULL,
    vendors TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by BLOB REFERENCES users(id)
);
