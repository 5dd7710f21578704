#!/usr/bin/env bash
# Socket-table benchmark (issue 3): N established connections between two throwaway network namespaces, then the time
# and peak memory of `uncloak sockets --once --json` (dump + analysis) against `ss -tin` printing the same table, both run
# inside the server namespace. Needs root. Everything it creates is removed on exit, even on failure or Ctrl-C.
#
#   bench/sockets/run.sh [CONNECTIONS=100000] [RUNS=5]
#   AOT=1 bench/sockets/run.sh ...   also times the shipped Native AOT build (packaging/publish.sh to /tmp/uc-bench-aot)
#
# Addresses: 198.19.77.1 (server) and 198.19.77.10-15 (clients), inside 198.18.0.0/15. Each helper process holds at most
# ~19,900 descriptors (the per-process limit here is 20,000), so the server side is spread over 7 processes sharing the
# port with SO_REUSEPORT and the client side over ceil(N/16,700) processes, each from its own source address.
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${1:-100000}
RUNS=${2:-5}
LIFETIME=900            # helpers exit by themselves after 15 minutes at the latest
S=uc-bench-sig-s
P=uc-bench-sig-p
PER_CLIENT=16700
SERVERS=7
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  ip netns del "$S" 2>/dev/null || true
  ip netns del "$P" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (namespaces)" >&2; exit 3; }
cleanup

dotnet build src/Uncloak.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
UNCLOAK=(dotnet "$PWD/src/Uncloak.Cli/bin/Release/net10.0/uncloak.dll")
if [ "${AOT:-0}" = 1 ]; then
  packaging/publish.sh /tmp/uc-bench-aot >/dev/null   # the shipped build: warnings are errors
fi

ip netns add "$S"; ip netns add "$P"
ip link add ucbs netns "$S" type veth peer name ucbp netns "$P"
ip -n "$S" addr add 198.19.77.1/24 dev ucbs
for i in 10 11 12 13 14 15 16; do ip -n "$P" addr add "198.19.77.$i/24" dev ucbp; done
for ns in "$S" "$P"; do ip -n "$ns" link set lo up; done
ip -n "$S" link set ucbs up; ip -n "$P" link set ucbp up
ip netns exec "$S" sysctl -qw net.core.somaxconn=65535

for _ in $(seq "$SERVERS"); do
  ip netns exec "$S" python3 bench/sockets/hold.py server 198.19.77.1 8080 "$LIFETIME" & pids+=($!)
done
sleep 1
left=$N; i=10
while [ "$left" -gt 0 ]; do
  n=$(( left < PER_CLIENT ? left : PER_CLIENT ))
  ip netns exec "$P" python3 bench/sockets/hold.py client "198.19.77.$i" 198.19.77.1 8080 "$n" "$LIFETIME" & pids+=($!)
  left=$(( left - n )); i=$(( i + 1 ))
done

# Wait (bounded) until the server namespace holds N established sockets.
for _ in $(seq 300); do
  est=$(ip netns exec "$S" ss -Htn state established | wc -l)
  [ "$est" -ge "$N" ] && break
  sleep 1
done
echo "established in the server namespace: $est (wanted $N)"

t() { # t LABEL CMD... : wall seconds and max RSS of one run, output discarded
  /usr/bin/time -f "%e %U %S %M" -o /tmp/uc-bench-time ip netns exec "$S" "$@" >/dev/null 2>&1 || true
  # uncloak exits 1 when it has findings; time(1) then adds a "Command exited…" line before the figures.
  read -r wall user sys rss < <(tail -n 1 /tmp/uc-bench-time)
  echo "$wall ($user+$sys) $rss"
}

echo "uncloak: ${UNCLOAK[*]} sockets --once --json   |   ss: ss -tin   (inside $S, $RUNS runs each)"
printf "%-6s %-34s %-34s %s\n" run "ss -tin: wall s (user+sys) RSS KiB" "uncloak: wall s (user+sys) RSS KiB" "${AOT:+uncloak AOT: wall s (user+sys) RSS KiB}"
for r in $(seq "$RUNS"); do
  a=$(t ss -tin)
  b=$(t "${UNCLOAK[@]}" sockets --once --json)
  c=""
  [ "${AOT:-0}" = 1 ] && c=$(t /tmp/uc-bench-aot/uncloak sockets --once --json)
  printf "%-6s %-34s %-34s %s\n" "$r" "$a" "$b" "$c"
done
echo "JSON summary of the last uncloak run:"
ip netns exec "$S" "${UNCLOAK[@]}" sockets --once --json | python3 -c 'import json,sys; d=json.load(sys.stdin); print({"sockets": d["sockets"], "findings": len(d["findings"]), "listeners": len(d["listeners"])})' || true
# UC_BENCH_PAUSE=SECONDS keeps the namespaces up that long after the runs (for profiling by hand), then cleans up.
sleep "${UC_BENCH_PAUSE:-0}" & wait $!   # in the background so a TERM/INT runs the cleanup at once
