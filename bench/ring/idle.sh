#!/bin/bash
# Issue 12 item 2: the idle cost of the incident packet ring. Two `uncloak watch` daemons side by side in one network
# namespace this script makes (198.18.77.1/24, a veth to a client namespace at .2), the same config but for
# `forensics: packets:` — one with the ring (service port 8080, the probe's), one with `packets: off` — and a small
# HTTP server on 8080. Measures each daemon's RSS and CPU over SECONDS idle, then over SECONDS of a light flow (the
# client fetching a page RATE times a second). Usage: bench/ring/idle.sh [SECONDS] [RATE] (default 60, 20); the Release
# build by default, UNCLOAK=/path/to/uncloak for a Native AOT one (packaging/publish.sh). Root; run it at `nice -n -10`.
# Touches nothing outside its two namespaces.
set -euo pipefail
seconds=${1:-60}
rate=${2:-20}
root=$(cd "$(dirname "$0")/../.." && pwd)
if [ -n "${UNCLOAK:-}" ]; then uncloak=("$UNCLOAK"); else uncloak=(dotnet "$root/src/Uncloak.Cli/bin/Release/net10.0/uncloak.dll"); fi
dir=$(mktemp -d /tmp/uncloak-bench-ring-XXXXXX)
srv=uc-ring-bench-s$$ cli=uc-ring-bench-c$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  ip netns del "$srv" 2>/dev/null || true
  ip netns del "$cli" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
ip netns add "$srv"
ip netns add "$cli"
ip link add ucrs$$ netns "$srv" type veth peer name ucrc$$ netns "$cli"
ip -n "$srv" addr add 198.18.77.1/24 dev ucrs$$
ip -n "$cli" addr add 198.18.77.2/24 dev ucrc$$
for ns in "$srv" "$cli"; do ip -n "$ns" link set lo up; done
ip -n "$srv" link set ucrs$$ up
ip -n "$cli" link set ucrc$$ up
mkdir -p "$dir/www" && head -c 2000 /dev/zero > "$dir/www/index.html"
ip netns exec "$srv" python3 -m http.server 8080 --bind 198.18.77.1 --directory "$dir/www" > /dev/null 2>&1 &
pids+=($!)
for mode in on off; do
  packets=$([ "$mode" = on ] && echo "{ window: 10s, max_bytes: 4MB, max_packets: 50000, ports: service }" || echo off)
  mkdir -p "$dir/$mode"
  cat > "$dir/$mode/uncloak.yaml" <<YAML
store: $dir/$mode/u.db
firewall: off
metrics: off
control: off
sources: { kmsg: false }
probes:
  - { name: site, http: "http://198.18.77.1:8080/", interval: 10s, timeout: 2s }
forensics: { dir: $dir/$mode/incidents, packets: $packets }
YAML
  ip netns exec "$srv" "${uncloak[@]}" watch --config "$dir/$mode/uncloak.yaml" > "$dir/$mode/daemon.log" 2>&1 &
  pids+=($!)
  echo "$!" > "$dir/$mode/pid"
done
# Started, and through the JIT's first minutes of work: the ring says so in the log (8007); both get the same warm-up.
for _ in $(seq 1 120); do grep -q 'event_id=8007' "$dir/on/daemon.log" && break; sleep 0.5; done
grep -q 'event_id=8007' "$dir/on/daemon.log" || { echo "the ring did not start:"; cat "$dir/on/daemon.log"; exit 1; }
grep -h 'event_id=8007' "$dir/on/daemon.log"
sleep 15
hz=$(getconf CLK_TCK)
# The watch process is `ip netns exec` itself (it execs the daemon: same pid).
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
measure() {
  local label=$1
  declare -A c0
  for mode in on off; do c0[$mode]=$(cpu "$(cat "$dir/$mode/pid")"); done
  local t0; t0=$(date +%s.%N)
  "${@:2}"
  local t1; t1=$(date +%s.%N)
  for mode in on off; do
    local p; p=$(cat "$dir/$mode/pid")
    local used; used=$(( $(cpu "$p") - c0[$mode] ))
    echo "$label ring=$mode: RSS $(( $(rss "$p") / 1024 )) MiB, CPU $(echo "scale=3; 100 * $used / $hz / ($t1 - $t0)" | bc) % of a core over $(echo "$t1 - $t0" | bc | cut -c1-5) s"
  done
}
idle() { sleep "$seconds"; }
flow() {
  local end=$(( $(date +%s) + seconds )) n=0
  while [ "$(date +%s)" -lt "$end" ] && [ $n -lt $(( seconds * rate * 2 )) ]; do
    ip netns exec "$cli" curl -s -o /dev/null --max-time 2 http://198.18.77.1:8080/ || true
    n=$((n + 1))
    sleep "$(echo "scale=3; 1 / $rate" | bc)"
  done
  echo "flow: $n requests in ${seconds} s"
}
measure idle idle
measure flow flow
grep -h 'event_id=8008' "$dir"/*/daemon.log || true
