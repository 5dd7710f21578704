#!/usr/bin/env bash
# Side by side: the per-line hot path (read lines, frame, classify, scanner + analysis, store writer) of this tree's
# build and a baseline build of bench/Uncloak.Benchmarks, on one generated corpus, runs interleaved so both see the
# same machine load (see docs/PERFORMANCE.md, "Per-line framing").
# Usage: bench/framing/phases.sh BASELINE_DLL [LINES] [MIX] [RUNS]
#   BASELINE_DLL  Uncloak.Benchmarks.dll of the build to compare with (e.g. a checkout of main, built in Release)
#   MIX           standard (default) or dense
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE=${1:?usage: bench/framing/phases.sh BASELINE_DLL [LINES] [MIX] [RUNS]}
LINES=${2:-2000000}
MIX=${3:-standard}
RUNS=${4:-2}
WORK=${WORK:-/tmp/uncloak-framing}
mkdir -p "$WORK"
dotnet build bench/Uncloak.Benchmarks -c Release -nologo -clp:ErrorsOnly >/dev/null
HEAD=bench/Uncloak.Benchmarks/bin/Release/net10.0/Uncloak.Benchmarks.dll
CORPUS="$WORK/kern-$MIX-$LINES.log"
[ -s "$CORPUS" ] || dotnet "$HEAD" generate --lines "$LINES" --seed 1 --mix "$MIX" --out "$CORPUS" --truth "$WORK/truth-$MIX-$LINES.json"
cat "$CORPUS" > /dev/null   # warm the page cache
for run in $(seq "$RUNS"); do
  for side in base head; do
    dll=$BASE; [ "$side" = head ] && dll=$HEAD
    echo "== run $run, $side, load $(cut -d' ' -f1-3 /proc/loadavg)"
    dotnet "$dll" phases "$CORPUS"
  done
done
