#!/usr/bin/env python3
"""The baseline the STIX ingest benchmark compares against: a straightforward
Python script that parses a STIX bundle and inserts its indicators into SQLite.

It does what an analyst would write in an afternoon: json.load the bundle, pull
simple comparisons out of each pattern with a regular expression, and insert
(type, value) rows de-duplicated by a UNIQUE index plus a row per source
sighting, in one transaction. Run by scripts/bench-stix next to `cybernav
import stix`; see docs/PERFORMANCE.md.

    scripts/bench/stix_reference.py BUNDLE.json DB.sqlite
"""
import json
import re
import sqlite3
import sys

COMPARISON = re.compile(r"\[([a-z0-9-]+):([A-Za-z0-9_.'-]+)\s*=\s*'((?:[^'\\]|\\.)*)'\]")


def main():
    bundle_path, db_path = sys.argv[1], sys.argv[2]
    with open(bundle_path, encoding="utf-8") as f:
        bundle = json.load(f)
    db = sqlite3.connect(db_path)
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS indicator (
            id INTEGER PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL,
            UNIQUE (kind, value));
        CREATE TABLE IF NOT EXISTS indicator_source (
            indicator INTEGER NOT NULL, stix_id TEXT NOT NULL, markings TEXT NOT NULL);
        """
    )
    imported = duplicates = 0
    rejected = []
    with db:
        for obj in bundle.get("objects", []):
            if obj.get("type") != "indicator":
                continue
            found = COMPARISON.findall(obj.get("pattern", ""))
            if not found:
                rejected.append({"id": obj.get("id"), "reason": "pattern"})
                continue
            for kind, prop, value in found:
                key = kind if prop == "value" else "%s:%s" % (kind, prop)
                value = value.lower() if kind in ("domain-name", "file") else value
                cur = db.execute(
                    "INSERT OR IGNORE INTO indicator (kind, value) VALUES (?, ?)", (key, value))
                if cur.rowcount:
                    imported += 1
                    row = cur.lastrowid
                else:
                    duplicates += 1
                    row = db.execute(
                        "SELECT id FROM indicator WHERE kind = ? AND value = ?", (key, value)
                    ).fetchone()[0]
                db.execute(
                    "INSERT INTO indicator_source (indicator, stix_id, markings) VALUES (?, ?, ?)",
                    (row, obj["id"], json.dumps(obj.get("object_marking_refs", []))))
    print(json.dumps({"imported": imported, "duplicates": duplicates, "rejected": rejected}))


if __name__ == "__main__":
    main()
