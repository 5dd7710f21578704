#!/usr/bin/env bash
# Side by side on one capture: `uncloak pcap` (the shipped Native AOT build) against
# `tshark -Y 'tcp.analysis.zero_window || tcp.analysis.window_full'`, wall time and peak memory (GNU time), packets per
# second, and the flows each flags with a zero window.
#   bench/wire/run.sh [PACKETS] [UNCLOAK]     (default 10,000,000 packets; UNCLOAK default /tmp/aot-wire/uncloak)
# Build the AOT binary first: packaging/publish.sh /tmp/aot-wire
set -euo pipefail
packets=${1:-10000000}
uncloak=${2:-/tmp/aot-wire/uncloak}
dir=$(cd "$(dirname "$0")" && pwd)
cap=/tmp/wire-bench-$packets.pcap
[ -s "$cap" ] || python3 "$dir/make-capture.py" "$cap" "$packets"

/usr/bin/time -f "uncloak: %e s, %M KB peak" "$uncloak" pcap --no-store --json "$cap" > /tmp/wire-bench-uncloak.json 2>/tmp/wire-bench-uncloak.err || true
tail -1 /tmp/wire-bench-uncloak.err
/usr/bin/time -f "tshark: %e s, %M KB peak" tshark -n -r "$cap" -Y 'tcp.analysis.zero_window || tcp.analysis.window_full' \
  -T fields -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport -e tcp.analysis.zero_window > /tmp/wire-bench-tshark.tsv 2>/tmp/wire-bench-tshark.err
tail -1 /tmp/wire-bench-tshark.err

# Flows flagged: tshark's zero-window directions vs the holds uncloak reports (a hold is one zero window of >= 2 s).
echo "tshark zero-window flow directions: $(awk -F'\t' '$5!=""{print $1":"$2">"$3":"$4}' /tmp/wire-bench-tshark.tsv | sort -u | wc -l)"
echo "uncloak zero_window_hold events:   $(python3 -c "import json;print(json.load(open('/tmp/wire-bench-uncloak.json'))['events'].get('zero_window_hold',0))")"
