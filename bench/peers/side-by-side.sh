#!/usr/bin/env bash
# Two builds of `uncloak analyze --json --db` on one corpus, alternating, with CPU times (user + sys) and peak RSS, and
# the grep pipeline of run.sh in every round: on a loaded machine wall times are noise, CPU times and ratios are not.
# Checks that both builds wrote the same report. See docs/PERFORMANCE.md, "Dense mix (issue 18 item 6)".
# Usage: bench/peers/side-by-side.sh BUILD_A BUILD_B CORPUS [ROUNDS=3]   (builds: packaging/publish.sh output folders)
#   OFF=1 also times each build with --no-store, so the store's own cost (with minus without) is read per build.
#   nice -n -10 bench/peers/side-by-side.sh /tmp/aot-final /tmp/dstore-aot2 /tmp/base-dense/kern-dense-2000000-1.log
set -euo pipefail
A=$1; B=$2; CORPUS=$3; ROUNDS=${4:-3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for r in $(seq 1 "$ROUNDS"); do
  for side in a b; do
    build=$A; [ "$side" = b ] && build=$B
    rm -f "$WORK/$side.db"*
    /usr/bin/time -f "round $r $build: %e s, %M KB peak, %U s user + %S s sys (load $(cut -d' ' -f1 /proc/loadavg))" \
      "$build/uncloak" analyze --json --db "$WORK/$side.db" "$CORPUS" > "$WORK/$side.json"
    if [ "${OFF:-0}" = 1 ]; then
      /usr/bin/time -f "round $r $build --no-store: %e s, %M KB peak, %U s user + %S s sys (load $(cut -d' ' -f1 /proc/loadavg))" \
        "$build/uncloak" analyze --json --no-store "$CORPUS" > "$WORK/$side-off.json"
      cmp -s "$WORK/$side.json" "$WORK/$side-off.json" || echo "round $r $build: the report with the store differs from the one without" >&2
    fi
  done
  /usr/bin/time -f "round $r grep pipeline: %e s, %M KB peak, %U s user + %S s sys" bash -c "LC_ALL=C grep -E 'Treason uncloaked|unexpectedly shrunk window|Probing zero-window' '$CORPUS' | LC_ALL=C sed -E 's/.*(Peer|on) ([^ ]+):[0-9]+\/[0-9]+.*/\2/' | LC_ALL=C sort | LC_ALL=C uniq -c > '$WORK/grep.txt'"
  cmp -s "$WORK/a.json" "$WORK/b.json" && echo "round $r: the two reports are identical" || echo "round $r: the reports differ" >&2
done
