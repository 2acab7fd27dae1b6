-- Catalog mappings name the catalog *version* at both ends. Item ids are the publisher's and a
-- publisher may reuse an id for a different item (1.A is Asset Inventory in CISA CPG 1.0.1 and
-- Establish Cybersecurity Responsibilities in CPG 2.0), and CPG 1.0.1 -> 2.0 maps one catalog id
-- to itself. Every row stored before this migration came from the shipped CPG-to-CSF file, written
-- for the earliest loaded version of each catalog (cisa-cpg 1.0.1, nist-csf 2.0); the rows keep
-- that version and their load time.
CREATE TABLE catalog_mappings_versioned (
    from_catalog text NOT NULL,
    from_version text NOT NULL,
    from_item text NOT NULL,
    to_catalog text NOT NULL,
    to_version text NOT NULL,
    to_item text NOT NULL,
    relationship text NOT NULL,
    loaded_at TEXT NOT NULL,
    PRIMARY KEY (from_catalog, from_version, from_item, to_catalog, to_version, to_item)
);

INSERT INTO catalog_mappings_versioned
    (from_catalog, from_version, from_item, to_catalog, to_version, to_item, relationship, loaded_at)
SELECT m.from_catalog,
       COALESCE((SELECT MIN(c.version) FROM catalogs c WHERE c.id = m.from_catalog), ''),
       m.from_item,
       m.to_catalog,
       COALESCE((SELECT MIN(c.version) FROM catalogs c WHERE c.id = m.to_catalog), ''),
       m.to_item,
       m.relationship,
       m.loaded_at
FROM catalog_mappings m;

DROP TABLE catalog_mappings;
ALTER TABLE catalog_mappings_versioned RENAME TO catalog_mappings;

-- The links into a catalog version (the primary key serves the links out of it).
CREATE INDEX catalog_mappings_into ON catalog_mappings (to_catalog, to_version);
