#!/usr/bin/env bash
# Replay throughput side by side: `uncloak watch --replay` (every shipped scenario) and CrowdSec 1.4's time-machine mode
# (`crowdsec -dsn file://… -type syslog`, with a private local API on loopback) with an equivalent shrunk-window parser and scenario, on the same
# generated kern.log. Needs the Debian `crowdsec` package; offline, first disable its online-API registration as
# README.Debian says: echo '# no CAPI' > /etc/crowdsec/online_api_credentials.yaml (a non-empty file). Usage: bench/watch/compare-crowdsec.sh [LINES]
set -euo pipefail
cd "$(dirname "$0")/../.."
LINES=${1:-2000000}
WORK=${WORK:-/tmp/uncloak-crowdsec}
rm -rf "$WORK/etc" "$WORK/data" "$WORK/hub" && mkdir -p "$WORK"/{etc/parsers/s00-raw,etc/parsers/s01-parse,etc/parsers/s02-enrich,etc/scenarios,etc/postoverflows,data,hub}
HUB=/usr/share/crowdsec/hub
cp "$HUB/.index.json" "$WORK/hub/.index.json"
cp "$HUB/parsers/s00-raw/crowdsecurity/syslog-logs.yaml" "$WORK/etc/parsers/s00-raw/"
cp "$HUB/parsers/s02-enrich/crowdsecurity/dateparse-enrich.yaml" "$WORK/etc/parsers/s02-enrich/"
cp bench/watch/crowdsec/uncloak-treason.yaml "$WORK/etc/parsers/s01-parse/"
cp bench/watch/crowdsec/uncloak-shrunk-window.yaml "$WORK/etc/scenarios/"
cp -r /etc/crowdsec/patterns "$WORK/etc/patterns"
cp /etc/crowdsec/profiles.yaml "$WORK/etc/profiles.yaml"
printf 'simulation: false\n' > "$WORK/etc/simulation.yaml"
printf 'filenames: []\nlabels:\n  type: syslog\n' > "$WORK/etc/acquis.yaml"
sed "s|@WORK@|$WORK|g" bench/watch/crowdsec/config.yaml.in > "$WORK/etc/config.yaml"
cscli -c "$WORK/etc/config.yaml" machines add replay --password replay-bench -f "$WORK/etc/local_api_credentials.yaml" --url http://127.0.0.1:18089 >/dev/null 2>&1

dotnet build bench/Uncloak.Benchmarks -c Release -nologo -clp:ErrorsOnly >/dev/null
dotnet build src/Uncloak.Cli -c Release -nologo -clp:ErrorsOnly >/dev/null
CORPUS="$WORK/kern-$LINES.log"
[ -s "$CORPUS" ] || dotnet bench/Uncloak.Benchmarks/bin/Release/net10.0/Uncloak.Benchmarks.dll generate --lines "$LINES" --seed 1 --out "$CORPUS" --truth "$WORK/truth.json"
cat "$CORPUS" > /dev/null
TREASON=$(LC_ALL=C grep -cE 'Treason uncloaked|unexpectedly shrunk window|Probing zero-window' "$CORPUS")
echo "== $LINES lines, $TREASON shrunk-window lines"
/usr/bin/time -f "uncloak  %e s  peak RSS %M KB" src/Uncloak.Cli/bin/Release/net10.0/uncloak watch --replay "$CORPUS" --json > "$WORK/uncloak.json"
python3 -c "import json;d=json.load(open('$WORK/uncloak.json'));a=[x for x in d['alerts'] if x['scenario']=='shrunk-window-peers'];print(f\"uncloak: {d['events']} events, {d['events_per_second']:.0f} events/s, shrunk-window alerts {len(a)}\")"
/usr/bin/time -o "$WORK/time-crowdsec" -f "crowdsec %e s  peak RSS %M KB" crowdsec -c "$WORK/etc/config.yaml" -dsn "file://$CORPUS" -type syslog > "$WORK/crowdsec.log" 2>&1 || { tail -5 "$WORK/crowdsec.log"; exit 1; }
cat "$WORK/time-crowdsec"
echo "crowdsec: shrunk-window overflows $(grep -c "performed 'uncloak/shrunk-window-peers'" "$WORK/crowdsec.log")"
