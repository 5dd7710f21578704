#!/bin/bash
# Issue 14's dashboard figures: a store of 10 million events over 30 days (5 kinds) and 100,000 bans, a real
# `uncloak watch` serving it (firewall off, no live source), and the answer times of the overview, the 30-day
# timeline and a bans page, 10 requests each. Usage: bench/web/run.sh [EVENTS] (default 10000000). Needs sqlite3, curl.
set -euo pipefail
events=${1:-10000000}
root=$(cd "$(dirname "$0")/../.." && pwd)
uncloak=(dotnet "$root/src/Uncloak.Cli/bin/Release/net10.0/uncloak.dll")
dir=$(mktemp -d /tmp/uncloak-bench-web-XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
: > "$dir/kern.log"
cat > "$dir/uncloak.yaml" <<YAML
store: $dir/u.db
firewall: off
sources: { kmsg: false, sockets: off, files: [ { path: $dir/kern.log } ] }
metrics: off
control: off
web: { enabled: true, listen: 127.0.0.1:$port, token_file: $dir/web.token }
YAML
"${uncloak[@]}" store stats --config "$dir/uncloak.yaml" > /dev/null # creates the store: every migration
now=$(date +%s)000
start=$(date +%s.%N)
sqlite3 "$dir/u.db" <<SQL
PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;
INSERT INTO sources(id, identity, path, format, first_seen, last_seen) VALUES (1, x'01', 'bench', 'syslog', 0, 0);
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $events - 1)
INSERT INTO events(source_id, offset, time_ms, kind, peer, local_port, body, text)
  SELECT 1, i, $now - 2592000000 + i * (2592000000 / $events), 1 + i % 5, NULL, 443, x'', NULL FROM n;
-- What the writers keep while storing those rows (migration 40's backfill, the same grouping).
INSERT INTO event_minutes(minute, kind, count) SELECT time_ms / 60000, kind, count(*) FROM events GROUP BY 1, 2;
INSERT INTO event_hours(hour, kind, count) SELECT minute / 60, kind, sum(count) FROM event_minutes GROUP BY 1, 2;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 99999)
INSERT INTO decisions(target, reason, origin, scenario, created_ms, expires_ms, repeat, status)
  SELECT '198.18.' || (i / 250) % 256 || '.' || (i % 250 + 1), 'bench', 'watch', 'shrunk-window-peers',
         $now - i * 1000, $now + 86400000, 0, CASE WHEN i < 64000 THEN 1 ELSE 3 END FROM n;
SQL
echo "store filled in $(echo "$(date +%s.%N) - $start" | bc) s: $(sqlite3 "$dir/u.db" 'SELECT count(*) FROM events') events, $(sqlite3 "$dir/u.db" 'SELECT count(*) FROM event_minutes') minute rows, $(sqlite3 "$dir/u.db" 'SELECT count(*) FROM event_hours') hour rows, $(sqlite3 "$dir/u.db" 'SELECT count(*) FROM decisions') decisions; $(du -h "$dir/u.db" | cut -f1)"
"${uncloak[@]}" watch --config "$dir/uncloak.yaml" > "$dir/daemon.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do grep -q 'event_id=6007' "$dir/daemon.log" && break; sleep 0.5; done
grep -q 'event_id=6007' "$dir/daemon.log" || { echo "the daemon did not start:"; cat "$dir/daemon.log"; exit 1; }
url=$("${uncloak[@]}" web url --config "$dir/uncloak.yaml")
curl -s -c "$dir/jar" "$url" > /dev/null
for path in /api/overview '/api/timeline?range=30d' '/api/timeline?range=24h' '/api/bans?active=1&limit=50' '/api/outages'; do
  times=$(for _ in $(seq 1 10); do curl -s -o /dev/null -b "$dir/jar" -w '%{time_total}\n' "http://127.0.0.1:$port$path"; done | sort -n)
  echo "$path: median $(echo "$times" | sed -n 5p) s, max $(echo "$times" | tail -1) s"
done
echo "daemon RSS: $(ps -o rss= -p "$pid") KiB"
