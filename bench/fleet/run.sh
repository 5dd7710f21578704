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
# Addresses: 198.18.0.0/15 only; namespaces ufb-<pid>-*; everything removed on exit. Needs root, nats-server, nftables.
# PROGRESS=1 prints every poll of part 3; KEEP_LOGS=DIR keeps the agents' and nodes' logs there.
# Usage: bench/fleet/run.sh [PROP=100] [WATCHERS=1000] [BURST=100000] [BUS_BANS=200] [CONNECTIONS=50]
set -euo pipefail
cd "$(dirname "$0")/../.."
PROP=${1:-100}; WATCHERS=${2:-1000}; BURST=${3:-100000}; BUS_BANS=${4:-200}; CONNECTIONS=${5:-50}
[ "$(id -u)" = 0 ] || { echo "run as root (namespaces, nftables)" >&2; exit 3; }
ID=$$
P=ufb-$ID
WORK=$(mktemp -d /tmp/uncloak-bench-fleet-XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do pkill -P "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done
  # No bare `wait`: a run cut by `timeout` hung in it once and left its namespaces; a bounded pause instead.
  sleep 1
  for ns in bus a b c d; do ip netns del "$P-$ns" 2>/dev/null || true; done
  [ -z "${KEEP_LOGS:-}" ] || { mkdir -p "$KEEP_LOGS"; cp "$WORK"/*.log "$KEEP_LOGS"/ 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT

for project in src/Uncloak.Cli bench/fleet/BusWatchers; do
  nice -n 10 dotnet build "$project" -c Release -nologo -v q -clp:ErrorsOnly > "$WORK/build.log" 2>&1 || { echo "build of $project failed:"; cat "$WORK/build.log"; exit 1; }
done
UNCLOAK=(dotnet "$PWD/src/Uncloak.Cli/bin/Release/net10.0/uncloak.dll")
HOSTS=(a b c d)

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
  ip netns exec "$P-$h" "${UNCLOAK[@]}" watch --config "$WORK/$h.yaml" > "$WORK/$h.log" 2>&1 &
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

for h in a b c; do start_agent $h; done
for h in a b c; do wait_connected $h; done
echo "cluster: 3 nats-server $(nats-server --version | awk '{print $2}') nodes, agents a b c connected; load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

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

echo "== 2. bus side: $WATCHERS KV watchers on $CONNECTIONS connections, $BUS_BANS puts (one per 20 ms)"
ip netns exec "$P-bus" dotnet bench/fleet/BusWatchers/bin/Release/net10.0/BusWatchers.dll \
  nats://127.0.0.1:4222,nats://127.0.0.1:4223,nats://127.0.0.1:4224 bench secret-bench "$WATCHERS" "$CONNECTIONS" "$BUS_BANS" 20 \
  http://127.0.0.1:8222,http://127.0.0.1:8223,http://127.0.0.1:8224 | sed 's/^/   /' || echo "   (not every pair delivered)"

echo "== 3. burst: $BURST bans imported on a → a's, b's and c's kernel sets; then late joiner d"
python3 -c '
import ipaddress, sys
# From 198.18.212.0 up (to 198.19.90.x for 100k): clear of the links (198.18.200.0/24) and part 1 (198.18.210-211.x).
base = int(ipaddress.IPv4Address("198.18.212.0"))
open(sys.argv[2], "w").write("".join(f"{ipaddress.IPv4Address(base + i)}\n" for i in range(int(sys.argv[1]))))' "$BURST" "$WORK/burst.txt"
before_b=$(count_set b)
t0=$(ms)
ip netns exec "$P-a" "${UNCLOAK[@]}" bans import "$WORK/burst.txt" --for 1h --db "$WORK/a.db" > "$WORK/import.txt" 2>&1 \
  || { echo "   bans import on a failed:"; cat "$WORK/import.txt"; exit 1; }
t1=$(ms)
echo "   import on a returned after $((t1 - t0)) ms"
declare -A done_at=([none]=0)
complete=0
deadline=$(( $(date +%s) + 120 ))
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
while [ "$(date +%s)" -lt "$deadline" ]; do
  n=$(count_set d)
  if [ "$n" -ge $((BURST + before_b)) ]; then t2=$(ms); echo "   d holds $n elements: $((t2 - t0)) ms after its start, $((t2 - tc)) ms after it connected"; break; fi
done
[ "$(count_set d)" -ge $((BURST + before_b)) ] || echo "   d: only $(count_set d) elements after 120 s"
for h in a b c d; do echo "   agent $h RSS $(ps -o rss= -p "$(pgrep -f "uncloak.dll watch --config $WORK/$h.yaml" | head -1)" 2>/dev/null || echo ?) KiB"; done
echo "   nats-server RSS: $(for p in $(pgrep -f "nats-server -c $WORK/"); do ps -o rss= -p "$p"; done | tr '\n' ' ')KiB; load $(cut -d' ' -f1-3 /proc/loadavg)"
