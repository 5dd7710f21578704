#!/usr/bin/env bash
# Fleet (issue 13) benchmark with a real cluster, laid out as the integration tests' FleetLab: a 3-node nats-server
# cluster (JetStream, R3) in a "bus" namespace, agents in namespaces of their own (a, b, c, and d for the late joiner),
# each a real `uncloak watch` with its own store and nftables, joined to the bus by a veth pair.
#   1. propagation: PROP single bans with `uncloak bans add` on a; each element's arrival in b's kernel set is stamped
#      by `nft monitor` in b's namespace (read line by line, stamped on arrival); latency from the decision's time
#      in a's store (created_ms).
#   2. bus side: WATCHERS KV watchers (bench/fleet/BusWatchers, NATS.Net in one process, in the bus namespace) on a
#      bucket like the agents'; BUS_BANS puts, one every 20 ms; delivery latency at each watcher; consumers and memory
#      from the nodes' monitoring ports.
#   3. burst: BURST bans with `uncloak bans import` on a → time until a's, b's and c's kernel sets hold them all
#      (polled with `nft -j list set`, one namespace after the other: resolution ≈ the listing's time); then agent d,
#      started after the burst with an empty store, → time until its set holds them.
#   4. CrowdSec, side by side: the Debian `crowdsec` package's local API (installed with apt when missing), run LAPI-only
#      (`crowdsec -no-cs`) in a namespace of its own on loopback with a temporary config and SQLite database — no online
#      API, no agent, no bouncer touching any firewall; for each count in CROWDSEC_BOUNCERS, that many simulated bouncers
#      (bench/fleet/lapi-bouncers.py, each with its own API key) poll /v1/decisions/stream at the default 10 s interval
#      while CROWDSEC_DECISIONS bans are made with `cscli decisions add`, one every 2 s; latency = cscli's return → each
#      bouncer's poll that brings the ban.
# Addresses: 198.18.0.0/15 only; namespaces ufb-<pid>-*; everything removed on exit. Needs root, nats-server, nftables.
# PROGRESS=1 prints every poll of part 3; MONITOR=1 times part 3 by events instead of polls: an `nft monitor new
# elements` reader in each agent's namespace, started before the import (d's before d starts), stamps the moment its
# namespace's set has received every address of the burst (no 100k listing competing with the agents, but nft takes
# seconds to print a 100k-element transaction, so large batches read late); PROBE=1 times it by asking each set every
# 100 ms for 16 addresses spread over the burst, the last one included (`nft get element`: a lookup, not a listing),
# then checks the full count once (agents apply received bans in whole batches, in the bucket's order); KEEP_LOGS=DIR keeps the agents' and nodes' logs there; PARTS="1 2 3 4" picks
# the parts (default all); CROWDSEC_BOUNCERS="1 100 1000", CROWDSEC_DECISIONS=10; BUS_MODE=core makes part 2's
# watchers plain core-NATS subscriptions on the bucket's subjects instead of KV watchers (no server-side consumers);
# NO_BUILD=1 runs what was last built; VERBOSE=1 starts the agents with --verbose (their debug lines: each received chunk
# and batch with its judging, store and kernel times, the table monitor's checks; keep them with KEEP_LOGS).
# Usage: bench/fleet/run.sh [PROP=100] [WATCHERS=1000] [BURST=100000] [BUS_BANS=200] [CONNECTIONS=50]
set -euo pipefail
cd "$(dirname "$0")/../.."
PROP=${1:-100}; WATCHERS=${2:-1000}; BURST=${3:-100000}; BUS_BANS=${4:-200}; CONNECTIONS=${5:-50}
PARTS=" ${PARTS:-1 2 3 4} "; CROWDSEC_BOUNCERS=${CROWDSEC_BOUNCERS:-1 100 1000}; CROWDSEC_DECISIONS=${CROWDSEC_DECISIONS:-10}
part() { [[ "$PARTS" == *" $1 "* ]]; }
[ "$(id -u)" = 0 ] || { echo "run as root (namespaces, nftables)" >&2; exit 3; }
ID=$$
P=ufb-$ID
WORK=$(mktemp -d /tmp/uncloak-bench-fleet-XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  # No bare `wait`: a run cut by `timeout` hung in it once and left its namespaces; a bounded pause instead.
  sleep 1
  for ns in bus a b c d cs; do ip netns del "$P-$ns" 2>/dev/null || true; done
  [ -z "${KEEP_LOGS:-}" ] || { mkdir -p "$KEEP_LOGS"; cp "$WORK"/*.log "$KEEP_LOGS"/ 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

bus() { part 1 || part 2 || part 3; }
for project in src/Uncloak.Cli bench/fleet/BusWatchers; do
  bus && [ -z "${NO_BUILD:-}" ] || break
  nice -n 10 dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly > "$WORK/build.log" 2>&1 || { echo "build of $project failed:"; cat "$WORK/build.log"; exit 1; }
done
UNCLOAK=(dotnet "$PWD/src/Uncloak.Cli/bin/Release/net10.0/uncloak.dll")
HOSTS=(a b c d)

if bus; then
ip netns add "$P-bus"; ip -n "$P-bus" link set lo up
for i in 0 1 2 3; do
  h=${HOSTS[$i]}; ns=$P-$h
  ip netns add "$ns"; ip -n "$ns" link set lo up
  ip link add "ufb${ID}${i}b" netns "$P-bus" type veth peer name "ufb${ID}${i}a" netns "$ns"
  ip -n "$P-bus" addr add "198.18.200.$((4 * i + 1))/30" dev "ufb${ID}${i}b"; ip -n "$P-bus" link set "ufb${ID}${i}b" up
  ip -n "$ns" addr add "198.18.200.$((4 * i + 2))/30" dev "ufb${ID}${i}a"; ip -n "$ns" link set "ufb${ID}${i}a" up
  ip -n "$ns" route add default via "198.18.200.$((4 * i + 1))"
done

users=$(for h in "${HOSTS[@]}" bench; do printf '{ user: %s, password: secret-%s },\n' "$h" "$h"; done)
for n in 0 1 2; do
  routes=$(for o in 0 1 2; do [ $o = $n ] || printf 'nats-route://127.0.0.1:%s,' $((6222 + o)); done)
  cat > "$WORK/n$n.conf" <<CONF
server_name: n$((n + 1))
listen: 0.0.0.0:$((4222 + n))
http: 127.0.0.1:$((8222 + n))
max_payload: 1MB
jetstream { store_dir: "$WORK/n$n", max_memory_store: 256MB, max_file_store: 4GB }
cluster { name: ufb, listen: 127.0.0.1:$((6222 + n)), routes: [${routes%,}] }
accounts { UNCLOAK { jetstream: enabled, users: [ $users ] } }
CONF
  ip netns exec "$P-bus" nats-server -c "$WORK/n$n.conf" -l "$WORK/n$n.log" &
  PIDS+=($!)
done
for _ in $(seq 100); do
  ip netns exec "$P-bus" curl -sf "http://127.0.0.1:8222/healthz?js-enabled-only=true" >/dev/null 2>&1 && break; sleep 0.2
done
fi

start_agent() { # host
  local h=$1 i
  for i in 0 1 2 3; do [ "${HOSTS[$i]}" = "$h" ] && break; done
  cat > "$WORK/$h.yaml" <<YAML
store: $WORK/$h.db
sources: { kmsg: false, sockets: off }
metrics: off
control: off
firewall: nftables
fleet:
  servers: [nats://198.18.200.$((4 * i + 1)):4222, nats://198.18.200.$((4 * i + 1)):4223, nats://198.18.200.$((4 * i + 1)):4224]
  host: $h
  user: $h
  password: secret-$h
  max_received_per_minute: 1000000
YAML
  ip netns exec "$P-$h" "${UNCLOAK[@]}" watch --config "$WORK/$h.yaml" ${VERBOSE:+--verbose} > "$WORK/$h.log" 2>&1 &
  PIDS+=($!)
}
wait_connected() { # host
  for _ in $(seq 900); do grep -q "fleet connected" "$WORK/$1.log" && return 0; sleep 0.1; done
  echo "agent $1 did not join the fleet:"; tail -20 "$WORK/$1.log"; exit 1
}
count_set() { # host
  ip netns exec "$P-$1" nft -j list set inet uncloak ban4 2>/dev/null \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(len(x["set"].get("elem",[])) for x in d["nftables"] if "set" in x))' 2>/dev/null || echo 0
}
ms() { date +%s%3N; }
monitor() { # host: counts the burst's distinct addresses added to the host's sets; one line "ms count" per event
  python3 -u -c '
import ipaddress, re, subprocess, sys, time
p = subprocess.Popen(["ip", "netns", "exec", sys.argv[1], "nft", "monitor", "new", "elements"], stdout=subprocess.PIPE, text=True, bufsize=1)
base, want, seen = int(ipaddress.IPv4Address("198.18.212.0")), int(sys.argv[2]), set()
for line in p.stdout:
    seen.update(a for a in re.findall(r"\d+\.\d+\.\d+\.\d+", line) if base <= int(ipaddress.IPv4Address(a)) < base + want)
    print(time.time_ns() // 1000000, len(seen), flush=True)
    if len(seen) >= want:
        break
p.kill()
' "$P-$1" "$BURST" > "$WORK/monitor-$1.log" &
  PIDS+=($!)
}
probe_set() { # host: true when the 16 sample addresses are all in the host's set
  ip netns exec "$P-$1" nft get element inet uncloak ban4 "{ $SAMPLE }" > /dev/null 2>&1
}
monitored() { # host: ms when the host's sets held the whole burst, empty while not yet
  awk -v want="$BURST" '$2 >= want { print $1; exit }' "$WORK/monitor-$1.log" 2>/dev/null
}

if part 1 || part 3; then
  for h in a b c; do start_agent $h; done
  for h in a b c; do wait_connected $h; done
fi
! bus || echo "cluster: 3 nats-server $(nats-server --version | awk '{print $2}') nodes$(part 1 || part 3 && echo ", agents a b c connected ($(grep -o 'key_ttl=[a-z]*' "$WORK/a.log" | head -1))"); load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

if part 1; then
echo "== 1. propagation a → b kernel set, $PROP bans (uncloak bans add on a; nft monitor in b)"
# Let b's table exist before monitoring (a first ban creates it).
ip netns exec "$P-a" "${UNCLOAK[@]}" bans add 198.18.210.1 --for 1h --db "$WORK/a.db" >/dev/null
for _ in $(seq 100); do [ "$(count_set b)" -ge 1 ] && break; sleep 0.1; done
python3 -u -c '
import subprocess, sys, time
p = subprocess.Popen(["ip", "netns", "exec", sys.argv[1], "nft", "monitor", "new", "elements"], stdout=subprocess.PIPE, text=True, bufsize=1)
for line in p.stdout:
    print(time.time_ns() // 1000, line.strip(), flush=True)
' "$P-b" > "$WORK/monitor.txt" &
PIDS+=($!)
sleep 1
: > "$WORK/sent.txt"
for i in $(seq 1 "$PROP"); do
  addr="198.18.$((211 + i / 250)).$((i % 250 + 1))"
  ip netns exec "$P-a" "${UNCLOAK[@]}" bans add "$addr" --for 1h --db "$WORK/a.db" >/dev/null
  echo "$addr" >> "$WORK/sent.txt"
done
sleep 2
python3 - "$WORK/sent.txt" "$WORK/monitor.txt" "$WORK/a.db" <<'PY'
import sys, re, math, sqlite3
wanted = {l.strip() for l in open(sys.argv[1])}
# The decision's time on a (created_ms in a's store, taken when the CLI decides, before its store and kernel commits).
db = sqlite3.connect(sys.argv[3])
sent = {t.removesuffix("/32"): c * 1000 for t, c in db.execute("SELECT target, max(created_ms) FROM decisions GROUP BY target") if t.removesuffix("/32") in wanted}
seen = {}
for l in open(sys.argv[2]):
    t, rest = l.split(" ", 1)
    for a in re.findall(r"\d+\.\d+\.\d+\.\d+", rest):
        seen.setdefault(a, int(t))
lat = sorted((seen[a] - t) / 1000 for a, t in sent.items() if a in seen)
def pct(p): return lat[max(1, math.ceil(p / 100 * len(lat))) - 1]
print(f"   {len(lat)} of {len(sent)} bans seen in b's set; latency from the decision on a (its store's created_ms) to b's kernel (nft monitor): p50 {pct(50):.0f} ms, p90 {pct(90):.0f} ms, p99 {pct(99):.0f} ms, max {lat[-1]:.0f} ms, min {lat[0]:.0f} ms")
PY
# Issue 13 item 6: what the three running agents hold on the cluster (a KV watch each before; none once synced after).
consumers=0
for n in 0 1 2; do
  c=$(ip netns exec "$P-bus" curl -sf "http://127.0.0.1:$((8222 + n))/jsz" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("consumers", 0))' 2>/dev/null || echo 0)
  consumers=$((consumers + c))
done
echo "   consumers on the cluster with agents a, b, c running (/jsz, summed over the nodes): $consumers"
fi

if part 2; then
echo "== 2. bus side: $WATCHERS ${BUS_MODE:-kv} watchers on $CONNECTIONS connections, $BUS_BANS puts (one per 20 ms)"
ip netns exec "$P-bus" dotnet bench/fleet/BusWatchers/bin/Release/net10.0/BusWatchers.dll \
  nats://127.0.0.1:4222,nats://127.0.0.1:4223,nats://127.0.0.1:4224 bench secret-bench "$WATCHERS" "$CONNECTIONS" "$BUS_BANS" 20 \
  http://127.0.0.1:8222,http://127.0.0.1:8223,http://127.0.0.1:8224 "${BUS_MODE:-kv}" | sed 's/^/   /' || echo "   (not every pair delivered)"
fi

if part 3; then
echo "== 3. burst: $BURST bans imported on a → a's, b's and c's kernel sets; then late joiner d"
python3 -c '
import ipaddress, sys
# From 198.18.212.0 up (to 198.19.90.x for 100k): clear of the links (198.18.200.0/24) and part 1 (198.18.210-211.x).
base = int(ipaddress.IPv4Address("198.18.212.0"))
open(sys.argv[2], "w").write("".join(f"{ipaddress.IPv4Address(base + i)}\n" for i in range(int(sys.argv[1]))))' "$BURST" "$WORK/burst.txt"
before_b=$(count_set b)
if [ -n "${MONITOR:-}" ]; then for h in a b c d; do monitor $h; done; sleep 1; fi
SAMPLE=$(python3 -c '
import ipaddress, sys
n, base = int(sys.argv[1]), int(ipaddress.IPv4Address("198.18.212.0"))
print(", ".join(str(ipaddress.IPv4Address(base + (n - 1) * k // 15)) for k in range(16)))' "$BURST")
t0=$(ms)
ip netns exec "$P-a" "${UNCLOAK[@]}" bans import "$WORK/burst.txt" --for 1h --db "$WORK/a.db" > "$WORK/import.txt" 2>&1 \
  || { echo "   bans import on a failed:"; cat "$WORK/import.txt"; exit 1; }
t1=$(ms)
echo "   import on a returned after $((t1 - t0)) ms (started $(date -u -d @"${t0:0:10}.${t0:10}" +%T.%3N) UTC, for the agents' --verbose lines)"
declare -A done_at=([none]=0)
complete=0
deadline=$(( $(date +%s) + 120 ))
if [ -n "${PROBE:-}" ]; then
  while [ "$complete" -lt 3 ] && [ "$(date +%s)" -lt "$deadline" ]; do
    for h in a b c; do
      [ -n "${done_at[$h]:-}" ] && continue
      probe_set $h || continue
      done_at[$h]=$(( $(ms) - t0 )); complete=$((complete + 1)); echo "   $h: the 16 sample addresses in its set at ${done_at[$h]} ms after the import started (nft get element)"
    done
    sleep 0.1
  done
  for h in a b c; do echo "   $h holds $(count_set $h) elements (full count, after)"; done
fi
if [ -n "${MONITOR:-}" ]; then
  while [ "$complete" -lt 3 ] && [ "$(date +%s)" -lt "$deadline" ]; do
    sleep 0.2
    for h in a b c; do
      [ -n "${done_at[$h]:-}" ] && continue
      at=$(monitored $h)
      [ -z "$at" ] || { done_at[$h]=$((at - t0)); complete=$((complete + 1)); echo "   $h: the whole burst in its set at ${done_at[$h]} ms after the import started (nft monitor)"; }
    done
  done
fi
while [ "$complete" -lt 3 ] && [ "$(date +%s)" -lt "$deadline" ]; do
  for h in a b c; do
    [ -n "${done_at[$h]:-}" ] && continue
    n=$(count_set $h)
    [ -z "${PROGRESS:-}" ] || echo "   progress: $h $n at $(( $(ms) - t0 )) ms"
    if [ "$n" -ge $((BURST + before_b)) ]; then done_at[$h]=$(( $(ms) - t0 )); complete=$((complete + 1)); echo "   $h holds $n elements at ${done_at[$h]} ms after the import started"; fi
  done
done
for h in a b c; do [ -n "${done_at[$h]:-}" ] || echo "   $h: only $(count_set $h) elements after 120 s"; done
# Late joiner: d starts now, with an empty store; its snapshot holds everything a published.
t0=$(ms)
start_agent d
wait_connected d
tc=$(ms)
echo "   d: process start → fleet connected $((tc - t0)) ms"
deadline=$(( $(date +%s) + 120 ))
while [ -n "${PROBE:-}" ] && [ "$(date +%s)" -lt "$deadline" ]; do
  probe_set d || { sleep 0.1; continue; }
  t2=$(ms); echo "   d: the 16 sample addresses in its set $((t2 - t0)) ms after its start, $((t2 - tc)) ms after it connected (nft get element)"; break
done
while [ -n "${MONITOR:-}" ] && [ "$(date +%s)" -lt "$deadline" ]; do
  sleep 0.2
  at=$(monitored d)
  [ -z "$at" ] || { echo "   d: the whole burst in its set $((at - t0)) ms after its start, $((at - tc)) ms after it connected (nft monitor)"; break; }
done
while [ "$(date +%s)" -lt "$deadline" ]; do
  n=$(count_set d)
  if [ "$n" -ge $((BURST + before_b)) ]; then t2=$(ms); echo "   d holds $n elements: $((t2 - t0)) ms after its start, $((t2 - tc)) ms after it connected"; break; fi
done
[ "$(count_set d)" -ge $((BURST + before_b)) ] || echo "   d: only $(count_set d) elements after 120 s"
# CPU seconds (user + system) each agent used since it started: the work, whatever the load made of the wall time.
for h in a b c d; do
  pid=$(pgrep -f "uncloak.dll watch --config $WORK/$h.yaml" | head -1)
  echo "   agent $h RSS $(ps -o rss= -p "$pid" 2>/dev/null || echo ?) KiB, CPU $(awk -v t="$(getconf CLK_TCK)" '{ printf "%.1f s", ($14 + $15) / t }' "/proc/$pid/stat" 2>/dev/null || echo ?)"
done
echo "   nats-server RSS: $(for p in $(pgrep -f "nats-server -c $WORK/"); do ps -o rss= -p "$p"; done | tr '\n' ' ')KiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
fi

if part 4; then
echo "== 4. CrowdSec LAPI + stream bouncers polling every 10 s: $CROWDSEC_DECISIONS bans per round (cscli decisions add, one per 2 s), bouncers: $CROWDSEC_BOUNCERS"
if ! command -v crowdsec >/dev/null || ! command -v cscli >/dev/null; then
  echo "   installing the Debian crowdsec package"
  # Its postinst registers with CrowdSec's online API and fails offline unless this file is non-empty (README.Debian);
  # nothing here uses the online API. The package's own service is not used (nor started or stopped) by this script.
  mkdir -p /etc/crowdsec
  [ -s /etc/crowdsec/online_api_credentials.yaml ] || echo '# no online API (bench/fleet/run.sh)' > /etc/crowdsec/online_api_credentials.yaml
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends crowdsec > "$WORK/apt.log" 2>&1 \
    || dpkg --configure crowdsec >> "$WORK/apt.log" 2>&1 \
    || { echo "   crowdsec could not be installed:"; tail -5 "$WORK/apt.log"; exit 3; }
fi
CS=$WORK/cs; CS_PORT=18090
mkdir -p "$CS/data" "$CS/hub"
[ ! -f /usr/share/crowdsec/hub/.index.json ] || cp /usr/share/crowdsec/hub/.index.json "$CS/hub/"
printf 'simulation: false\n' > "$CS/simulation.yaml"
printf 'name: default_ip_remediation\nfilters:\n - Alert.Remediation == true && Alert.GetScope() == "Ip"\ndecisions:\n - type: ban\n   duration: 4h\non_success: break\n' > "$CS/profiles.yaml"
# LAPI only, on the namespace's loopback, its own SQLite database; no online_client section: no online API.
cat > "$CS/config.yaml" <<YAML
common: { daemonize: false, log_media: file, log_dir: $CS/, log_level: error, working_dir: . }
config_paths: { config_dir: $CS/, data_dir: $CS/data/, simulation_path: $CS/simulation.yaml, hub_dir: $CS/hub/, index_path: $CS/hub/.index.json, notification_dir: $CS/notifications/, plugin_dir: /usr/lib/crowdsec/plugins/ }
db_config: { type: sqlite, db_path: $CS/data/crowdsec.db, use_wal: true }
prometheus: { enabled: false }
api:
  client: { credentials_path: $CS/local_api_credentials.yaml }
  server: { listen_uri: 127.0.0.1:$CS_PORT, profiles_path: $CS/profiles.yaml, log_level: error }
YAML
ip netns add "$P-cs"; ip -n "$P-cs" link set lo up
cscli_() { ip netns exec "$P-cs" cscli -c "$CS/config.yaml" "$@"; }
cscli_ machines add bench --password "bench-$ID-secret" -f "$CS/local_api_credentials.yaml" --url "http://127.0.0.1:$CS_PORT" > "$WORK/cscli.log" 2>&1 \
  || { echo "   cscli machines add failed:"; cat "$WORK/cscli.log"; exit 1; }
max=0; for n in $CROWDSEC_BOUNCERS; do [ "$n" -le "$max" ] || max=$n; done
for i in $(seq 0 $((max - 1))); do printf 'uncloakbench%06d%s\n' "$i" "$ID"; done > "$WORK/cs-keys.txt"
cscli_ bouncers add bench-0 -k "$(head -1 "$WORK/cs-keys.txt")" >> "$WORK/cscli.log" 2>&1 || { echo "   cscli bouncers add failed:"; cat "$WORK/cscli.log"; exit 1; }
# The other bouncers: copies of the row `cscli bouncers add` wrote, each with its own name and key (stored as the key's
# SHA-512, as cscli does; checked on bench-0 first): a cscli process per bouncer would cost minutes on this machine.
python3 - "$CS/data/crowdsec.db" "$WORK/cs-keys.txt" <<'PY' || exit 1
import hashlib, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
keys = [k.strip() for k in open(sys.argv[2])]
cols = [r[1] for r in db.execute("PRAGMA table_info(bouncers)")]
row = dict(zip(cols, db.execute("SELECT * FROM bouncers WHERE name = 'bench-0'").fetchone()))
if row["api_key"] != hashlib.sha512(keys[0].encode()).hexdigest():
    sys.exit("   this crowdsec does not store a bouncer's key as its SHA-512: add the bouncers with cscli instead")
cols.remove("id")
for i, k in enumerate(keys[1:], 1):
    row.update(name=f"bench-{i}", api_key=hashlib.sha512(k.encode()).hexdigest())
    db.execute(f"INSERT INTO bouncers ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", [row[c] for c in cols])
db.commit()
PY
ip netns exec "$P-cs" crowdsec -c "$CS/config.yaml" -no-cs > "$WORK/crowdsec.log" 2>&1 &
PIDS+=($!); CS_PID=$!
for _ in $(seq 100); do
  [ "$(ip netns exec "$P-cs" curl -s -o /dev/null -w '%{http_code}' -H "X-Api-Key: $(head -1 "$WORK/cs-keys.txt")" "http://127.0.0.1:$CS_PORT/v1/decisions/stream?startup=true")" = 200 ] && break; sleep 0.2
done
echo "   crowdsec $(crowdsec -version 2>&1 | grep -m1 -oE 'v[0-9][0-9.]*') LAPI on 127.0.0.1:$CS_PORT in $P-cs, $max bouncers; load $(cut -d' ' -f1-3 /proc/loadavg)"
round=0
for n in $CROWDSEC_BOUNCERS; do
  round=$((round + 1))
  head -"$n" "$WORK/cs-keys.txt" > "$WORK/cs-keys-$n.txt"; : > "$WORK/cs-added-$n.txt"
  # Every bouncer starts (startup=true) within the first interval; the bans come after it, the last one gets a full interval more.
  ip netns exec "$P-cs" python3 -u bench/fleet/lapi-bouncers.py "http://127.0.0.1:$CS_PORT" "$WORK/cs-keys-$n.txt" "$WORK/cs-stop-$n" 10 "$WORK/cs-added-$n.txt" > "$WORK/cs-bouncers-$n.txt" 2>&1 &
  client=$!; PIDS+=($client)
  for _ in $(seq 100); do grep -q READY "$WORK/cs-bouncers-$n.txt" && break; sleep 0.2; done
  sleep 12
  for i in $(seq 1 "$CROWDSEC_DECISIONS"); do
    addr="198.18.$((229 + round)).$i"
    cscli_ decisions add -i "$addr" -d 1h -R "uncloak bench" >> "$WORK/cscli.log" 2>&1 || { echo "   cscli decisions add failed:"; tail -3 "$WORK/cscli.log"; exit 1; }
    echo "$addr $(ms)" >> "$WORK/cs-added-$n.txt"
    sleep 2
  done
  sleep 13; touch "$WORK/cs-stop-$n"
  wait "$client" || true
  echo "   $(grep -v READY "$WORK/cs-bouncers-$n.txt"); LAPI RSS $(ps -o rss= -p "$CS_PID" | tr -d ' ') KiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
done
fi
