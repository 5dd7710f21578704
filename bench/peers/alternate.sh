#!/usr/bin/env bash
# Two builds of uncloak side by side on one log, rounds alternating (so load changes hit both alike): wall, user and
# system CPU and peak RSS of `analyze --json --no-store` and `analyze --json --db` for each, and whether each run's report
# is byte-identical to the first build's. CPU times are the steadier figure on a shared machine.
#
#   bench/peers/alternate.sh BASE_DIR NEW_DIR FILE [ROUNDS=3] [WORK=/tmp/alternate-$$]
#
# Each round also times the admin's grep pipeline of run.sh (treason lines only) on the same file, the yardstick.
# BASE_DIR and NEW_DIR hold an `uncloak` binary (packaging/publish.sh output). Run it at `nice -n -10` when others build.
set -euo pipefail
BASE=$1 NEW=$2 FILE=$3 ROUNDS=${4:-3} WORK=${5:-/tmp/alternate-$$}
mkdir -p "$WORK"
trap 'rm -f "$WORK"/*.db "$WORK"/*.db-wal "$WORK"/*.db-shm' EXIT
printf '%-5s %-5s %-10s %8s %8s %8s %8s  %s\n' round build mode wall user sys MiB report
for r in $(seq 1 "$ROUNDS"); do
  /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" bash -c "LC_ALL=C grep -E 'Treason uncloaked|unexpectedly shrunk window|Probing zero-window' '$FILE' | LC_ALL=C sed -E 's/.*(Peer|on) ([^ ]+):[0-9]+\/[0-9]+.*/\2/' | LC_ALL=C sort | LC_ALL=C uniq -c > '$WORK/grep.txt'"
  read -r wall user sys kb < "$WORK/time"
  printf '%-5s %-5s %-10s %8s %8s %8s %8d  %s\n' "$r" grep pipeline "$wall" "$user" "$sys" $((kb / 1024)) -
  for mode in no-store db; do
    for b in base new; do
      dir=$BASE; [ "$b" = new ] && dir=$NEW
      rm -f "$WORK/$b.db" "$WORK/$b.db-wal" "$WORK/$b.db-shm"
      args=(--no-store); [ "$mode" = db ] && args=(--db "$WORK/$b.db")
      /usr/bin/time -f '%e %U %S %M' -o "$WORK/time" "$dir/uncloak" analyze --json "${args[@]}" "$FILE" > "$WORK/$b-$mode.json"
      read -r wall user sys kb < "$WORK/time"
      same=-; [ "$b" = new ] && { cmp -s "$WORK/base-$mode.json" "$WORK/new-$mode.json" && same=identical || same=DIFFERENT; }
      printf '%-5s %-5s %-10s %8s %8s %8s %8d  %s\n' "$r" "$b" "$mode" "$wall" "$user" "$sys" $((kb / 1024)) "$same"
    done
  done
done
