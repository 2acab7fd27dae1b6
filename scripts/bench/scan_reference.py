#!/usr/bin/env python3
"""The baseline the scan benchmark compares `cybernav scan --format eve` against:
a plain Python scanner that reads indicator lists and a Suricata EVE JSON log
and prints one JSON line per sighting, with the same matching rules.

Nothing clever: sets, the ipaddress module, longest-prefix match as a set of
network numbers per prefix length checked from longest to shortest, longest
domain suffix at a label boundary. It uses orjson to parse when installed
(pip install orjson) and the json module otherwise; scripts/bench-scan reports
which. Its output is the oracle the benchmark checks ours against.

    scripts/bench/scan_reference.py --indicators ips.txt cidrs.txt ... [--stats S.json] eve.json

Matching, per field of each record (the field name is what is reported):
  src_ip, dest_ip                      address: exact match first, else longest prefix
  dns.rrname, dns.queries.rrname,      domain: lower-cased, one trailing dot stripped,
  dns.answers.rrname, tls.sni,           longest listed suffix at a label boundary
  quic.sni, http.hostname
  dns.answers.rdata, dns.grouped.<T>   (T: A AAAA CNAME PTR MX NS SRV) an address if it parses as one, else a domain
  http.url                             URL key lower(hostname) + url, only with a hostname;
                                         the value reported is hostname + url as found
  fileinfo.md5/.sha1/.sha256           lower-case hex, each against its own list
A (field, value) pair is reported once per record even if the value appears
there twice (as dns.answers.rrname does for each A record of a name). A blank
line is skipped; any other line that is not a JSON object (truncated, not
UTF-8) is a bad line, counted and skipped; records counts the objects.
"""
import argparse
import ipaddress
import sys
import time

try:
    import orjson

    loads = orjson.loads
    PARSER = "orjson"

    def dumps(obj):
        return orjson.dumps(obj) + b"\n"
except ImportError:  # pragma: no cover - the bench installs orjson when it can
    import json

    loads = json.loads
    PARSER = "json"

    def dumps(obj):
        return (json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n").encode()

HEX = set("0123456789abcdef")
HASH_KINDS = {32: "md5", 40: "sha1", 64: "sha256"}


def parse_ip(s):
    """An IPv4Address or IPv6Address, or None. Zone ids (fe80::1%eth0) are not addresses here."""
    if "%" in s:
        return None
    try:
        if ":" in s:
            return ipaddress.IPv6Address(s)
        return ipaddress.IPv4Address(s)
    except ValueError:
        return None


def url_host(host):
    """Lower-case a URL host and drop a default port (:80, :443)."""
    host = host.lower()
    for port in (":80", ":443"):
        if host.endswith(port):
            return host[: -len(port)]
    return host


def url_key(url):
    """http://Host:80/p?q -> host/p?q (scheme ignored, path and query as given)."""
    rest = url.split("://", 1)[1]
    cut = len(rest)
    for sep in "/?#":
        i = rest.find(sep)
        if i >= 0:
            cut = min(cut, i)
    return url_host(rest[:cut]) + rest[cut:]


def normalise_url(url):
    """The URL as the desk stores it: scheme and host lower-cased, the rest as given."""
    scheme, rest = url.split("://", 1)
    cut = len(rest)
    for sep in "/?#":
        i = rest.find(sep)
        if i >= 0:
            cut = min(cut, i)
    return scheme.lower() + "://" + rest[:cut].lower() + rest[cut:]


class Indicators:
    def __init__(self):
        self.exact = {4: set(), 6: set()}  # int(address)
        self.nets = {4: {}, 6: {}}  # prefix length -> set of int(network) >> host bits
        self.bits = {4: 32, 6: 128}
        self.lens = {4: [], 6: []}
        self.domains = set()
        self.urls = {}  # url key -> the URL as normalised (scheme and host lower-cased)
        self.hashes = {"md5": set(), "sha1": set(), "sha256": set()}

    def add(self, value):
        if "://" in value:
            self.urls.setdefault(url_key(value), normalise_url(value))
            return
        if "/" in value:
            try:
                net = ipaddress.ip_network(value, strict=False)
            except ValueError:
                net = None
            if net is not None:
                if net.prefixlen == net.max_prefixlen:
                    self.exact[net.version].add(int(net.network_address))
                else:
                    host_bits = net.max_prefixlen - net.prefixlen
                    self.nets[net.version].setdefault(net.prefixlen, set()).add(
                        int(net.network_address) >> host_bits)
                return
        ip = parse_ip(value)
        if ip is not None:
            self.exact[ip.version].add(int(ip))
            return
        low = value.lower()
        if len(low) in HASH_KINDS and set(low) <= HEX:
            self.hashes[HASH_KINDS[len(low)]].add(low)
            return
        if low.endswith("."):
            low = low[:-1]
        if low:
            self.domains.add(low)

    def finish(self):
        for v in (4, 6):
            self.lens[v] = sorted(self.nets[v], reverse=True)

    def count(self):
        return (sum(len(s) for s in self.exact.values())
                + sum(len(s) for n in self.nets.values() for s in n.values())
                + len(self.domains) + len(self.urls) + sum(len(s) for s in self.hashes.values()))

    def match_ip(self, ip):
        """The matching indicator as ipaddress prints it, or None."""
        n = int(ip)
        v = ip.version
        if n in self.exact[v]:
            return str(ip)
        bits = self.bits[v]
        for length in self.lens[v]:
            if (n >> (bits - length)) in self.nets[v][length]:
                net = (n >> (bits - length)) << (bits - length)
                return str(ipaddress.ip_network((net, length)))
        return None

    def match_domain(self, value):
        d = value.lower()
        if d.endswith("."):
            d = d[:-1]
        while d:
            if d in self.domains:
                return d
            i = d.find(".")
            if i < 0:
                return None
            d = d[i + 1:]
        return None

    def match_ip_or_domain(self, value):
        ip = parse_ip(value)
        if ip is not None:
            return self.match_ip(ip)
        return self.match_domain(value)


def load(paths):
    ind = Indicators()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            for line in f:
                value = line.strip()
                if value and not value.startswith("#"):
                    ind.add(value)
    ind.finish()
    return ind


def candidates(rec):
    """(field, value, kind) for every string the rules look at, kind one of ip, domain, ip_or_domain, url, md5..."""
    out = []
    for field in ("src_ip", "dest_ip"):
        v = rec.get(field)
        if isinstance(v, str):
            out.append((field, v, "ip"))
    dns = rec.get("dns")
    if isinstance(dns, dict):
        v = dns.get("rrname")
        if isinstance(v, str):
            out.append(("dns.rrname", v, "domain"))
        queries = dns.get("queries")
        if isinstance(queries, list):
            for q in queries:
                if isinstance(q, dict) and isinstance(q.get("rrname"), str):
                    out.append(("dns.queries.rrname", q["rrname"], "domain"))
        answers = dns.get("answers")
        if isinstance(answers, list):
            for a in answers:
                if isinstance(a, dict):
                    if isinstance(a.get("rrname"), str):
                        out.append(("dns.answers.rrname", a["rrname"], "domain"))
                    if isinstance(a.get("rdata"), str):
                        out.append(("dns.answers.rdata", a["rdata"], "ip_or_domain"))
        grouped = dns.get("grouped")
        if isinstance(grouped, dict):
            for rrtype, values in grouped.items():
                # The answer types that carry addresses and names (not TXT and the like).
                if rrtype in GROUPED_TYPES and isinstance(values, list):
                    for v in values:
                        if isinstance(v, str):
                            out.append(("dns.grouped." + rrtype, v, "ip_or_domain"))
    for obj, field in (("tls", "tls.sni"), ("quic", "quic.sni")):
        o = rec.get(obj)
        if isinstance(o, dict) and isinstance(o.get("sni"), str):
            out.append((field, o["sni"], "domain"))
    http = rec.get("http")
    if isinstance(http, dict):
        host = http.get("hostname")
        if isinstance(host, str):
            out.append(("http.hostname", host, "domain"))
            url = http.get("url")
            if isinstance(url, str):
                out.append(("http.url", host + url, "url"))
    fileinfo = rec.get("fileinfo")
    if isinstance(fileinfo, dict):
        for kind in ("md5", "sha1", "sha256"):
            v = fileinfo.get(kind)
            if isinstance(v, str):
                out.append(("fileinfo." + kind, v, kind))
    return out


GROUPED_TYPES = {"A", "AAAA", "CNAME", "PTR", "MX", "NS", "SRV"}


def match(ind, rec, field, value, kind):
    if kind == "ip":
        ip = parse_ip(value)
        return ind.match_ip(ip) if ip is not None else None
    if kind == "domain":
        return ind.match_domain(value)
    if kind == "ip_or_domain":
        return ind.match_ip_or_domain(value)
    if kind == "url":
        host = rec["http"]["hostname"]
        key = url_host(host) + value[len(host):]
        return ind.urls.get(key)
    low = value.lower()
    return low if low in ind.hashes[kind] else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--indicators", nargs="+", required=True, metavar="FILE")
    ap.add_argument("--stats", metavar="FILE", help="write counts and timings as JSON here")
    ap.add_argument("log", nargs="?", metavar="LOG")
    args = ap.parse_args()
    if args.log is None:  # `--indicators a b LOG`: argparse gives LOG to --indicators
        if len(args.indicators) < 2:
            ap.error("need at least one indicator file and a log")
        args.log = args.indicators.pop()

    t0 = time.perf_counter()
    ind = load(args.indicators)
    t1 = time.perf_counter()

    records = bad = hits = nbytes = 0
    out = sys.stdout.buffer
    pending = []
    with open(args.log, "rb") as f:
        for line_no, line in enumerate(f, 1):
            nbytes += len(line)
            if not line.strip():
                continue
            try:
                rec = loads(line)
            except ValueError:  # orjson.JSONDecodeError and json's both are ValueErrors
                bad += 1
                continue
            if not isinstance(rec, dict):
                bad += 1
                continue
            records += 1
            seen = set()
            for field, value, kind in candidates(rec):
                if (field, value) in seen:
                    continue
                seen.add((field, value))
                m = match(ind, rec, field, value, kind)
                if m is not None:
                    hits += 1
                    pending.append(dumps({"kind": "indicator", "file": args.log, "line": line_no,
                                          "field": field, "value": value, "match": m}))
                    if len(pending) >= 4096:
                        out.write(b"".join(pending))
                        pending.clear()
    out.write(b"".join(pending))
    out.flush()
    t2 = time.perf_counter()

    print(f"scan_reference ({PARSER}): {records} records, {nbytes / 1e6:.1f} MB, {hits} hits, {bad} bad lines, "
          f"load {t1 - t0:.1f} s, scan {t2 - t1:.1f} s ({nbytes / 1e6 / max(t2 - t1, 1e-9):.1f} MB/s)",
          file=sys.stderr)
    if args.stats:
        import json

        with open(args.stats, "w") as s:
            json.dump({"records": records, "bytes": nbytes, "hits": hits, "bad_lines": bad,
                       "scan_seconds": round(t2 - t1, 3), "load_seconds": round(t1 - t0, 3),
                       "indicators": ind.count(), "parser": PARSER}, s)
            s.write("\n")


if __name__ == "__main__":
    main()
