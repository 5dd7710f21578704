#!/usr/bin/env bash
# Watch (issue 5) figures, whole-process: replay throughput of `uncloak watch --replay` on a generated kern.log, and an
# idle daemon's RSS and CPU with the default source (/dev/kmsg; needs root). See docs/PERFORMANCE.md "## Watch (issue 5)".
# Usage: bench/watch/run.sh [LINES] [IDLE_SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
LINES=${1:-2000000}
IDLE=${2:-60}
WORK=${WORK:-/tmp/uncloak-watch-bench}
mkdir -p "$WORK"
dotnet build bench/Uncloak.Benchmarks -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build src/Uncloak.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
UNCLOAK=src/Uncloak.Cli/bin/Release/net10.0/uncloak
CORPUS="$WORK/kern-$LINES.log"
[ -s "$CORPUS" ] || dotnet bench/Uncloak.Benchmarks/bin/Release/net10.0/Uncloak.Benchmarks.dll generate --lines "$LINES" --seed 1 --out "$CORPUS" --truth "$WORK/truth.json"
cat "$CORPUS" > /dev/null
echo "== replay: $LINES lines through the shipped scenarios"
/usr/bin/time -f "wall %e s, peak RSS %M KB" "$UNCLOAK" watch --replay "$CORPUS" | tail -1

echo "== idle daemon for $IDLE s (kmsg source, metrics on 127.0.0.1:19990)"
rm -f "$WORK/idle.db"*
# --simulate: decisions are recorded, the host's firewall is never touched by a benchmark.
"$UNCLOAK" watch --simulate --db "$WORK/idle.db" --metrics 127.0.0.1:19990 2>"$WORK/idle.log" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true' EXIT
sleep 10   # start-up and the first read of the kernel ring are not idle
T0=$(awk '{print $14+$15}' /proc/$PID/stat)
sleep "$IDLE"
T1=$(awk '{print $14+$15}' /proc/$PID/stat)
HZ=$(getconf CLK_TCK)
python3 -c "print(f'CPU: {($T1-$T0)/$HZ:.2f} s over $IDLE s = {100*($T1-$T0)/$HZ/$IDLE:.2f}% of a core')"
grep -E 'VmRSS|RssAnon|RssFile' /proc/$PID/status
