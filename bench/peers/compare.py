#!/usr/bin/env python3
"""Compares per-peer counts: uncloak analyze --json vs the generator's truth (all kinds with peers), and the
treason counts of the grep pipeline and fail2ban-regex vs the same truth. Addresses are normalised with
Python's ipaddress so that full %pI6 prints and IPv4-mapped forms compare as the peers they are."""
import ipaddress, json, sys
from collections import Counter

def norm(a):
    ip = ipaddress.ip_address(a)
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return str(ip)

truth = json.load(open(sys.argv[1]))
report = json.load(open(sys.argv[2]))
ok = True
want = {p: {k: v for k, v in kinds.items()} for p, kinds in truth["peers"].items()}
have = {p["address"]: p["events"] for p in report["peers"]}
if want != have:
    ok = False
    missing = set(want) - set(have); extra = set(have) - set(want)
    diff = [p for p in set(want) & set(have) if want[p] != have[p]]
    print(f"uncloak: MISMATCH: {len(missing)} missing, {len(extra)} extra, {len(diff)} differ (e.g. {diff[:3]})")
else:
    print(f"uncloak: per-peer counts match the truth exactly ({len(want)} peers, all kinds)")
for k, v in truth["events"].items():
    if report["events"].get(k) != v:
        ok = False
        print(f"uncloak: kind {k}: {report['events'].get(k)} != truth {v}")
treason_truth = Counter({p: k["treason"] for p, k in truth["peers"].items() if "treason" in k})
for name, path in (("grep pipeline", sys.argv[3]), ("fail2ban-regex", sys.argv[4])):
    if path == "-":   # that tool was not run
        continue
    raw = Counter()
    for line in open(path):
        parts = line.split()
        if len(parts) == 2:
            raw[parts[1]] += int(parts[0])
    merged = Counter()
    for addr, n in raw.items():
        merged[norm(addr)] += n
    distinct_raw = len(raw)
    if merged == treason_truth:
        print(f"{name}: treason per-peer counts match the truth once addresses are normalised ({len(merged)} peers; {distinct_raw} distinct strings as printed)")
    else:
        ok = False
        d = [p for p in set(merged) | set(treason_truth) if merged[p] != treason_truth[p]]
        print(f"{name}: MISMATCH on {len(d)} peers (e.g. {d[:3]})")
sys.exit(0 if ok else 1)
