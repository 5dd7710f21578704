#!/bin/bash
# Idle memory of the daemon, side by side: each BINARY (a Native AOT `uncloak`, or the daemon binary `uncloakd` that the
# shipped unit runs; both from packaging/publish.sh) runs `watch --simulate --no-kmsg --control off` (uncloakd: the same
# flags without the verb) with metrics on its own loopback port and its own store, all at the same time, so every build
# sees the same machine. Prints, per build, VmRSS / RssAnon / RssFile / threads at 20 s and 40 s
# and after one /metrics scrape, the CPU used between 20 s and 40 s, and where the resident pages are (from
# /proc/PID/smaps): the binary's mapped file, its .bss + .hydrated (the type data Native AOT writes out at start), the
# other anonymous memory (GC regions, malloc, thread stacks), and shared libraries.
#
#   bench/watch/idle-memory.sh [-r ROUNDS] [-s SECONDS] BINARY[,VAR=VALUE...]...
#   e.g. bench/watch/idle-memory.sh -r 3 /tmp/aot-base/uncloak /tmp/mem-aot/uncloak \
#          /tmp/mem-aot/uncloakd,DOTNET_GCgen0size=80000,DOTNET_GCgen0MaxBudget=100000     (the last: as the shipped unit runs it)
#
# Samples at 20 s, 40 s and then every 20 s up to SECONDS (default 40). Each round starts every daemon on a fresh store,
# as a first start does.
#
# Runs as any user (nothing privileged: --simulate enforces nothing, --no-kmsg reads no kernel log, the socket table and
# counters are read in the caller's network namespace); run it at `nice -n -10` beside other work. Ports 19977 and up.
set -euo pipefail
rounds=1 seconds=40
while [ $# -gt 0 ]; do
  case $1 in
    -r) rounds=$2; shift 2 ;;
    -s) seconds=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "usage: $0 [-r ROUNDS] [-s SECONDS] BINARY[,VAR=VALUE...]..." >&2; exit 2; }
bins=() envs=() labels=()
for arg in "$@"; do
  IFS=, read -r -a parts <<< "$arg"
  [ -x "${parts[0]}" ] || { echo "${parts[0]}: not an executable" >&2; exit 2; }
  bins+=("$(realpath "${parts[0]}")")
  envs+=("${parts[*]:1}")
  labels+=("$arg")
done
dir=$(mktemp -d /tmp/uncloak-idle-memory-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
hz=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
status() { awk '/^(VmRSS|RssAnon|RssFile|Threads):/ {printf "%s %s ", $1, ($1 == "Threads:" ? $2 : sprintf("%.1f", $2 / 1024))}' "/proc/$1/status"; }
# Resident KiB by kind of mapping, in MB.
breakdown() {
  python3 - "$1" "$2" <<'PY'
import re, sys
pid, binary = sys.argv[1], sys.argv[2]
kinds = {"binary file": 0, "binary bss+hydrated": 0, "other anon": 0, "libs": 0}
prev_path, prev_end, cur = None, None, None
for line in open(f"/proc/{pid}/smaps"):
    m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$", line)
    if m:
        start, end, path = int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip()
        if path == binary:
            cur = "binary file"
        elif path == "" and prev_path == binary and prev_end == start:
            cur = "binary bss+hydrated"
        elif path == "" or path.startswith("["):
            cur = "other anon"
        else:
            cur = "libs"
        prev_path, prev_end = path, end
    elif line.startswith("Rss:"):
        kinds[cur] += int(line.split()[1])
print("  ".join(f"{k} {v / 1024:.1f}" for k, v in kinds.items()))
PY
}
for round in $(seq 1 "$rounds"); do
  echo "round $round, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  pids=()
  for i in "${!bins[@]}"; do
    rm -f "$dir/$i.db"*
    verb=watch
    [ "$(basename "${bins[$i]}")" = uncloakd ] && verb=
    # shellcheck disable=SC2086 # the VAR=VALUE list is meant to split; uncloakd takes no verb
    env ${envs[$i]} "${bins[$i]}" $verb --simulate --no-kmsg --db "$dir/$i.db" --metrics "127.0.0.1:$((19977 + i))" --control off > "$dir/$i.log" 2>&1 &
    pids+=($!)
  done
  declare -A c20=()
  for t in $(seq 20 20 "$seconds"); do
    sleep 20
    for i in "${!pids[@]}"; do
      p=${pids[$i]}
      kill -0 "$p" 2>/dev/null || { echo "${labels[$i]} exited:"; cat "$dir/$i.log"; exit 1; }
      if [ "$t" = 20 ]; then c20[$i]=$(cpu "$p"); cpu_text=""
      else cpu_text=" CPU 20-$t s $(echo "scale=2; 100 * ($(cpu "$p") - ${c20[$i]}) / $hz / ($t - 20)" | bc) % of a core"; fi
      echo "  $t s  ${labels[$i]}: $(status "$p")$cpu_text"
    done
  done
  for i in "${!pids[@]}"; do
    echo "        ${labels[$i]}: $(breakdown "${pids[$i]}" "${bins[$i]}")"
  done
  for i in "${!pids[@]}"; do
    curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$((19977 + i))/metrics"
    echo "  scrape ${labels[$i]}: $(status "${pids[$i]}")"
  done
  for p in "${pids[@]}"; do kill "$p"; done
  wait 2>/dev/null || true
done
