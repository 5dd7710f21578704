#!/usr/bin/env bash
# Records the lab's attacks on the wire, as seen inside the server namespace, into the sample captures the wire tests
# read. Run as root from the repository root, under the machine-wide lab lock:
#   flock /tmp/uncloak-root.lock tests/Uncloak.Core.Tests/samples/wire/record-lab.sh [UNCLOAK]
# UNCLOAK defaults to the Release build of the CLI. Each attack runs for a few seconds against `--defence none` on a lab
# with its own namespace prefix (uwire-); tcpdump runs in uwire-srv with a 96-byte snapshot length and a packet cap, so
# the files stay small. Link types and formats differ on purpose (SLL, SLL2, Ethernet; pcap µs/ns, pcapng) so every
# reader path is exercised by a real capture.
set -euo pipefail
uncloak=${1:-src/Uncloak.Cli/bin/Release/net10.0/uncloak}
out=$(cd "$(dirname "$0")" && pwd)
prefix=uwire-

record() { # attack file seconds tcpdump-args...
  local attack=$1 file=$2 seconds=$3; shift 3
  "$uncloak" lab run "$attack" --defence none --seconds "$seconds" --connections 8 --rate 400 --prefix "$prefix" --json \
    > "/tmp/uwire-$attack.json" 2>/tmp/uwire-$attack.err &
  local lab=$!
  for _ in $(seq 1 200); do [ -e "/var/run/netns/${prefix}srv" ] && break; sleep 0.05; done
  # -U writes each packet at once; tcpdump stops itself (SIGINT) before the lab tears the namespace down.
  ip netns exec "${prefix}srv" timeout -s INT $((seconds + 1)) tcpdump -U -q -n -s 96 -c 4000 -w "$out/$file" "$@" 2>/dev/null &
  local dump=$!
  wait "$dump" || true
  wait "$lab" || true
}

record zero-window lab-zero-window.pcap 8 -i any
record window-shrink lab-window-shrink.pcap 8 -i any -y LINUX_SLL2
record slow-read lab-slow-read.pcap 12 -i any --time-stamp-precision=nano
record syn-flood lab-syn-flood.pcap 8 -i any
record icmp-flood lab-icmp-flood.pcap 8 -i any
# The same zero-window capture as pcapng (editcap keeps every packet and timestamp), for the pcapng reader.
editcap -F pcapng "$out/lab-zero-window.pcap" "$out/lab-zero-window.pcapng"
ls -l "$out"
