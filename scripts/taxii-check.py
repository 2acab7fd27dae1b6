#!/usr/bin/env python3
"""Drives cybernav's TAXII 2.1 server with an independent client (OASIS taxii2-client) and
checks what the server publishes with the OASIS STIX validator (stix2-validator).

Usage: taxii-check.py SCENARIO.json

The scenario (written by crates/cybernav-web/tests/taxii.rs) gives the server's discovery URL
and, per account, its API token and what it must and must not receive. Prints one JSON report
on stdout; exits 1 on the first failed check (with the reason on stderr), 2 when the tools are
missing (scripts/setup installs them), 0 when every check passed.
"""

import json
import sys

try:
    import requests
    from stix2validator import ValidationOptions, validate_instance
    from taxii2client.v21 import Server, as_pages
except ImportError as e:  # noqa: BLE001
    print(f"taxii-check: a tool is missing ({e}); run scripts/setup", file=sys.stderr)
    sys.exit(2)

MEDIA = "application/taxii+json;version=2.1"


class Bearer(requests.auth.AuthBase):
    def __init__(self, token):
        self.token = token

    def __call__(self, r):
        r.headers["Authorization"] = f"Bearer {self.token}"
        return r


def fail(msg):
    print(f"taxii-check: FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def collection_by_title(api_root, title):
    for c in api_root.collections:
        if c.title == title:
            return c
    return None


def validate(objects):
    """Validates each object with stix2-validator; returns the error messages."""
    opts = ValidationOptions(version="2.1", strict=False)
    errors = []
    for o in objects:
        res = validate_instance(o, opts)
        if not res.is_valid:
            for e in res.errors:
                errors.append(f"{o.get('id')}: {e}")
    return errors


def main():
    scenario = json.load(open(sys.argv[1]))
    # The validator is live: a broken indicator is reported as an error.
    check(validate([{"type": "indicator", "spec_version": "2.1", "id": "indicator--x"}]),
          "stix2-validator accepted a broken indicator")
    url = scenario["discovery"]
    report = {}

    # An unknown token is refused with 401 and a TAXII error.
    r = requests.get(url, headers={"Accept": MEDIA, "Authorization": "Bearer cnv_not_a_token"})
    check(r.status_code == 401, f"bad token: status {r.status_code}")
    check(r.json().get("http_status") == "401", f"bad token: body {r.text}")
    report["bad_token"] = r.status_code

    for who in scenario["accounts"]:
        name = who["name"]
        # Basic for one account (the token as password), Bearer for the others.
        if who.get("basic"):
            server = Server(url, user="taxii", password=who["token"])
        else:
            server = Server(url, auth=Bearer(who["token"]))
        check(server.title, f"{name}: discovery has no title")
        api_root = server.default
        check(api_root is not None, f"{name}: no default API root")
        titles = sorted(c.title for c in api_root.collections)
        check(titles == sorted(who["collections"]), f"{name}: collections {titles}")

        board = collection_by_title(api_root, "Board indicators")
        seen = []
        pages = 0
        for envelope in as_pages(board.get_objects, per_request=who["page_size"]):
            pages += 1
            seen.extend(envelope.get("objects", []))
        ids = [o["id"] for o in seen]
        check(len(ids) == len(set(ids)), f"{name}: paging repeated objects")
        values = sorted(
            o["pattern"] for o in seen if o["type"] == "indicator"
        )
        for must in who["must_see"]:
            check(any(must in p for p in values), f"{name}: does not receive {must}")
        for never in who["must_not_see"]:
            check(not any(never in p for p in values), f"{name}: receives {never}")
        check(
            sum(1 for o in seen if o["type"] == "indicator") == who["indicator_count"],
            f"{name}: {sum(1 for o in seen if o['type'] == 'indicator')} indicators, expected {who['indicator_count']}",
        )
        check(pages >= who["min_pages"], f"{name}: {pages} pages, expected at least {who['min_pages']}")

        # Everything received validates as STIX 2.1.
        errors = validate(seen)
        check(not errors, f"{name}: stix2-validator: {errors[:5]}")

        # added_after: the last object's date added leaves nothing after it.
        manifest = board.get_manifest(limit=1000)
        check(manifest.get("objects"), f"{name}: empty manifest")
        check(not manifest.get("more"), f"{name}: manifest of every object has more")
        check(len(manifest["objects"]) == len(seen), f"{name}: manifest and objects differ")
        last_added = max(m["date_added"] for m in manifest["objects"])
        first_added = min(m["date_added"] for m in manifest["objects"])
        after_all = board.get_objects(added_after=last_added)
        check(not after_all.get("objects"), f"{name}: objects added after the last one")
        # The Board's identity was added first: added_after that instant leaves it out and
        # keeps the rest of the first page.
        check(manifest["objects"][0]["date_added"] == first_added, f"{name}: manifest order")
        after_first = board.get_objects(added_after=first_added, limit=1000)
        check(
            not any(o["type"] == "identity" for o in after_first.get("objects", [])),
            f"{name}: added_after returned an object added at that instant",
        )
        check(after_first.get("objects"), f"{name}: added_after returned nothing")

        # match filters.
        only_ind = board.get_objects(type="indicator", limit=5)
        check(all(o["type"] == "indicator" for o in only_ind["objects"]), f"{name}: match[type]")
        one = only_ind["objects"][0]
        by_id = board.get_objects(id=one["id"])
        check([o["id"] for o in by_id["objects"]] == [one["id"]], f"{name}: match[id]")
        check(
            board.get_objects(id=one["id"], version=one["modified"])["objects"][0]["id"] == one["id"],
            f"{name}: match[version] timestamp",
        )
        check(
            board.get_objects(id=one["id"], version="first")["objects"],
            f"{name}: match[version]=first",
        )
        check(
            not board.get_objects(spec_version="2.0").get("objects"),
            f"{name}: match[spec_version]=2.0 gave objects",
        )
        got = board.get_object(one["id"])
        check(got["objects"][0]["id"] == one["id"], f"{name}: get object")
        versions = board.object_versions(one["id"])
        check(versions["versions"] == [one["modified"]], f"{name}: versions {versions}")

        # The shared collection pages too, and what it releases validates.
        shared = collection_by_title(api_root, "Shared with the program")
        shared_objs = []
        for envelope in as_pages(shared.get_objects, per_request=2):
            shared_objs.extend(envelope.get("objects", []))
        for never in who.get("must_not_see_shared", []):
            check(not any(o["id"] == never for o in shared_objs), f"{name}: shared releases {never}")
        for must in who.get("must_see_shared", []):
            check(any(o["id"] == must for o in shared_objs), f"{name}: shared lacks {must}")

        entry = {
            "indicators": sum(1 for o in seen if o["type"] == "indicator"),
            "objects": len(seen),
            "pages": pages,
            "shared": len(shared_objs),
        }

        # POST to the reports collection, then its status.
        post = who.get("post")
        if post:
            reports = collection_by_title(api_root, "Reports to the Board")
            check(reports is not None and reports.can_write, f"{name}: reports not writable")
            status = reports.add_objects(json.dumps({"objects": post["objects"]}))
            check(status.status == "complete", f"{name}: status {status.status}")
            check(status.success_count == post["successes"], f"{name}: successes {status.success_count}")
            check(status.failure_count == post["failures"], f"{name}: failures {status.failure_count}")
            for f in status.failures:
                check(f.get("message"), f"{name}: failure without a reason: {f}")
            status.refresh()
            check(status.total_count == post["successes"] + post["failures"], f"{name}: status after refresh")
            entry["status_id"] = status.id
            entry["failures"] = status.failures
        report[name] = entry

    print(json.dumps(report))


if __name__ == "__main__":
    main()
