#!/usr/bin/env python3
"""Write synthetic indicator lists and a Suricata EVE JSON log for the scan benchmark.

Indicators (one value a line, `#` comments and blank lines allowed):
  ips.txt      1,000,000 addresses (95% public IPv4, 5% IPv6 in 2000::/3)
  cidrs.txt    100,000 networks (IPv4 /8../30, mostly /16../28; 5% IPv6 /32../64),
               a few percent nested inside others so longest-prefix match matters
  domains.txt  1,000,000 names, 2 to 4 labels, a few percent parents of others
  urls.txt     10,000 URLs;  hashes.txt  10,000 each of md5, sha1 and sha256
The log, eve.json, is about --mb megabytes of one-line EVE events in the mix a
sensor at a county office writes (flow, dns, tls, http, alert, fileinfo, a few
anomaly/ssh/quic). Background addresses and names are drawn from pools that hit
no indicator; about 0.1% of events carry a planted indicator (an address, an
address inside a network, a domain or a subdomain of one, a URL, a hash), so a
scan finds thousands of hits. A few decoys (notevil.example beside evil.example,
the address just outside a network, a hash one digit off) must not match; they
are listed in decoys.txt, and the planted sightings in planted.tsv
(line, field, value), for checking a scanner by hand. A few truncated lines
stand in for a sensor killed mid-write. Deterministic for given --mb and --seed.

    scripts/bench/make_scan_data.py --out /tmp/scan --mb 1000 [--seed 1]
"""
import argparse
import ipaddress
import os
import random
import sys
import time

TLDS = (["com"] * 30 + ["net"] * 10 + ["org"] * 8 + ["info"] * 4 + ["ru"] * 6 + ["cn"] * 4
        + ["xyz"] * 5 + ["top"] * 5 + ["io"] * 3 + ["us"] * 3 + ["gov"] + ["biz"] * 2
        + ["online"] * 2 + ["site"] * 2 + ["club"] + ["de"] * 2 + ["uk"] + ["co"] * 2
        + ["me"] + ["tk"] * 2 + ["su"] + ["pw"] + ["cc"] + ["ws"] + ["app"] + ["shop"])
SYLLABLES = ("ba be bi bo bu ca co cu da de di do du fa fe fi fo ga ge go gu ha he hi ho"
             " ja jo ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi"
             " po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo wa we wi xa"
             " xo ya yo za ze zi zo an en in on un ar er or ex ix ul el al st tr pr cl gr"
             " sh ch th ph qu").split()
WORDS = ("secure update login account verify mail cdn static api auth portal cloud"
         " service online support billing office docs drive file share sync data web"
         " app mobile pay bank track stat metric tele link click promo free gift win"
         " admin panel host node srv edge proxy vpn dns gate net sys soft ware micro"
         " apple google amazon paypal chase wells fargo outlook live office365").split()
BENIGN_BASES = """google.com googleapis.com gstatic.com youtube.com ytimg.com googlevideo.com
doubleclick.net google-analytics.com googletagmanager.com microsoft.com windows.com
windowsupdate.com office.com office365.com office.net live.com outlook.com msn.com bing.com
microsoftonline.com azure.com azureedge.net trafficmanager.net skype.com teams.microsoft.com
apple.com icloud.com mzstatic.com amazon.com amazonaws.com cloudfront.net akamai.net
akamaiedge.net akamaized.net edgekey.net edgesuite.net cloudflare.com cloudflare.net
fastly.net facebook.com fbcdn.net instagram.com twitter.com twimg.com linkedin.com
zoom.us slack.com dropbox.com box.com adobe.com digicert.com letsencrypt.org sectigo.com
github.com githubusercontent.com mozilla.org mozilla.net firefox.com ubuntu.com
debian.org crowdstrike.com sentinelone.net sophos.com mcafee.com symantec.com
weather.gov nws.noaa.gov usps.com irs.gov ssa.gov cisa.gov dhs.gov vote.gov eac.gov
state.us county.us election.gov sos.state.us nytimes.com cnn.com foxnews.com
espn.com wikipedia.org yahoo.com aol.com reddit.com pinterest.com netflix.com
nflxvideo.net hulu.com spotify.com pandora.com salesforce.com okta.com duosecurity.com
zscaler.net paloaltonetworks.com fortinet.com cisco.com webex.com gotomeeting.com
ntp.org pool.ntp.org time.windows.com verisign.com symcd.com ocsp.digicert.com""".split()
SUBS = ("www api cdn static img login mail smtp imap autodiscover update download"
        " s3 edge clients accounts ocsp crl time ads tracking telemetry v10 settings"
        " assets media video content fonts maps play store docs drive calendar").split()
INTERNAL = ["dc01", "dc02", "fs01", "print01", "vote-db", "sos-web", "exchange", "wsus",
            "av-console", "pollbook01", "pollbook02", "epb-sync", "clerk-pc", "vpn"]
UAS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
       "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
       "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80",
       "Microsoft-CryptoAPI/10.0", "Windows-Update-Agent/10.0.10011.16384 Client-Protocol/2.50",
       "Microsoft BITS/7.8", "curl/8.5.0", "python-requests/2.31.0", "Wget/1.21.4",
       "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
       "Go-http-client/1.1", "okhttp/4.12.0", "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)"]
CTYPES = ["text/html", "text/html; charset=utf-8", "application/json", "application/octet-stream",
          "image/png", "image/jpeg", "application/javascript", "text/css", "application/x-pkcs7-crl",
          "application/ocsp-response", "text/plain"]
ISSUERS = ["C=US, O=DigiCert Inc, CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1",
           "C=US, O=Let's Encrypt, CN=R3", "C=US, O=Let's Encrypt, CN=E5",
           "C=US, O=Google Trust Services, CN=WR2", "C=US, O=Microsoft Corporation, CN=Microsoft Azure RSA TLS Issuing CA 04",
           "C=US, O=Amazon, CN=Amazon RSA 2048 M02", "C=GB, ST=Greater Manchester, L=Salford, O=Sectigo Limited, CN=Sectigo RSA Domain Validation Secure Server CA",
           "C=US, O=Cloudflare, Inc., CN=Cloudflare Inc ECC CA-3", "CN=localhost"]
JA3S = ["771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,0-23-65281-10-11-35-16-5-13-18-51-45-43-27-17513,29-23-24,0",
        "771,4865-4867-4866-49195-49199-52393-52392-49196-49200-49162-49161-49171-49172-156-157-47-53,0-23-65281-10-11-35-16-5-34-51-43-13-45-28-21,29-23-24-25-256-257,0",
        "771,49196-49195-49200-49199-159-158-49188-49187-49192-49191-49162-49161-49172-49171-157-156-61-60-53-47-10,0-10-11-13-35-23-65281,29-23-24,0",
        "771,4866-4867-4865-49196-49200-159-52393-52392-52394-49195-49199-158-49188-49192-107-49187-49191-103-49162-49172-57-49161-49171-51-157-156-61-60-53-47-255,0-11-10-35-22-23-13-43-45-51,29-23-30-25-24,0-1-2",
        "769,49162-49161-49172-49171-57-51-53-47-10,0-10-11-65281,23-24,0"]
SIGS = [(2013028, 7, "ET POLICY curl User-Agent Outbound", "Attempted Information Leak", 2),
        (2027390, 3, "ET INFO Observed DNS Query to .top TLD", "Potentially Bad Traffic", 2),
        (2100498, 7, "GPL ATTACK_RESPONSE id check returned root", "Potentially Bad Traffic", 2),
        (2024897, 4, "ET USER_AGENTS Go HTTP Client User-Agent", "Misc activity", 3),
        (2013504, 6, "ET POLICY GNU/Linux APT User-Agent Outbound likely related to package management", "Not Suspicious Traffic", 3),
        (2019401, 8, "ET POLICY Vulnerable Java Version 1.8.x Detected", "Potential Corporate Privacy Violation", 2),
        (2001219, 20, "ET SCAN Potential SSH Scan", "Attempted Information Leak", 2),
        (2402000, 6941, "ET DROP Dshield Block Listed Source group 1", "Misc Attack", 2),
        (2030358, 2, "ET HUNTING Suspicious Windows Commands in HTTP Request", "Potentially Bad Traffic", 2),
        (2025275, 3, "ET INFO Windows OS Submitting USB Metadata to Microsoft", "Misc activity", 3)]
MAGICS = [("exe", "PE32 executable (GUI) Intel 80386, for MS Windows"), ("dll", "PE32+ executable (DLL) (GUI) x86-64, for MS Windows"),
          ("pdf", "PDF document, version 1.7"), ("zip", "Zip archive data, at least v2.0 to extract"),
          ("js", "ASCII text, with very long lines"), ("png", "PNG image data, 640 x 480, 8-bit/color RGBA, non-interlaced"),
          ("docx", "Microsoft Word 2007+"), ("cab", "Microsoft Cabinet archive data")]
ANOMALIES = [("decode", "ipv4.trunc_pkt"), ("decode", "tcp.opt_invalid_len"), ("stream", "stream.pkt_invalid_timestamp"),
             ("applayer", "APPLAYER_DETECT_PROTOCOL_ONLY_ONE_DIRECTION"), ("stream", "stream.3whs_synack_with_wrong_ack")]
SSH_CLIENTS = ["OpenSSH_9.6", "OpenSSH_8.9p1", "PuTTY_Release_0.80", "libssh2_1.11.0", "Go"]

PRIVATE4 = [(10 << 24, 8), ((172 << 24) | (16 << 16), 12), ((192 << 24) | (168 << 16), 16)]
RESERVED4 = PRIVATE4 + [(0, 8), (127 << 24, 8), ((100 << 24) | (64 << 16), 10), ((169 << 24) | (254 << 16), 16),
                        (192 << 24, 24), ((192 << 24) | (2 << 8), 24), ((198 << 24) | (18 << 16), 15),
                        ((198 << 24) | (51 << 16) | (100 << 8), 24), ((203 << 24) | (113 << 8), 24), (224 << 24, 3)]
V4_LENS = {8: 2, 9: 2, 10: 3, 11: 4, 12: 6, 13: 10, 14: 14, 15: 20, 16: 1500, 17: 2500, 18: 4000,
           19: 5500, 20: 7000, 21: 8000, 22: 10000, 23: 11000, 24: 20000, 25: 4500, 26: 4500,
           27: 4000, 28: 3500, 29: 1500, 30: 1000}


def ip4(n):
    return f"{n >> 24}.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def ip6(n):
    return str(ipaddress.IPv6Address(n))


def public4(r):
    """A random address that is not private, loopback, shared, documentation or multicast."""
    while True:
        n = int(r() * 4294967296)
        if not any((n >> (32 - l)) == (net >> (32 - l)) for net, l in RESERVED4):
            return n


def global6(rng, low_iid):
    n = (1 << 125) | rng.getrandbits(125)
    if low_iid:  # many real addresses are ::1, ::a:b and the like, which compress
        n = (n >> 64 << 64) | rng.getrandbits(rng.choice((4, 8, 16, 32)))
    return n


class Cover:
    """Which prefixes the indicator networks and addresses cover, to keep background traffic clean."""

    def __init__(self, bits):
        self.bits = bits
        self.nets = {}
        self.exact = set()

    def add_net(self, n, l):
        self.nets.setdefault(l, set()).add(n >> (self.bits - l))

    def hit(self, n):
        if n in self.exact:
            return True
        return any((n >> (self.bits - l)) in s for l, s in self.nets.items())


def label(rng, r):
    k = 3 + int(r() * 3)
    s = "".join(SYLLABLES[int(r() * len(SYLLABLES))] for _ in range(k))
    x = r()
    if x < 0.12:
        s += str(int(r() * 1000))
    elif x < 0.22:
        s = WORDS[int(r() * len(WORDS))] + "-" + s
    elif x < 0.30:
        s = s + "-" + WORDS[int(r() * len(WORDS))]
    return s


def make_domains(rng, count):
    r = rng.random
    out, seen = [], set()
    base = int(count * 0.975)
    while len(out) < base:
        x = r()
        n = 2 if x < 0.6 else 3 if x < 0.9 else 4
        d = ".".join([label(rng, r) for _ in range(n - 1)] + [TLDS[int(r() * len(TLDS))]])
        if d not in seen:
            seen.add(d)
            out.append(d)
    # Children of names already listed: both cdn.evil.example and evil.example.
    while len(out) < count:
        p = out[int(r() * base)]
        if p.count(".") >= 3:
            continue
        d = label(rng, r) + "." + p
        if d not in seen:
            seen.add(d)
            out.append(d)
    rng.shuffle(out)
    return out, seen


def suffix_hit(d, dset):
    while True:
        if d in dset:
            return True
        i = d.find(".")
        if i < 0:
            return False
        d = d[i + 1:]


def url_path(rng, r):
    segs = [label(rng, r) for _ in range(1 + int(r() * 3))]
    ext = rng.choice(["", ".php", ".exe", ".zip", ".js", ".html", ".sh", ".bin", "/"])
    q = ""
    if r() < 0.6:
        q = "?" + "&".join(f"{rng.choice(['id', 'q', 'u', 'v', 'ref', 'token', 'f'])}={rng.getrandbits(32):x}"
                           for _ in range(1 + int(r() * 3)))
    return "/" + "/".join(segs) + ext + q


def write_list(path, header, values, extra_comments=True):
    with open(path, "w", encoding="ascii") as f:
        f.write(f"# {header}\n")
        step = max(1, len(values) // 3)
        for i in range(0, len(values), step):
            chunk = values[i:i + step]
            f.write("\n".join(chunk))
            f.write("\n")
            if extra_comments and i + step < len(values):
                f.write("\n# -- next batch --\n\n")
    return len(values)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--mb", type=float, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    t0 = time.time()
    rng = random.Random(args.seed)
    r = rng.random
    os.makedirs(args.out, exist_ok=True)
    out = args.out

    def say(msg):
        print(f"[{time.time() - t0:6.1f}s] {msg}", file=sys.stderr, flush=True)

    # ---------------------------------------------------------------- indicators
    cov4, cov6 = Cover(32), Cover(128)
    ips4 = set()
    while len(ips4) < 950_000:
        ips4.add(public4(r))
    ips4 = sorted(ips4)
    rng.shuffle(ips4)
    ips6 = set()
    while len(ips6) < 50_000:
        ips6.add(global6(rng, r() < 0.5))
    ips6 = sorted(ips6)
    cov4.exact.update(ips4)
    cov6.exact.update(ips6)
    ip_lines = [ip4(n) for n in ips4] + [ip6(n) for n in ips6]
    order = list(range(len(ip_lines)))
    rng.shuffle(order)
    write_list(f"{out}/ips.txt", "bench indicator addresses: 95% IPv4, 5% IPv6",
               [ip_lines[i] for i in order])
    say(f"ips.txt: {len(ip_lines)} addresses")

    lens, weights = list(V4_LENS), list(V4_LENS.values())
    nets4, nets6, seen = [], [], set()
    while len(nets4) < 95_000:
        if nets4 and r() < 0.03:  # nested inside an earlier network
            pn, pl = nets4[int(r() * len(nets4))]
            if pl > 28:
                continue
            l = min(30, pl + 1 + int(r() * 8))
            n = pn | (rng.getrandbits(l - pl) << (32 - l))
        else:
            l = rng.choices(lens, weights)[0]
            n = public4(r) >> (32 - l) << (32 - l)
        if (n, l) not in seen:
            seen.add((n, l))
            nets4.append((n, l))
    while len(nets6) < 5_000:
        if nets6 and r() < 0.03:
            pn, pl = nets6[int(r() * len(nets6))]
            if pl >= 64:
                continue
            l = min(64, pl + 1 + int(r() * 16))
            n = pn | (rng.getrandbits(l - pl) << (128 - l))
        else:
            l = 32 + int(r() * 33)
            n = global6(rng, False) >> (128 - l) << (128 - l)
        if (n, l, 6) not in seen:
            seen.add((n, l, 6))
            nets6.append((n, l))
    for n, l in nets4:
        cov4.add_net(n, l)
    for n, l in nets6:
        cov6.add_net(n, l)
    cidr_lines = [f"{ip4(n)}/{l}" for n, l in nets4] + [f"{ip6(n)}/{l}" for n, l in nets6]
    rng.shuffle(cidr_lines)
    write_list(f"{out}/cidrs.txt", "bench indicator networks: IPv4 /8../30, IPv6 /32../64, some nested",
               cidr_lines)
    say(f"cidrs.txt: {len(cidr_lines)} networks")

    domains, dset = make_domains(rng, 1_000_000)
    write_list(f"{out}/domains.txt", "bench indicator domains, some parents of others", domains)
    parents = sum(1 for d in domains if d.split(".", 1)[1] in dset)
    say(f"domains.txt: {len(domains)} names, {parents} with a listed parent")

    # Benign names for background traffic: nothing in them may match.
    benign = []
    for b in BENIGN_BASES:
        benign.append(b)
        for s in SUBS:
            benign.append(f"{s}.{b}")
    while len(benign) < 30_000:
        b = BENIGN_BASES[int(r() ** 2 * len(BENIGN_BASES))]
        benign.append(f"{rng.choice(SUBS)}{int(r() * 100)}.{label(rng, r)}.{b}")
    benign = [d for d in dict.fromkeys(benign) if not suffix_hit(d, dset)]
    bset = set(benign)
    benign += [f"{h}.elections.county.local" for h in INTERNAL] * 40  # chatty internal lookups

    urls, url_parts = [], []
    useen = set()
    while len(urls) < 10_000:
        x = r()
        if x < 0.3:
            host = domains[int(r() * len(domains))]
        elif x < 0.45:
            host = ip4(public4(r))
        else:
            host = label(rng, r) + "." + TLDS[int(r() * len(TLDS))]
            if host in bset or suffix_hit(host, dset):
                continue
        path = url_path(rng, r)
        key = host + path
        if key in useen:
            continue
        useen.add(key)
        y = r()
        shown, port, scheme = host, "", "http"
        if y < 0.05:
            shown = host.upper() if r() < 0.5 else host.capitalize()
        elif y < 0.08:
            port = ":80"
        elif y < 0.10:
            scheme, port = "https", ":443"
        elif y < 0.25:
            scheme = "https"
        urls.append(f"{scheme}://{shown}{port}{path}")
        url_parts.append((host, path))
    write_list(f"{out}/urls.txt", "bench indicator URLs", urls)

    hashes = {"md5": [f"{rng.getrandbits(128):032x}" for _ in range(10_000)],
              "sha1": [f"{rng.getrandbits(160):040x}" for _ in range(10_000)],
              "sha256": [f"{rng.getrandbits(256):064x}" for _ in range(10_000)]}
    hash_lines = [h.upper() if i % 50 == 0 else h for k in hashes for i, h in enumerate(hashes[k])]
    rng.shuffle(hash_lines)
    write_list(f"{out}/hashes.txt", "bench indicator file hashes: md5, sha1, sha256", hash_lines)
    say(f"urls.txt: {len(urls)}, hashes.txt: {len(hash_lines)}")

    # ---------------------------------------------------------------- address pools
    priv4 = []
    for net, l in PRIVATE4:
        for _ in range(1500 if l == 8 else 600):
            priv4.append(ip4(net | (rng.getrandbits(32 - l) & ~0xff) | (1 + int(r() * 250))))
    pub4 = []
    while len(pub4) < 200_000:
        n = public4(r)
        if not cov4.hit(n):
            pub4.append(ip4(n))
    site6 = global6(rng, False) >> 64 << 64
    priv6 = [ip6(site6 | rng.getrandbits(64)) for _ in range(500)]
    pub6 = []
    while len(pub6) < 20_000:
        n = global6(rng, r() < 0.5)
        if not cov6.hit(n):
            pub6.append(ip6(n))
    say("background pools ready")

    # ---------------------------------------------------------------- decoys
    decoy_domains = []
    for d in domains:
        if d.count(".") == 1:
            for cand in ("not" + d, d.replace(".", "-", 1) + ".com", d + "x"):
                if not suffix_hit(cand, dset) and cand not in bset:
                    decoy_domains.append(cand)
                    break
        if len(decoy_domains) >= 30:
            break
    decoy_ips = []
    for n, l in nets4[:200]:
        for c in (n - 1, n + (1 << (32 - l))):
            if not cov4.hit(c) and not any(c >> (32 - ll) == net >> (32 - ll) for net, ll in RESERVED4):
                decoy_ips.append(ip4(c))
        if len(decoy_ips) >= 20:
            break
    decoy_md5 = []
    for h in hashes["md5"][:20]:
        c = h[:-1] + ("0" if h[-1] != "0" else "1")
        if c not in hashes["md5"]:
            decoy_md5.append(c)
    decoy_urls = [(h, p + "x") for h, p in url_parts[:10] if (h + p + "x") not in useen
                  and not suffix_hit(h, dset)]

    # ---------------------------------------------------------------- the log
    target = int(args.mb * 1_000_000)
    est_events = max(1, target // 470)
    decoy_every = max(50, est_events // 60)
    t = 1_715_700_000.0 + rng.getrandbits(20)
    sec_cache = [None, None]
    gmtime, strftime = time.gmtime, time.strftime

    def ts(x):
        s = int(x)
        if sec_cache[0] != s:
            sec_cache[0] = s
            sec_cache[1] = strftime("%Y-%m-%dT%H:%M:%S", gmtime(s))
        return f"{sec_cache[1]}.{int((x - s) * 1e6):06d}+0000"

    def ts_other(x):
        s = int(x)
        return f"{strftime('%Y-%m-%dT%H:%M:%S', gmtime(s))}.{int((x - s) * 1e6):06d}+0000"

    n_priv4, n_pub4, n_priv6, n_pub6 = len(priv4), len(pub4), len(priv6), len(pub6)
    n_benign = len(benign)

    def pick_pub4():
        return pub4[int(n_pub4 * r() ** 2)]

    def pick_benign():
        return benign[int(n_benign * r() ** 1.5)]

    def mixcase(d):
        return "".join(c.upper() if r() < 0.5 else c for c in d)

    def flow_obj(app):
        ps, pc = 1 + int(r() * 40), int(r() * 60)
        age = int(r() * 120)
        st = t - age - 30
        app_s = f',"app_proto":"{app}"' if app else ""
        return (f'{app_s},"flow":{{"pkts_toserver":{ps},"pkts_toclient":{pc},"bytes_toserver":{ps * (60 + int(r() * 900))},'
                f'"bytes_toclient":{pc * (60 + int(r() * 1400))},"start":"{ts_other(st)}","end":"{ts_other(st + age + r())}",'
                f'"age":{age},"state":"{"closed" if r() < 0.8 else "established"}","reason":"timeout","alerted":false}}')

    def dns_obj(name=None, plant_ip=None, plant_cname=None):
        """A query or an answer for name (None: a benign one); plant_ip goes into the A answers,
        plant_cname is the CNAME target."""
        qid = int(r() * 65536)
        rt_x = r()
        rrtype = "A" if rt_x < 0.75 else "AAAA" if rt_x < 0.9 else "PTR" if rt_x < 0.94 else "MX" if rt_x < 0.97 else "TXT"
        if plant_ip is not None:
            rrtype = "AAAA" if ":" in plant_ip else "A"
        if plant_cname is not None and rrtype not in ("A", "AAAA"):
            rrtype = "A"
        if name is None and rrtype == "PTR":
            a = pick_pub4().split(".")
            name = f"{a[3]}.{a[2]}.{a[1]}.{a[0]}.in-addr.arpa"
        elif name is None:
            name = pick_benign()
        v3 = r() < 0.05
        if plant_ip is None and plant_cname is None and r() < 0.45:
            if v3:
                return (f',"dns":{{"version":3,"type":"request","tx_id":0,"id":{qid},"flags":"100","rd":true,"opcode":0,'
                        f'"queries":[{{"rrname":"{name}","rrtype":"{rrtype}"}}]}}')
            return f',"dns":{{"version":2,"type":"query","id":{qid},"rrname":"{name}","rrtype":"{rrtype}","tx_id":0,"opcode":0}}'
        if plant_ip is None and plant_cname is None and r() < 0.06:
            if v3:
                return (f',"dns":{{"version":3,"type":"response","id":{qid},"flags":"8183","qr":true,"rd":true,"ra":true,'
                        f'"opcode":0,"rcode":"NXDOMAIN","queries":[{{"rrname":"{name}","rrtype":"{rrtype}"}}]}}')
            return (f',"dns":{{"version":2,"type":"answer","id":{qid},"flags":"8183","qr":true,"rd":true,"ra":true,'
                    f'"opcode":0,"rrname":"{name}","rrtype":"{rrtype}","rcode":"NXDOMAIN"}}')
        ttl = rng.choice((30, 60, 300, 600, 3600, 86400))
        answers, grouped = [], {}
        owner = name
        if rrtype in ("A", "AAAA") and (plant_cname is not None or r() < 0.3):
            target = plant_cname if plant_cname is not None else (
                f"{label(rng, r)}.{rng.choice(('edgekey.net', 'akamaiedge.net', 'cloudfront.net', 'azureedge.net', 'fastly.net', 'trafficmanager.net'))}")
            answers.append(f'{{"rrname":"{owner}","rrtype":"CNAME","ttl":{ttl},"rdata":"{target}"}}')
            grouped["CNAME"] = [target]
            owner = target.rstrip(".")
        if rrtype == "A":
            vals = [pick_pub4() for _ in range(1 + int(r() * r() * 4))]
        elif rrtype == "AAAA":
            vals = [pub6[int(n_pub6 * r())] for _ in range(1 + int(r() * 2))]
        elif rrtype == "PTR":
            vals = [f"{label(rng, r)}.{rng.choice(('static.example-isp.net', 'dyn.comcast.net', 'res.spectrum.com'))}"]
        elif rrtype == "MX":
            vals = [f"mx{i}.{pick_benign()}" for i in range(1, 2 + int(r() * 2))]
        else:
            vals = ["v=spf1 include:_spf.google.com ~all"]
        if plant_ip is not None:
            vals[int(r() * len(vals))] = plant_ip
        for v in vals:
            answers.append(f'{{"rrname":"{owner}","rrtype":"{rrtype}","ttl":{ttl},"rdata":"{v}"}}')
        grouped.setdefault(rrtype, []).extend(vals)
        ans = ",".join(answers)
        if v3:
            return (f',"dns":{{"version":3,"type":"response","id":{qid},"flags":"8180","qr":true,"rd":true,"ra":true,'
                    f'"opcode":0,"rcode":"NOERROR","queries":[{{"rrname":"{name}","rrtype":"{rrtype}"}}],"answers":[{ans}]}}')
        grp = ",".join(f'"{k}":[' + ",".join(f'"{v}"' for v in vs) + "]" for k, vs in grouped.items())
        return (f',"dns":{{"version":2,"type":"answer","id":{qid},"flags":"8180","qr":true,"rd":true,"ra":true,'
                f'"opcode":0,"rrname":"{name}","rrtype":"{rrtype}","rcode":"NOERROR","answers":[{ans}],"grouped":{{{grp}}}}}')

    def tls_obj(sni):
        nb = t - 86400 * int(1 + r() * 300)
        fp = rng.randbytes(20).hex(":")
        ja = JA3S[int(r() * len(JA3S))]
        return (f',"tls":{{"subject":"CN={sni.lower().rstrip(".")}","issuerdn":"{ISSUERS[int(r() * len(ISSUERS))]}",'
                f'"serial":"{rng.randbytes(16).hex(":").upper()}","fingerprint":"{fp}","sni":"{sni}",'
                f'"version":"{"TLS 1.3" if r() < 0.7 else "TLS 1.2"}","notbefore":"{strftime("%Y-%m-%dT%H:%M:%S", gmtime(nb))}",'
                f'"notafter":"{strftime("%Y-%m-%dT%H:%M:%S", gmtime(nb + 86400 * 90))}",'
                f'"ja3":{{"hash":"{rng.getrandbits(128):032x}","string":"{ja}"}},'
                f'"ja3s":{{"hash":"{rng.getrandbits(128):032x}","string":"771,4865,43-51"}}}}')

    def http_obj(host, url):
        status = 200 if r() < 0.8 else rng.choice((204, 301, 302, 304, 404, 403, 500))
        return (f',"http":{{"hostname":"{host}","url":"{url}","http_user_agent":"{UAS[int(r() * len(UAS))]}",'
                f'"http_content_type":"{CTYPES[int(r() * len(CTYPES))]}","http_method":"{"GET" if r() < 0.85 else "POST"}",'
                f'"protocol":"HTTP/1.1","status":{status},"length":{int(r() * r() * 200000)}}}')

    def bg_url():
        x = r()
        if x < 0.3:
            return "/"
        return url_path(rng, r)

    def file_obj(md5=None, sha1=None, sha256=None):
        ext, magic = MAGICS[int(r() * len(MAGICS))]
        return (f',"fileinfo":{{"filename":"/{label(rng, r)}.{ext}","magic":"{magic}","gaps":false,"state":"CLOSED",'
                f'"md5":"{md5 or format(rng.getrandbits(128), "032x")}","sha1":"{sha1 or format(rng.getrandbits(160), "040x")}",'
                f'"sha256":"{sha256 or format(rng.getrandbits(256), "064x")}","stored":false,"size":{int(r() * 5_000_000)},"tx_id":0}}')

    planted = []  # (line, field, value)
    decoy_values = {}
    decoys_used = 0
    written = 0
    line_no = 0
    ev_counts = {}
    batch = []
    bad_lines = 0
    f = open(f"{out}/eve.json", "w", encoding="ascii", newline="\n")
    next_bad = max(1000, est_events // 3)

    while written < target:
        line_no += 1
        t += r() * 0.02
        x = r()
        etype = ("flow" if x < 0.40 else "dns" if x < 0.70 else "tls" if x < 0.82 else "http" if x < 0.92
                 else "alert" if x < 0.95 else "fileinfo" if x < 0.98 else "other")
        v6 = r() < 0.05
        plant = None
        if line_no % decoy_every == decoy_every // 2:
            plant = ("decoy", decoys_used)
            decoys_used += 1
        elif r() < 0.001:
            plant = ("plant", r())
        # Defaults: background.
        sni = host = url = None
        src = dst = None
        body = ""
        pfield = pvalue = None
        if plant and plant[0] == "plant":
            y = plant[1]
            if y < 0.25:  # an indicator address as src or dest
                if r() < 0.06:
                    addr = ip6(ips6[int(r() * len(ips6))])
                else:
                    addr = ip4(ips4[int(r() * len(ips4))])
                pfield = "dest_ip" if r() < 0.7 else "src_ip"
                pvalue = addr
                v6 = ":" in addr
            elif y < 0.45:  # an address inside an indicator network
                if r() < 0.06:
                    n, l = nets6[int(r() * len(nets6))]
                    addr = ip6(n | rng.getrandbits(128 - l))
                else:
                    n, l = nets4[int(r() * len(nets4))]
                    addr = ip4(n | rng.getrandbits(32 - l))
                pfield = "dest_ip" if r() < 0.7 else "src_ip"
                pvalue = addr
                v6 = ":" in addr
            elif y < 0.75:  # a domain or a subdomain of one
                d = domains[int(r() * len(domains))]
                z = r()
                if z < 0.4:
                    name = d
                elif z < 0.8:
                    name = rng.choice(SUBS) + "." + d
                else:
                    name = label(rng, r) + "." + rng.choice(SUBS) + "." + d
                w = r()
                etype = "dns" if w < 0.55 else "tls" if w < 0.8 else "http" if w < 0.97 else "quic"
                if r() < 0.05 and etype in ("dns", "tls"):
                    name = mixcase(name)
                if etype == "http" and r() < 0.05:
                    name += "."
                pvalue = name
                pfield = {"dns": "dns.rrname", "tls": "tls.sni", "http": "http.hostname", "quic": "quic.sni"}[etype]
            elif y < 0.82:  # a CNAME to an indicator domain
                etype = "dns"
                pfield, pvalue = "dns.answers.rdata", domains[int(r() * len(domains))]
            elif y < 0.88:  # an A/AAAA answer with an indicator address
                etype = "dns"
                if r() < 0.5:
                    pvalue = ip4(ips4[int(r() * len(ips4))])
                else:
                    n, l = nets4[int(r() * len(nets4))]
                    pvalue = ip4(n | rng.getrandbits(32 - l))
                pfield = "dns.answers.rdata"
            elif y < 0.94:  # a URL
                etype = "http"
                h, p = url_parts[int(r() * len(url_parts))]
                pfield, pvalue = "http.url", (h, p)
            else:
                etype = "fileinfo"
                k = rng.choice(("md5", "sha1", "sha256"))
                pfield, pvalue = "fileinfo." + k, hashes[k][int(r() * 10_000)]
        elif plant:  # decoy
            k, j = plant[1] % 4, plant[1] // 4
            if k == 0:
                etype = rng.choice(("dns", "tls", "http"))
                pvalue = decoy_domains[j % len(decoy_domains)]
                pfield = {"dns": "dns.rrname", "tls": "tls.sni", "http": "http.hostname"}[etype]
            elif k == 1:
                pfield, pvalue = "dest_ip", decoy_ips[j % len(decoy_ips)]
                v6 = False
            elif k == 2:
                etype = "fileinfo"
                pfield, pvalue = "fileinfo.md5", decoy_md5[j % len(decoy_md5)]
            else:
                etype = "http"
                pfield, pvalue = "http.url", decoy_urls[j % len(decoy_urls)]

        if v6:
            src, dst = priv6[int(r() * n_priv6)], pub6[int(n_pub6 * r() ** 2)]
        else:
            src = priv4[int(r() * n_priv4)] if r() < 0.6 else pick_pub4()
            dst = pick_pub4() if r() < 0.85 else priv4[int(r() * n_priv4)]
        if etype == "flow":
            sport, dport = 1024 + int(r() * 64000), rng.choice((443, 443, 443, 80, 53, 123, 22, 3389, 445, 8080))
            proto = "UDP" if dport in (53, 123) else "TCP"
            app = {443: "tls", 80: "http", 53: "dns", 22: "ssh", 445: "smb"}.get(dport, "" if r() < 0.5 else "failed")
            body = flow_obj(app)
        elif etype == "dns":
            sport, dport, proto = 1024 + int(r() * 64000), 53, "UDP"
            if pfield == "dns.rrname":
                body = dns_obj(pvalue)
                if '"version":3' in body:
                    pfield = "dns.queries.rrname"
            elif pfield == "dns.answers.rdata" and isinstance(pvalue, str) and pvalue[0].isdigit():
                body = dns_obj(plant_ip=pvalue)
            elif pfield == "dns.answers.rdata":
                body = dns_obj(plant_cname=pvalue)
            else:
                body = dns_obj()
            if '"qr":true' in body:  # an answer travels server to client
                src, dst, sport, dport = dst, src, dport, sport
        elif etype == "tls":
            sport, dport, proto = 1024 + int(r() * 64000), 443, "TCP"
            body = tls_obj(pvalue if pfield == "tls.sni" else pick_benign())
        elif etype == "quic":
            sport, dport, proto = 1024 + int(r() * 64000), 443, "UDP"
            name = pvalue if pfield == "quic.sni" else pick_benign()
            body = f',"quic":{{"version":"1","sni":"{name}","ua":"Chrome/124.0.6367.91 Windows NT 10.0; Win64; x64"}}'
        elif etype == "http":
            sport, dport, proto = 1024 + int(r() * 64000), 80, "TCP"
            if pfield == "http.url":
                h, p = pvalue
                body = http_obj(h, p)
            else:
                body = http_obj(pvalue if pfield == "http.hostname" else pick_benign(), bg_url())
        elif etype == "alert":
            sport, dport, proto = 1024 + int(r() * 64000), rng.choice((80, 443, 22, 53)), "TCP"
            sid, rev, sig, cat, sev = SIGS[int(r() * len(SIGS))]
            body = (f',"tx_id":0,"alert":{{"action":"allowed","gid":1,"signature_id":{sid},"rev":{rev},'
                    f'"signature":"{sig}","category":"{cat}","severity":{sev}}}')
            if dport == 80:
                body += http_obj(pick_benign(), bg_url()) + ',"app_proto":"http"'
            elif dport == 443:
                body += ',"app_proto":"tls"' + tls_obj(pick_benign())
            body += ',"direction":"to_server"'
        elif etype == "fileinfo":
            # the file travels server to client
            src, dst, sport, dport, proto = dst, src, 80, 1024 + int(r() * 64000), "TCP"
            kw = {}
            if pfield and pfield.startswith("fileinfo."):
                kw[pfield[9:]] = pvalue
            body = http_obj(pick_benign(), bg_url()) + ',"app_proto":"http"' + file_obj(**kw)
        else:
            z = r()
            if z < 0.4:
                etype = "anomaly"
                typ, ev = ANOMALIES[int(r() * len(ANOMALIES))]
                sport, dport, proto = 1024 + int(r() * 64000), 443, "TCP"
                body = f',"anomaly":{{"type":"{typ}","event":"{ev}","layer":"proto_detect"}}'
            elif z < 0.7:
                etype = "ssh"
                sport, dport, proto = 1024 + int(r() * 64000), 22, "TCP"
                body = (f',"ssh":{{"client":{{"proto_version":"2.0","software_version":"{rng.choice(SSH_CLIENTS)}"}},'
                        f'"server":{{"proto_version":"2.0","software_version":"OpenSSH_8.4p1"}}}}')
            else:
                etype = "quic"
                sport, dport, proto = 1024 + int(r() * 64000), 443, "UDP"
                body = f',"quic":{{"version":"1","sni":"{pick_benign()}"}}'
        ev_counts[etype] = ev_counts.get(etype, 0) + 1
        if pfield == "dest_ip":
            dst = pvalue
        elif pfield == "src_ip":
            src = pvalue

        line = (f'{{"timestamp":"{ts(t)}","flow_id":{rng.getrandbits(51)},"in_iface":"ens192","event_type":"{etype}",'
                f'"src_ip":"{src}","src_port":{sport},"dest_ip":"{dst}","dest_port":{dport},"proto":"{proto}"{body}}}\n')
        if plant is None and line_no >= next_bad:
            line = line[: len(line) // 2] + "\n"  # a sensor killed mid-write
            bad_lines += 1
            next_bad += max(1000, est_events // 3)
        elif plant and plant[0] == "plant":
            planted.append((line_no, pfield, pvalue if isinstance(pvalue, str) else "".join(pvalue)))
        elif plant:
            decoy_values[pvalue if isinstance(pvalue, str) else pvalue[0] + pvalue[1]] = True
        batch.append(line)
        written += len(line)
        if len(batch) >= 20000:
            f.write("".join(batch))
            batch.clear()
    f.write("".join(batch))
    f.close()

    with open(f"{out}/decoys.txt", "w") as df:
        df.write("# values planted in eve.json that must NOT match any indicator (URLs as host+url)\n")
        df.write("".join(v + "\n" for v in decoy_values))
    with open(f"{out}/planted.tsv", "w") as pf:
        pf.write("# line\tfield\tvalue: indicator sightings planted in eve.json\n")
        for ln, fld, val in planted:
            pf.write(f"{ln}\t{fld}\t{val}\n")
    secs = time.time() - t0
    mix = ", ".join(f"{k} {v * 100 / line_no:.1f}%" for k, v in sorted(ev_counts.items(), key=lambda kv: -kv[1]))
    say(f"eve.json: {line_no} events, {written / 1e6:.0f} MB, {len(planted)} planted, {decoys_used} decoys, "
        f"{bad_lines} truncated lines")
    say(f"mix: {mix}")
    say(f"done in {secs:.1f} s")


if __name__ == "__main__":
    main()
