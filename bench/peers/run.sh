#!/usr/bin/env bash
# Side-by-side whole-process comparison on one generated kern.log (see docs/PERFORMANCE.md):
#   the admin's grep|sed|sort|uniq pipeline (treason lines only), fail2ban-regex with an equivalent filter,
#   and `uncloak analyze --json` (every family, filling the SQLite store).
# Usage: bench/peers/run.sh [LINES] [SEED]      (as root the first time: installs fail2ban with apt)
#        AOT=1 bench/peers/run.sh ...   also publishes and times the Native AOT build (the shipped binary)
#        UNCLOAK=/path/to/uncloak bench/peers/run.sh ...   times that binary instead of the JIT build in
#        src/Uncloak.Cli/bin/Release.
#        AOT=1 AOT_DIR=/path bench/peers/run.sh ...   times an existing packaging/publish.sh output instead.
#        FAIL2BAN=0 bench/peers/run.sh ...   leaves fail2ban-regex out (≈ 100 s per 10 M lines).
#        JIT=0 AOT=1 bench/peers/run.sh ...   times only the AOT build (its report is then the one checked).
#        MIX=dense bench/peers/run.sh 2000000   the dense mix (60% rare-kind events: link flaps, SYN flood, conntrack,
#        out of memory) instead of the standard one (35% LOG lines, 5% shrunk window).
set -euo pipefail
cd "$(dirname "$0")/../.."
LINES=${1:-10000000}
SEED=${2:-1}
MIX=${MIX:-standard}
WORK=${WORK:-/tmp/uncloak-peers}
mkdir -p "$WORK"

# fail2ban is installed (and its freshly started server stopped) only when it is compared: FAIL2BAN=0 touches nothing.
if [ "${FAIL2BAN:-1}" != 0 ] && ! command -v fail2ban-regex >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "run.sh: fail2ban-regex missing; run once as root to install it" >&2; exit 3; }
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends fail2ban >/dev/null
  pkill -f fail2ban-server 2>/dev/null || true   # the package starts its server; it must not run during timing
fi

# Builds run at low priority (the machine is shared); run the script itself at normal or raised priority.
nice -n 15 dotnet build bench/Uncloak.Benchmarks -c Release -nologo -clp:ErrorsOnly >/dev/null
nice -n 15 dotnet build src/Uncloak.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
UNCLOAK=${UNCLOAK:-src/Uncloak.Cli/bin/Release/net10.0/uncloak}
if [ "${AOT:-0}" = 1 ] && [ -z "${AOT_DIR:-}" ]; then
  AOT_DIR=$WORK/aot
  nice -n 15 packaging/publish.sh "$AOT_DIR" >/dev/null
fi

TAG="$LINES-$SEED"
[ "$MIX" = standard ] || TAG="$MIX-$TAG"
CORPUS="$WORK/kern-$TAG.log"
if [ ! -s "$CORPUS" ]; then
  dotnet bench/Uncloak.Benchmarks/bin/Release/net10.0/Uncloak.Benchmarks.dll generate --lines "$LINES" --seed "$SEED" --mix "$MIX" --out "$CORPUS" --truth "$WORK/truth-$TAG.json"
fi
cat "$CORPUS" > /dev/null   # warm the page cache so every tool reads from memory

F2B="$WORK/fail2ban"
if [ "${FAIL2BAN:-1}" != 0 ]; then
  rm -rf "$F2B" && cp -r /etc/fail2ban "$F2B" && cp bench/peers/treason.conf "$F2B/filter.d/uncloak-treason.conf"
fi

timed() {  # timed NAME COMMAND... ; prints seconds and peak RSS
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/time-$name" "$@"
  read -r secs kb < "$WORK/time-$name"
  echo "$name $secs $kb"
}

rm -f "$WORK/store.db"*
echo "== $LINES lines ($MIX mix), $(du -hL "$CORPUS" | cut -f1), load: $(cut -d" " -f1-3 /proc/loadavg)"
r_grep=$(timed grep bash -c "LC_ALL=C grep -E 'Treason uncloaked|unexpectedly shrunk window|Probing zero-window' '$CORPUS' | LC_ALL=C sed -E 's/.*(Peer|on) ([^ ]+):[0-9]+\/[0-9]+.*/\2/' | LC_ALL=C sort | LC_ALL=C uniq -c > '$WORK/grep.txt'")
r_unc=
[ "${JIT:-1}" = 0 ] || r_unc=$(timed uncloak bash -c "'$UNCLOAK' analyze --json --db '$WORK/store.db' '$CORPUS' > '$WORK/uncloak.json'")
r_aot=
if [ "${AOT:-0}" = 1 ]; then
  rm -f "$WORK/store-aot.db"*
  r_aot=$(timed uncloak-aot bash -c "'$AOT_DIR/uncloak' analyze --json --db '$WORK/store-aot.db' '$CORPUS' > '$WORK/uncloak-aot.json'")
  [ "${JIT:-1}" = 0 ] || cmp -s "$WORK/uncloak.json" "$WORK/uncloak-aot.json" || { echo "run.sh: the AOT build's report differs from the JIT build's" >&2; exit 1; }
fi
r_f2b=
[ "${FAIL2BAN:-1}" = 0 ] || r_f2b=$(timed fail2ban bash -c "fail2ban-regex -c '$F2B' -o ip '$CORPUS' uncloak-treason 2>/dev/null | LC_ALL=C sort | LC_ALL=C uniq -c > '$WORK/f2b.txt'")

python3 - "$LINES" "$r_grep" ${r_unc:+"$r_unc"} ${r_aot:+"$r_aot"} ${r_f2b:+"$r_f2b"} <<'PY'
import sys
lines = int(sys.argv[1])
rows = [a.split() for a in sys.argv[2:]]
rate = {n: lines / float(s) for n, s, _ in rows}
print(f"{'tool':<10} {'seconds':>8} {'lines/s':>12} {'peak RSS':>10}")
for n, s, kb in rows:
    print(f"{n:<10} {float(s):>8.2f} {rate[n]:>12,.0f} {int(kb)/1024:>8.0f} MB")
for n in ("uncloak", "uncloak-aot"):
    if n in rate:
        f2b = f"   {n} / fail2ban-regex: {rate[n]/rate['fail2ban']:.1f}x" if 'fail2ban' in rate else ""
        print(f"{n} / grep pipeline: {rate[n]/rate['grep']:.2f}x{f2b}")
PY
REPORT=$WORK/uncloak.json
[ "${JIT:-1}" != 0 ] || REPORT=$WORK/uncloak-aot.json
F2B_OUT=$WORK/f2b.txt
[ -n "$r_f2b" ] || F2B_OUT=-
python3 bench/peers/compare.py "$WORK/truth-$TAG.json" "$REPORT" "$WORK/grep.txt" "$F2B_OUT"
