#!/usr/bin/env bash
# Watch (issue 5) figures, whole-process: replay throughput of `uncloak watch --replay` on a generated kern.log, and an
# idle daemon's RSS and CPU with the default sources (/dev/kmsg and the socket table; needs root). See docs/PERFORMANCE.md
# "## Watch (issue 5)".
# Usage: bench/watch/run.sh [LINES] [IDLE_SECONDS]
#        AOT=1 bench/watch/run.sh ...   also the shipped Native AOT build (packaging/publish.sh into $WORK/aot), side by
#                                       side with the JIT one: replays one after the other, idle daemons at the same time
set -euo pipefail
cd "$(dirname "$0")/../.."
LINES=${1:-2000000}
IDLE=${2:-60}
WORK=${WORK:-/tmp/uncloak-watch-bench}
mkdir -p "$WORK"
dotnet build bench/Uncloak.Benchmarks -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build src/Uncloak.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
BUILDS=(jit)
declare -A BIN=([jit]=src/Uncloak.Cli/bin/Release/net10.0/uncloak)
if [ "${AOT:-0}" = 1 ]; then
  packaging/publish.sh "$WORK/aot" >/dev/null
  BUILDS+=(aot)
  BIN[aot]="$WORK/aot/uncloak"
fi
CORPUS="$WORK/kern-$LINES.log"
[ -s "$CORPUS" ] || dotnet bench/Uncloak.Benchmarks/bin/Release/net10.0/Uncloak.Benchmarks.dll generate --lines "$LINES" --seed 1 --out "$CORPUS" --truth "$WORK/truth.json"
cat "$CORPUS" > /dev/null

for b in "${BUILDS[@]}"; do
  echo "== $b replay: $LINES lines through the shipped scenarios (${BIN[$b]})"
  /usr/bin/time -f "wall %e s, peak RSS %M KB" "${BIN[$b]}" watch --replay "$CORPUS" | tail -1
done

declare -A PID T0
port=19990
for b in "${BUILDS[@]}"; do
  echo "== $b idle daemon for $IDLE s (default sources, metrics on 127.0.0.1:$port)"
  rm -f "$WORK/idle-$b.db"*
  # --simulate: decisions are recorded, the host's firewall is never touched by a benchmark.
  "${BIN[$b]}" watch --simulate --db "$WORK/idle-$b.db" --metrics "127.0.0.1:$port" 2>"$WORK/idle-$b.log" &
  PID[$b]=$!
  port=$((port + 1))
done
trap 'for p in "${PID[@]}"; do kill -TERM "$p" 2>/dev/null || true; done' EXIT
sleep 10   # start-up and the first read of the kernel ring are not idle
for b in "${BUILDS[@]}"; do T0[$b]=$(awk '{print $14+$15}' "/proc/${PID[$b]}/stat"); done
sleep "$IDLE"
HZ=$(getconf CLK_TCK)
for b in "${BUILDS[@]}"; do
  p=${PID[$b]}
  T1=$(awk '{print $14+$15}' "/proc/$p/stat")
  python3 -c "print(f'$b CPU: {($T1-${T0[$b]})/$HZ:.2f} s over $IDLE s = {100*($T1-${T0[$b]})/$HZ/$IDLE:.2f}% of a core')"
  grep -E 'VmRSS|RssAnon|RssFile|Threads' "/proc/$p/status" | sed "s/^/$b /"
  grep -E '^(Private_Dirty|Private_Clean|Shared_Clean)' "/proc/$p/smaps_rollup" | sed "s/^/$b /"
done
