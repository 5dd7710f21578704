#!/usr/bin/env bash
# Outage-forensics benchmark (issue 12, "Performance"): 100,000 established connections between two throwaway network
# namespaces (bench/sockets/hold.py), then, inside the server namespace:
#   1. `uncloak capture --seconds 0 --out DIR --json` (the on-demand incident bundle): wall time and peak RSS per round,
#      and a check that the bundle's during/ss.txt holds every established socket;
#   2. a real `ss -tinoe` dump of the table (its own wall time is the yardstick: bytes/s of ss writing to a file),
#      concatenated to >= DUMP_MB, then `uncloak analyze --no-store --json DUMP` and `uncloak analyze --db DB --json DUMP`
#      timed on it, as MB/s beside ss's.
# Needs root. Everything it creates is removed on exit, even on failure or Ctrl-C.
#
#   bench/forensics/run.sh [CONNECTIONS=100000] [RUNS=3] [DUMP_MB=100]
#   PART=capture|analyze (default both), KEEP_DUMP=FILE, NO_BUILD=1 (use the Release build there is), UC_BENCH_PAUSE=SECONDS (see the end)
#   AOT=1 bench/forensics/run.sh ...    also times the shipped Native AOT build (packaging/publish.sh to /tmp/uc-bench-forensics-aot,
#                                       or AOT_DIR=DIR for one published already)
#   BASE_AOT_DIR=DIR                    also times another published build (e.g. main's) in the same rounds (capture part)
#   NO_JIT=1                            leaves the JIT build out
#
# Addresses: 198.19.78.1 (server) and 198.19.78.10-16 (clients), inside 198.18.0.0/15; port 8080.
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${1:-100000}
RUNS=${2:-3}
DUMP_MB=${3:-100}
LIFETIME=900            # helpers exit by themselves after 15 minutes at the latest
S=uc-bench-for-s
P=uc-bench-for-p
PER_CLIENT=16700
SERVERS=7
WORK=$(mktemp -d /tmp/uc-bench-forensics.XXXXXX)
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  ip netns del "$S" 2>/dev/null || true
  ip netns del "$P" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || { echo "run.sh: needs root (namespaces)" >&2; exit 3; }
ip netns del "$S" 2>/dev/null || true
ip netns del "$P" 2>/dev/null || true

if [ "${NO_BUILD:-0}" != 1 ]; then
  dotnet build src/Uncloak.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
fi
JIT=(dotnet "$PWD/src/Uncloak.Cli/bin/Release/net10.0/uncloak.dll")
AOT_BIN=""
if [ "${AOT:-0}" = 1 ]; then
  AOT_DIR=${AOT_DIR:-}
  if [ -z "$AOT_DIR" ]; then
    AOT_DIR=/tmp/uc-bench-forensics-aot
    packaging/publish.sh "$AOT_DIR" >/dev/null   # the shipped build: warnings are errors
  fi
  AOT_BIN="$AOT_DIR/uncloak"
fi
builds=(); [ "${NO_JIT:-0}" = 1 ] || builds+=(jit); [ -n "$AOT_BIN" ] && builds+=(aot)
# BASE_AOT_DIR=DIR: another published build (main's) timed in the same rounds, alternating, for side-by-side ratios.
[ -n "${BASE_AOT_DIR:-}" ] && builds+=(base)
run_of() { case "$1" in aot) echo "$AOT_BIN" ;; base) echo "$BASE_AOT_DIR/uncloak" ;; *) echo "${JIT[*]}" ;; esac; }

ip netns add "$S"; ip netns add "$P"
ip link add ucfs netns "$S" type veth peer name ucfp netns "$P"
ip -n "$S" addr add 198.19.78.1/24 dev ucfs
for i in 10 11 12 13 14 15 16; do ip -n "$P" addr add "198.19.78.$i/24" dev ucfp; done
for ns in "$S" "$P"; do ip -n "$ns" link set lo up; done
ip -n "$S" link set ucfs up; ip -n "$P" link set ucfp up
ip netns exec "$S" sysctl -qw net.core.somaxconn=65535
# A wide port range in the client namespace (per namespace, never the host's): with the default 28,232 ports, a client
# address holding 16,700 connections makes each further connect() search a mostly used range, and the last thousands
# took minutes on a loaded machine.
ip netns exec "$P" sysctl -qw net.ipv4.ip_local_port_range="1024 65535"

for _ in $(seq "$SERVERS"); do
  ip netns exec "$S" python3 bench/sockets/hold.py server 198.19.78.1 8080 "$LIFETIME" & pids+=($!)
done
sleep 1
left=$N; i=10
while [ "$left" -gt 0 ]; do
  n=$(( left < PER_CLIENT ? left : PER_CLIENT ))
  ip netns exec "$P" python3 bench/sockets/hold.py client "198.19.78.$i" 198.19.78.1 8080 "$n" "$LIFETIME" >/dev/null & pids+=($!)
  left=$(( left - n )); i=$(( i + 1 ))
done

# Wait (bounded) until the server namespace holds N established sockets.
est=0
for _ in $(seq 300); do
  est=$(ip netns exec "$S" ss -Htn state established | wc -l)
  [ "$est" -ge "$N" ] && break
  [ $(( SECONDS % 15 )) = 0 ] && echo "  ... $est established after $SECONDS s"
  sleep 1
done
echo "established in the server namespace after $SECONDS s: $est (wanted $N); load average: $(cut -d' ' -f1-3 /proc/loadavg)"

t() { # t CMD... : "wall-s peak-RSS-KiB" of one run inside the server namespace, output to $WORK/out
  /usr/bin/time -f "%e s %M KB (%U+%S cpu)" -o "$WORK/time" ip netns exec "$S" "$@" >"$WORK/out" 2>"$WORK/err" || true
  # uncloak exits 1 when it names a layer; time(1) then adds a "Command exited…" line before the figures.
  tail -n 1 "$WORK/time"
}

if [ "${PART:-both}" != analyze ]; then
echo
echo "== 1. uncloak capture --seconds 0 --out DIR --json (inside $S, $RUNS rounds per build) =="
printf "%-6s %-5s %-36s %-12s %s\n" round build "wall, peak RSS" "ss.txt MB" "established sockets in the bundle"
for r in $(seq "$RUNS"); do
  for b in "${builds[@]}"; do
    out="$WORK/bundles-$b-$r"; mkdir -p "$out"
    # shellcheck disable=SC2046
    figures=$(t $(run_of "$b") capture --seconds 0 --out "$out" --db "$WORK/capture-$b.db" --json)  # one store per build: their schema versions may differ
    ss_txt=$(find "$out" -path '*/during/ss.txt' | head -n 1)
    if [ -n "$ss_txt" ]; then
      held=$(grep -c '^ESTAB' "$ss_txt" || true)
      mb=$(awk -v b="$(stat -c %s "$ss_txt")" 'BEGIN { printf "%.1f", b / 1e6 }')
      notes=$(grep '^problem' "$(dirname "$(dirname "$ss_txt")")/capture.txt" | grep -v 'ethtool\|^problem .*interfaces' | head -n 2 | tr '\n' ' ' || true)
    else
      held=0; mb=-; notes="no bundle: $(head -c 300 "$WORK/err")"
    fi
    verdict=$([ "$held" -ge "$est" ] && echo "all $held" || echo "MISSING: $held of $est")
    printf "%-6s %-5s %-36s %-12s %s %s\n" "$r" "$b" "$figures" "$mb" "$verdict" "$notes"
    rm -rf "$out"
  done
done

fi

if [ "${PART:-both}" != capture ]; then
echo
echo "== 2. ss -tinoe dump (the yardstick), then uncloak analyze on it =="
for r in $(seq "$RUNS"); do
  /usr/bin/time -f "%e %U %S" -o "$WORK/time" ip netns exec "$S" ss -tinoe >"$WORK/ss-$r.txt" 2>/dev/null  # -e: "Failed to find cgroup2 mount" per socket here
  bytes=$(stat -c %s "$WORK/ss-$r.txt"); read -r secs user sys < <(tail -n 1 "$WORK/time")
  # For reference, the same without -e: here -e costs ss a failed cgroup2 lookup per socket (most of its sys time).
  /usr/bin/time -f "%e %U %S" -o "$WORK/time-noe" ip netns exec "$S" ss -tino >"$WORK/ss-noe.txt" 2>/dev/null
  read -r nsecs nuser nsys < <(tail -n 1 "$WORK/time-noe")
  awk -v b="$(stat -c %s "$WORK/ss-noe.txt")" -v s="$nsecs" -v u="$nuser" -v k="$nsys" -v r="$r" 'BEGIN { printf "ss -tino  round %s: %.1f MB in %.2f s (%.2f+%.2f cpu) = %.1f MB/s wall, %.1f MB/s of CPU\n", r, b / 1e6, s, u, k, b / 1e6 / (s > 0 ? s : 0.01), b / 1e6 / (u + k > 0 ? u + k : 0.01) }'
  rm -f "$WORK/ss-noe.txt"
  awk -v b="$bytes" -v s="$secs" -v u="$user" -v k="$sys" -v r="$r" 'BEGIN { printf "ss -tinoe round %s: %.1f MB in %.2f s (%.2f+%.2f cpu) = %.1f MB/s wall, %.1f MB/s of CPU\n", r, b / 1e6, s, u, k, b / 1e6 / (s > 0 ? s : 0.01), b / 1e6 / (u + k > 0 ? u + k : 0.01) }'
done
one=$(stat -c %s "$WORK/ss-1.txt")
copies=$(( (DUMP_MB * 1000000 + one - 1) / one ))
for _ in $(seq "$copies"); do cat "$WORK/ss-1.txt"; done >"$WORK/dump.txt"
dump_bytes=$(stat -c %s "$WORK/dump.txt")
rm -f "$WORK"/ss-*.txt
[ -n "${KEEP_DUMP:-}" ] && cp "$WORK/dump.txt" "$KEEP_DUMP"   # KEEP_DUMP=FILE: keep the dump (for profiling the parser)
echo "dump: $copies copies of round 1 = $(awk -v b="$dump_bytes" 'BEGIN { printf "%.1f", b / 1e6 }') MB, $(grep -c '^ESTAB' "$WORK/dump.txt") socket lines"
printf "%-6s %-5s %-9s %-36s %-18s %s\n" round build store "wall, peak RSS" "MB/s wall / of CPU" "what it read (JSON)"
for r in $(seq "$RUNS"); do
  for b in "${builds[@]}"; do
    for store in no-store db; do
      if [ "$store" = no-store ]; then opt=(--no-store); else opt=(--db "$WORK/analyze.db"); fi
      # shellcheck disable=SC2046
      figures=$(t $(run_of "$b") analyze "${opt[@]}" --json "$WORK/dump.txt")
      secs=${figures%% s*}; cpu=${figures##*(}; cpu=${cpu%% cpu)}
      rate=$(awk -v b="$dump_bytes" -v s="$secs" -v c="$cpu" 'BEGIN { split(c, p, "+"); printf "%.1f / %.1f", b / 1e6 / (s > 0 ? s : 0.01), b / 1e6 / (p[1] + p[2] > 0 ? p[1] + p[2] : 0.01) }')
      read_n=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
v=d["verdicts"][0]; print("lines %s, malformed %s, layer %s" % (v["lines"], v["malformed"], v["layer"]))' "$WORK/out" 2>/dev/null || echo "? ($(head -c 200 "$WORK/err"))")
      printf "%-6s %-5s %-9s %-36s %-18s %s\n" "$r" "$b" "$store" "$figures" "$rate" "$read_n"
    done
  done
done
fi
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
# UC_BENCH_PAUSE=SECONDS keeps the namespaces up that long after the runs (for profiling by hand), then cleans up.
sleep "${UC_BENCH_PAUSE:-0}" & wait $!   # in the background so a TERM/INT runs the cleanup at once
