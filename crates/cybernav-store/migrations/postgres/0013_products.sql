-- Intelligence products of the threat-sharing desk (Part 213.30(a)(4), (6), (7)): notes,
-- bulletins and alerts in a draft -> review -> approved -> published workflow, each paragraph
-- with its own marking (tear-lines), sources, links to indicators and STIX objects, review
-- comments, and each election authority's stated information needs.
-- Markings are stored as their label text (`TLP:AMBER FOUO`); tags and need terms as JSON
-- arrays of strings.
CREATE TABLE products (
    id uuid PRIMARY KEY,
    kind text NOT NULL,
    title text NOT NULL,
    summary text NOT NULL,
    tags text NOT NULL,
    base_marking text NOT NULL,
    marking text NOT NULL,
    state text NOT NULL,
    author_id uuid REFERENCES users(id),
    reviewer_id uuid REFERENCES users(id),
    approver_id uuid REFERENCES users(id),
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    submitted_at timestamptz,
    approved_at timestamptz,
    published_at timestamptz,
    withdrawn_at timestamptz,
    -- The published product this one replaces when it is published.
    supersedes uuid REFERENCES products(id),
    superseded_by uuid REFERENCES products(id)
);
CREATE INDEX products_by_state ON products (state, published_at);

CREATE TABLE product_paragraphs (
    product_id uuid NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    position integer NOT NULL,
    marking text NOT NULL,
    body text NOT NULL,
    PRIMARY KEY (product_id, position)
);

CREATE TABLE product_sources (
    product_id uuid NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    position integer NOT NULL,
    source text NOT NULL,
    PRIMARY KEY (product_id, position)
);

-- `reference` names an indicator (its id, from the indicators table of another migration) or a STIX
-- object id; no foreign key, so products do not depend on that table.
CREATE TABLE product_links (
    product_id uuid NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('indicator', 'stix')),
    reference text NOT NULL,
    PRIMARY KEY (product_id, kind, reference)
);

-- Review comments and the reasons given with a step (sent back, withdrawn).
CREATE TABLE product_comments (
    id uuid PRIMARY KEY,
    product_id uuid NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    author_id uuid REFERENCES users(id),
    action text,
    body text NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX product_comments_by_product ON product_comments (product_id, created_at);

CREATE TABLE information_needs (
    election_authority_id uuid PRIMARY KEY REFERENCES election_authorities(id) ON DELETE CASCADE,
    topics text NOT NULL,
    systems text NOT NULL,
    vendors text NOT NULL,
    updated_at timestamptz NOT NULL,
    updated_by uuid REFERENCES users(id)
);
