#!/usr/bin/env bash
# Defend (issue 4) benchmark: ban 100,000 addresses end to end with Uncloak (store included) against a raw
# `nft -f` of the same set in one transaction, and fail2ban's own nftables action adding addresses one by one
# (as many as fit in 60 s); then ban latency from decision to kernel commit, with drops proven by the rule counter.
# Everything runs inside network namespaces this script creates (uc-bench-def-*) and removes on exit.
# Addresses: 198.18.0.0/15 only. Needs root, nftables, fail2ban (for the comparison), python3 (address lists).
# Usage: bench/firewall/run.sh [N=100000] [F2B_SECONDS=60] [ROUNDS=5]
#        UNCLOAK_BIN=/tmp/aot/uncloak bench/firewall/run.sh ...   times that binary (the shipped Native AOT build,
#        packaging/publish.sh) instead of the JIT build; LATENCY=0 leaves out part 4 (ban latency).
# Builds run at low priority (the machine is shared); run the script itself at normal or raised priority.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-100000}
F2B_SECONDS=${2:-60}
ROUNDS=${3:-5}
[ "$(id -u)" = 0 ] || { echo "run as root (namespaces, nftables)" >&2; exit 3; }

ID=$$
NS=uc-bench-def-s-$ID
PEER=uc-bench-def-p-$ID
WORK=$(mktemp -d /tmp/uncloak-bench-def-XXXXXX)
F2B_PID=""
cleanup() {
  if [ -n "$F2B_PID" ] && kill -0 "$F2B_PID" 2>/dev/null; then kill "$F2B_PID"; sleep 1; fi
  ip netns del "$NS" 2>/dev/null || true
  ip netns del "$PEER" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# Leftovers of an interrupted run of this script (same prefix) go first.
for old in $(ip netns list | awk '{print $1}' | grep '^uc-bench-def-' || true); do ip netns del "$old"; done

if [ -n "${UNCLOAK_BIN:-}" ]; then
  UNCLOAK=("$UNCLOAK_BIN")
else
  nice -n 15 dotnet build src/Uncloak.Cli -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
  UNCLOAK=(dotnet "$PWD/src/Uncloak.Cli/bin/Release/net10.0/uncloak.dll")
fi

ms() { date +%s%N; }
elapsed() { echo $(( ($2 - $1) / 1000000 )); }

fresh_ns() {
  if ip netns list | grep -q "^$NS\b"; then
    ip netns del "$NS"
    # The kernel frees a deleted namespace (and its 100k set elements) in a background worker: let it finish,
    # or it competes with the next measurement.
    sleep 3
  fi
  ip netns add "$NS"
  ip -n "$NS" link set lo up
}

# 198.18.64.0 + i: a plain list, and the same set as one nft transaction.
python3 - "$N" "$WORK" <<'PY'
import sys, ipaddress
n, work = int(sys.argv[1]), sys.argv[2]
base = int(ipaddress.IPv4Address("198.18.64.0"))
addrs = [str(ipaddress.IPv4Address(base + i)) for i in range(n)]
open(f"{work}/list.txt", "w").write("\n".join(addrs) + "\n")
with open(f"{work}/set.nft", "w") as f:
    f.write("table inet bench {\n  set ban4 { type ipv4_addr; flags timeout; }\n  chain bans { type filter hook prerouting priority raw; policy accept; ip saddr @ban4 counter drop; }\n}\n")
    f.write("add element inet bench ban4 { " + ", ".join(f"{a} timeout 1h" for a in addrs) + " }\n")
PY

# The kernel decides whether to build a notification per committed set element from one listener mask per netlink
# protocol, shared by every namespace: while any socket anywhere on the host listens to NFNLGRP_NFTABLES (an
# `uncloak watch` with its table monitor, `nft monitor`, firewalld), every nf_tables commit here, nft -f's and
# Uncloak's alike, also builds 100,000 notifications (2-3x the kernel time). Counted per round so a round can be judged.
nft_listeners() {
  local n=0 pid ns seen=" " proto groups
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    ns=$(readlink "/proc/$pid/ns/net" 2>/dev/null) || continue
    case "$seen" in *" $ns "*) continue ;; esac
    seen="$seen$ns "
    # /proc/net/netlink: protocol 12 is NETLINK_NETFILTER; bit 0x40 of the group mask is NFNLGRP_NFTABLES (7).
    while read -r _ proto _ groups _; do
      [ "$proto" = 12 ] && (( 0x$groups & 0x40 )) && n=$((n + 1))
    done < <(nsenter -t "$pid" -n cat /proc/net/netlink 2>/dev/null | tail -n +2)
  done
  echo "$n"
}

count_set() { # ns table set
  ip netns exec "$1" nft -j list set inet "$2" "$3" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(len(x["set"].get("elem",[])) for x in d["nftables"] if "set" in x))'
}

echo "== 1+2. raw nft -f vs uncloak bans import, $ROUNDS paired rounds (fresh namespace and store each time; the machine is shared, so pairs and medians)"
echo "   nft -f: table + set + $N elements with timeouts, one transaction"
echo "   uncloak: decide, store (SQLite, one transaction) and nftables (libnftables, one transaction; in parallel for large batches)"
: > "$WORK/rounds.txt"
for round in $(seq 1 "$ROUNDS"); do
  fresh_ns
  t0=$(ms); ip netns exec "$NS" nft -f "$WORK/set.nft"; t1=$(ms)
  nft_ms=$(elapsed "$t0" "$t1")
  [ "$(count_set "$NS" bench ban4)" = "$N" ] || { echo "nft -f did not load $N elements" >&2; exit 1; }
  fresh_ns
  rm -f "$WORK"/uncloak.db*
  t0=$(ms); ip netns exec "$NS" "${UNCLOAK[@]}" bans import "$WORK/list.txt" --for 1h --json --db "$WORK/uncloak.db" > "$WORK/import.json"; t1=$(ms)
  wall_ms=$(elapsed "$t0" "$t1")
  [ "$(count_set "$NS" uncloak ban4)" = "$N" ] || { echo "uncloak did not load $N elements" >&2; exit 1; }
  read -r dec sto ker tot < <(python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["timings_ms"]; print(t["decide"], t["store"], t["kernel"], t["total"])' "$WORK/import.json")
  echo "$nft_ms $tot $wall_ms $dec $sto $ker $(cut -d' ' -f1 /proc/loadavg)" >> "$WORK/rounds.txt"
  echo "   round $round: nft -f ${nft_ms} ms | uncloak in-process ${tot} ms (decide ${dec}, store done at ${sto}, kernel ${ker}), whole process ${wall_ms} ms | load $(cut -d' ' -f1 /proc/loadavg) | nf_tables listeners on the host: $(nft_listeners)"
done
read -r NFT_MS UC_TOTAL UC_WALL_MS < <(python3 - "$WORK/rounds.txt" <<'PY'
import sys, statistics
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
print(statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows), statistics.median(r[2] for r in rows))
PY
)
python3 - "$WORK/rounds.txt" <<'PY'
import sys, statistics
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
ratios = sorted(r[1] / r[0] for r in rows)
print(f"   medians: nft -f {statistics.median(r[0] for r in rows):.0f} ms, uncloak in-process {statistics.median(r[1] for r in rows):.0f} ms, whole process {statistics.median(r[2] for r in rows):.0f} ms; per-round ratio uncloak/nft: {', '.join(f'{x:.2f}' for x in ratios)}")
PY
t0=$(ms); ip netns exec "$NS" nft delete table inet uncloak; ip netns exec "$NS" "${UNCLOAK[@]}" bans sync --db "$WORK/uncloak.db" >/dev/null; t1=$(ms)
echo "restore after losing the table (bans sync, whole process): $(elapsed "$t0" "$t1") ms, set holds $(count_set "$NS" uncloak ban4)"

echo "== 3. fail2ban's nftables action, one ban at a time, for ${F2B_SECONDS} s"
if [ "$F2B_SECONDS" -gt 0 ] && command -v fail2ban-server >/dev/null; then
  fresh_ns
  F2B="$WORK/f2b"; cp -r /etc/fail2ban "$F2B"; rm -f "$F2B"/jail.d/*.conf "$F2B"/jail.d/*.local
  : > "$WORK/empty.log"
  cat > "$F2B/fail2ban.local" <<CONF
[Definition]
logtarget = $WORK/f2b.log
socket = $WORK/f2b.sock
pidfile = $WORK/f2b.pid
dbfile = :memory:
CONF
  cat > "$F2B/jail.local" <<CONF
[DEFAULT]
backend = polling
[bench]
enabled = true
filter = sshd
logpath = $WORK/empty.log
action = nftables[type=allports, name=bench]
bantime = 3600
maxretry = 1
CONF
  ip netns exec "$NS" fail2ban-server -c "$F2B" -s "$WORK/f2b.sock" -p "$WORK/f2b.pid" -x -b >/dev/null 2>&1
  for _ in $(seq 50); do [ -s "$WORK/f2b.pid" ] && break; sleep 0.2; done
  F2B_PID=$(cat "$WORK/f2b.pid")
  for _ in $(seq 50); do ip netns exec "$NS" nft list set inet f2b-table addr-set-bench >/dev/null 2>&1 && break; sleep 0.2; done
  # Feed addresses in chunks through fail2ban's own command; its action runs one `nft add element` per address.
  t0=$(ms); deadline=$(( $(date +%s) + F2B_SECONDS )); fed=0
  split -l 200 "$WORK/list.txt" "$WORK/chunk."
  for chunk in "$WORK"/chunk.*; do
    [ "$(date +%s)" -lt "$deadline" ] || break
    mapfile -t ips < "$chunk"
    timeout $(( deadline - $(date +%s) + 1 )) fail2ban-client -c "$F2B" -s "$WORK/f2b.sock" set bench banip "${ips[@]}" >/dev/null || true
    fed=$(( fed + ${#ips[@]} ))
  done
  t1=$(ms)
  F2B_DONE=$(count_set "$NS" f2b-table addr-set-bench)
  F2B_MS=$(elapsed "$t0" "$t1")
  F2B_RATE=$(python3 -c "print(round($F2B_DONE / ($F2B_MS / 1000), 1))")
  echo "fail2ban: ${F2B_DONE} of ${fed} fed addresses in the set after ${F2B_MS} ms = ${F2B_RATE} bans/s; ${N} would take $(python3 -c "print(round($N / $F2B_RATE))") s"
  kill "$F2B_PID"; F2B_PID=""
else
  echo "fail2ban skipped (F2B_SECONDS=0, or not installed: apt-get install fail2ban)"; F2B_RATE=""
fi

if [ "${LATENCY:-1}" = 0 ]; then
  echo "== 4. ban latency skipped (LATENCY=0)"
else
echo "== 4. ban latency: decision to kernel commit in a warm process (as the daemon runs), 200 single bans into a set of ${N}"
fresh_ns
ip netns add "$PEER"; ip -n "$PEER" link set lo up
ip -n "$NS" link add s0 type veth peer name p0 netns "$PEER"
ip -n "$NS" addr add 198.18.1.1/24 dev s0; ip -n "$PEER" addr add 198.18.1.2/24 dev p0
ip -n "$NS" link set s0 up; ip -n "$PEER" link set p0 up
rm -f "$WORK"/uncloak.db*
nice -n 15 dotnet build bench/firewall/BanLatency -c Release -nologo -v q -clp:ErrorsOnly >/dev/null
ip netns exec "$NS" dotnet bench/firewall/BanLatency/bin/Release/net10.0/BanLatency.dll "$WORK/uncloak.db" "$N" 200
for i in 1 2 3; do
  ip netns exec "$NS" "${UNCLOAK[@]}" bans add "198.18.201.$i" --for 10m --json --db "$WORK/uncloak.db" \
    | python3 -c 'import json,sys; t=json.load(sys.stdin)["timings_ms"]; print("one uncloak bans add process (cold JIT): total", t["total"], "ms = decide", t["decide"], "+ store", round(t["store"]-t["decide"],1), "+ kernel", t["kernel"])'
done
before=$(ip netns exec "$NS" nft -j list chain inet uncloak bans | python3 -c 'import json,sys; d=json.load(sys.stdin); print([e["counter"]["packets"] for x in d["nftables"] if "rule" in x and x["rule"].get("comment")=="uncloak ban4" for e in x["rule"]["expr"] if "counter" in e][0])')
ip netns exec "$NS" "${UNCLOAK[@]}" bans add 198.18.1.2 --for 10m --json --db "$WORK/uncloak.db" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("ban of the live peer 198.18.1.2: decision→commit", d["timings_ms"]["total"], "ms")'
for _ in 1 2 3; do ip netns exec "$PEER" bash -c 'echo probe > /dev/udp/198.18.1.1/9' || true; done
after=$(ip netns exec "$NS" nft -j list chain inet uncloak bans | python3 -c 'import json,sys; d=json.load(sys.stdin); print([e["counter"]["packets"] for x in d["nftables"] if "rule" in x and x["rule"].get("comment")=="uncloak ban4" for e in x["rule"]["expr"] if "counter" in e][0])')
echo "packets from the peer sent right after the command returned, dropped by the ban4 rule: $((after - before)) of 3"
fi

echo "== summary"
python3 - "$NFT_MS" "$UC_TOTAL" "$UC_WALL_MS" "${F2B_RATE:-0}" "$N" <<'PY'
import sys
nft, uc, wall, f2b, n = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
print(f"uncloak in-process / raw nft -f (medians): {uc/nft:.2f}x   (whole process incl. .NET start-up: {wall/nft:.2f}x)")
if f2b > 0:
    print(f"fail2ban nftables action for {n}: {n/f2b:.0f} s; uncloak is {n/f2b/(uc/1000):.0f}x faster in-process, {n/f2b/(wall/1000):.0f}x as a whole process")
PY
