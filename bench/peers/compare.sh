#!/usr/bin/env bash
# Alternating rounds on one corpus: the grep pipeline of run.sh, then each given build's `analyze --json --db` on a fresh
# store; prints min and median wall time, median CPU and peak RSS per tool, and each build's ratio to the grep pipeline
# (medians). Builds that differ by one change are compared in the same rounds, so a noisy machine moves both alike; the
# order of grep and the builds is shuffled in every round, so none always runs first on a cold or a busy machine.
# Usage: bench/peers/compare.sh ROUNDS CORPUS BUILD_DIR...   (each BUILD_DIR holds an `uncloak` binary)
# e.g.   bench/peers/compare.sh 6 /tmp/uncloak-peers/kern-dense-2000000-1.log /tmp/aot-before /tmp/aot-after
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,6p' "$0" >&2; exit 2; }
rounds=$1 corpus=$2; shift 2
times=$(mktemp) db=$(mktemp -u --suffix=.db)
trap 'rm -f "$times" "$db" "$db"-*' EXIT
cat "$corpus" > /dev/null   # warm the page cache
for _ in $(seq "$rounds"); do
  for build in $(printf '%s\n' grep "$@" | shuf); do
    if [ "$build" = grep ]; then
      /usr/bin/time -f "grep %e %U %S %M" -a -o "$times" bash -c "LC_ALL=C grep -E 'Treason uncloaked|unexpectedly shrunk window|Probing zero-window' '$corpus' | LC_ALL=C sed -E 's/.*(Peer|on) ([^ ]+):[0-9]+\/[0-9]+.*/\2/' | LC_ALL=C sort | LC_ALL=C uniq -c > /dev/null"
    else
      rm -f "$db" "$db"-*
      /usr/bin/time -f "$build %e %U %S %M" -a -o "$times" "$build/uncloak" analyze --json --db "$db" "$corpus" > /dev/null
    fi
  done
done
python3 - "$times" <<'PY'
import sys, statistics, collections
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, wall, user, system, kb = line.split()
    runs[name].append((float(wall), float(user) + float(system), int(kb) / 1024))
grep = statistics.median(w for w, _, _ in runs["grep"])
for name, rs in runs.items():
    walls = [w for w, _, _ in rs]
    print(f"{name:30} wall min {min(walls):.2f} med {statistics.median(walls):.2f} s  cpu med {statistics.median(c for _, c, _ in rs):.2f} s"
          f"  peak {max(m for _, _, m in rs):.0f} MB  ratio {grep / statistics.median(walls):.2f}x")
PY
