#!/bin/bash
# Side by side: uncloak audit --json of main's build and of the report branch, alternating, in a throw-away namespace.
set -u
N=uncloak-rptbench-$$
ip netns add $N
trap 'ip netns del $N' EXIT
ip -n $N link set lo up
ip -n $N link add rb0 type veth peer name rb1
ip -n $N link set rb0 up; ip -n $N link set rb1 up
tc -n $N qdisc add dev rb0 root tbf rate 1mbit burst 1000 limit 1500
MAIN=${MAIN:-/work/main/src/Uncloak.Cli/bin/Release/net10.0/uncloak.dll}
MINE=${MINE:-$(cd "$(dirname "$0")/../.." && pwd)/src/Uncloak.Cli/bin/Release/net10.0/uncloak.dll}
uptime
for round in 1 2 3 4 5 6 7 8; do
  for which in MAIN MINE; do
    dll=${!which}
    s=$(date +%s%N)
    ip netns exec $N dotnet $dll audit --json > /dev/null
    e=$(date +%s%N)
    echo "$which $(( (e - s) / 1000000 ))"
  done
done
s=$(date +%s%N); for i in $(seq 20); do ip netns exec $N tc -s qdisc show >/dev/null; done; e=$(date +%s%N)
echo "TC20 $(( (e - s) / 1000000 ))"
uptime
