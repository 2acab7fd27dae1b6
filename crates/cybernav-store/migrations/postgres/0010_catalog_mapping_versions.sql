-- Catalog mappings name the catalog *version* at both ends. Item ids are the publisher's and a
-- publisher may reuse an id for a different item (1.A is Asset Inventory in CISA CPG 1.0.1 and
-- Establish Cybersecurity Responsibilities in CPG 2.0), and CPG 1.0.1 -> 2.0 maps one catalog id
-- to itself. Every row stored before this migration came from the shipped CPG-to-CSF file, written
-- for the earliest loaded version of each catalog (cisa-cpg 1.0.1, nist-csf 2.0); the rows keep
-- that version and their load time.
ALTER TABLE catalog_mappings
    ADD COLUMN from_version text NOT NULL DEFAULT '',
    ADD COLUMN to_version text NOT NULL DEFAULT '';

UPDATE catalog_mappings m
SET from_version = COALESCE((SELECT MIN(c.version) FROM catalogs c WHERE c.id = m.from_catalog), ''),
    to_version = COALESCE((SELECT MIN(c.version) FROM catalogs c WHERE c.id = m.to_catalog), '');

ALTER TABLE catalog_mappings
    ALTER COLUMN from_version DROP DEFAULT,
    ALTER COLUMN to_version DROP DEFAULT,
    DROP CONSTRAINT catalog_mappings_pkey,
    ADD PRIMARY KEY (from_catalog, from_version, from_item, to_catalog, to_version, to_item);

-- The links into a catalog version (the primary key serves the links out of it).
CREATE INDEX catalog_mappings_into ON catalog_mappings (to_catalog, to_version);
