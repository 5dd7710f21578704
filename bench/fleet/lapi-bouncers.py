#!/usr/bin/env python3
"""Simulated CrowdSec bouncers for bench/fleet/run.sh part 4: N stream clients of a CrowdSec LAPI, each polling
/v1/decisions/stream with its own API key at the bouncers' default interval (10 s; startup=true first, then the
decisions new since its own last pull), each starting at its own random phase of the interval as real bouncers do.
Reads the added decisions' times from ADDED (lines "ADDRESS MS": when `cscli decisions add` returned) once the run ends,
and prints the ban → seen latency over every (decision, bouncer) pair: p50, p90, p99, max.
The bouncers stop when the file STOP exists (the script makes it a full interval after its last ban), or after 170 s.
Usage: lapi-bouncers.py URL KEYS_FILE STOP INTERVAL ADDED"""
import http.client, json, math, os, random, sys, threading, time, urllib.parse

url, keys_file, stop_file, interval, added_file = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5]
keys = [k.strip() for k in open(keys_file) if k.strip()]
u = urllib.parse.urlsplit(url)
deadline = time.time() + 170
seen = [dict() for _ in keys]          # per bouncer: address -> ms first seen
errors = [0] * len(keys)
polls = [0] * len(keys)
started = threading.Barrier(len(keys) + 1)


def bouncer(i):
    started.wait()
    rng = random.Random(i)
    time.sleep(rng.uniform(0, interval))
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    startup = True
    next_poll = time.time()
    while time.time() < deadline and not os.path.exists(stop_file):
        try:
            conn.request("GET", f"/v1/decisions/stream?startup={'true' if startup else 'false'}", headers={"X-Api-Key": keys[i], "User-Agent": "uncloak-bench-bouncer/1"})
            r = conn.getresponse()
            body = r.read()
            now = time.time_ns() // 1_000_000
            if r.status != 200:
                errors[i] += 1
            else:
                startup = False
                polls[i] += 1
                for d in (json.loads(body) or {}).get("new") or []:
                    seen[i].setdefault(d["value"], now)
        except (OSError, http.client.HTTPException, ValueError):
            errors[i] += 1
            conn.close()
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
        next_poll += interval
        while time.time() < next_poll and time.time() < deadline and not os.path.exists(stop_file):
            time.sleep(min(0.5, max(0, next_poll - time.time())))


threads = [threading.Thread(target=bouncer, args=(i,), daemon=True) for i in range(len(keys))]
for t in threads:
    t.start()
started.wait()
print(f"READY {len(keys)}", flush=True)
for t in threads:
    t.join(timeout=max(0, deadline - time.time()) + 35)  # a poll in flight ends within its 30 s timeout

added = {}
for line in open(added_file):
    a, ms = line.split()
    added[a] = int(ms)
lat = sorted((s[a] - ms) / 1000 for s in seen for a, ms in added.items() if a in s)
missing = len(added) * len(keys) - len(lat)


def pct(p):
    return lat[max(1, math.ceil(p / 100 * len(lat))) - 1] if lat else float("nan")


print(f"{len(keys)} bouncers, {sum(polls)} polls, {sum(errors)} failed polls; {len(lat)} of {len(added) * len(keys)} (decision, bouncer) pairs seen"
      f"{'' if not missing else f' ({missing} not seen before the end)'}; ban → seen: p50 {pct(50):.2f} s, p90 {pct(90):.2f} s, p99 {pct(99):.2f} s, max {lat[-1] if lat else float('nan'):.2f} s")
sys.exit(0 if not missing and not sum(errors) else 1)
