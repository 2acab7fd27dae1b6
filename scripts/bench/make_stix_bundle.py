#!/usr/bin/env python3
"""Write a synthetic STIX 2.1 bundle of N indicators for the ingest benchmark.

The shapes are those real feeds send (CISA AIS, vendor feeds): one identity,
the TLP 2.0 marking references, and indicators whose patterns are a single
comparison, with a share of OR-ed ones and a share of repeats so the
de-duplication path is exercised. Deterministic for a given N and seed.

    scripts/bench/make_stix_bundle.py --count 1000000 --out /tmp/stix-1m.json
"""
import argparse
import json
import random
import uuid

TLP_GREEN = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
TLP_AMBER = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
NS = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")


def pattern(rng, i):
    kind = i % 5
    if kind == 0:
        return "[ipv4-addr:value = '%d.%d.%d.%d']" % (
            rng.randrange(1, 224), rng.randrange(256), rng.randrange(256), rng.randrange(1, 255))
    if kind == 1:
        return "[domain-name:value = 'host%d.example-%d.net']" % (i, rng.randrange(1000))
    if kind == 2:
        return "[url:value = 'http://bad%d.example.org/path/%d']" % (i, rng.randrange(10**6))
    if kind == 3:
        return "[file:hashes.'SHA-256' = '%064x']" % rng.getrandbits(256)
    return "[ipv4-addr:value = '198.51.%d.%d'] OR [domain-name:value = 'alt%d.example.com']" % (
        rng.randrange(256), rng.randrange(256), i)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=1_000_000)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=213)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    identity = "identity--" + str(uuid.uuid5(NS, "bench-feed"))
    with open(args.out, "w", encoding="utf-8") as f:
        f.write('{"type":"bundle","id":"bundle--%s","objects":[' % uuid.uuid5(NS, "bundle-%d" % args.count))
        f.write(json.dumps({
            "type": "identity", "spec_version": "2.1", "id": identity,
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "name": "Benchmark feed", "identity_class": "organization"}))
        repeat = []
        for i in range(args.count):
            # One in twenty indicators repeats an earlier pattern under a new id,
            # as overlapping feeds do.
            if repeat and i % 20 == 19:
                pat = rng.choice(repeat)
            else:
                pat = pattern(rng, i)
                if len(repeat) < 10_000:
                    repeat.append(pat)
            obj = {
                "type": "indicator", "spec_version": "2.1",
                "id": "indicator--" + str(uuid.uuid5(NS, "ind-%d" % i)),
                "created_by_ref": identity,
                "created": "2026-03-01T12:00:00.000Z", "modified": "2026-03-01T12:00:00.000Z",
                "indicator_types": ["malicious-activity"],
                "pattern": pat, "pattern_type": "stix", "valid_from": "2026-03-01T12:00:00Z",
                "object_marking_refs": [TLP_GREEN if i % 3 else TLP_AMBER],
            }
            f.write(",")
            f.write(json.dumps(obj, separators=(",", ":")))
        f.write("]}\n")


if __name__ == "__main__":
    main()
