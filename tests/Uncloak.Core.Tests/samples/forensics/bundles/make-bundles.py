import hashlib, json, os, sys
root = sys.argv[1]

def nstat(d):
    return "#kernel\n" + "".join(f"{k:<32}{v:<16}{0.0:6.1f}\n" for k, v in d.items())

BASE = {"TcpActiveOpens": 120394, "TcpPassiveOpens": 48123455, "TcpCurrEstab": 1882, "TcpRetransSegs": 3451234,
        "TcpExtListenOverflows": 1000, "TcpExtListenDrops": 1000, "TcpExtSyncookiesSent": 0, "TcpExtTCPReqQFullDrop": 0,
        "TcpExtTCPMemoryPressures": 0, "TcpExtTCPAbortOnMemory": 0}
def grow(**kw):
    d = dict(BASE); d.update(kw); return d

SS_OK = ("State  Recv-Q Send-Q Local Address:Port   Peer Address:Port Process\n"
 "LISTEN 0      4096         0.0.0.0:80          0.0.0.0:*     ino:31337 sk:1 cgroup:/system.slice/nginx.service <->\n"
 "\t cubic rto:1000 mss:536 cwnd:10 lastsnd:1432118 lastrcv:1432118 lastack:1432118\n"
 "ESTAB  0      0         198.18.0.2:80      198.19.7.9:41822 timer:(keepalive,119min,0) uid:33 ino:48812 sk:2 <->\n"
 "\t ts sack cubic wscale:7,7 rto:204 rtt:0.211/0.05 ato:40 mss:1448 cwnd:10 bytes_sent:131072 bytes_acked:131073 lastsnd:120 lastrcv:120 lastack:120 rcv_space:14480 snd_wnd:64256\n")
SS_FULL = SS_OK.replace("LISTEN 0      4096", "LISTEN 4097   4096")

LINK_UP = ("2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc tbf state UP mode DEFAULT group default qlen 1000\n"
 "    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff\n"
 "    RX:  bytes packets errors dropped  missed   mcast\n"
 "    {rxb} {rxp}      0       0       0       0\n"
 "    TX:  bytes packets errors dropped carrier collsns\n"
 "    {txb} {txp}      0       0       0       0\n"
 "    TX errors: aborted   fifo  window heartbt transns\n"
 "                     0      0       0       0       {tr}\n")
def link(rxb=61234123412, rxp=81234312, txb=98123412341, txp=90211234, tr=1, carrier=True):
    s = LINK_UP.format(rxb=rxb, rxp=rxp, txb=txb, txp=txp, tr=tr)
    if not carrier:
        s = s.replace("<BROADCAST,MULTICAST,UP,LOWER_UP>", "<NO-CARRIER,BROADCAST,MULTICAST,UP>").replace("state UP", "state DOWN")
    return s

def tbf(sent, pkts, drops, over, backlog="0b 0p"):
    return ("qdisc tbf 8001: dev eth0 root refcnt 2 rate 1Mbit burst 1600b lat 50ms \n"
            f" Sent {sent} bytes {pkts} pkt (dropped {drops}, overlimits {over} requeues 0) \n"
            f" backlog {backlog} requeues 0\n")
def fq(sent, pkts, drops=0, backlog="0b 0p"):
    return ("qdisc fq_codel 0: dev eth0 root refcnt 2 limit 10240p flows 1024 quantum 1514 target 5ms interval 100ms memory_limit 32Mb ecn drop_batch 64 \n"
            f" Sent {sent} bytes {pkts} pkt (dropped {drops}, overlimits 0 requeues 0) \n"
            f" backlog {backlog} requeues 0\n"
            "  maxpacket 1514 drop_overlimit 0 new_flow_count 1201 ecn_mark 0\n")

def probes(lines):
    return "# uncloak probes\n" + "".join(l + "\n" for l in lines)
SVC_FAIL = ["2026-06-17T04:08:00Z service 198.18.0.2:80 timeout 3000ms", "2026-06-17T04:08:10Z service 198.18.0.2:80 timeout 3000ms"]
GW_OK = ["2026-06-17T04:08:00Z gateway 198.18.0.1 ok 0.4ms", "2026-06-17T04:08:10Z gateway 198.18.0.1 ok 0.5ms"]
UP_OK = ["2026-06-17T04:08:00Z upstream 198.51.100.1 ok 8.1ms"]
SELF_FAIL = ["2026-06-17T04:08:00Z self 198.18.0.2:80 timeout 3000ms"]
SELF_OK = ["2026-06-17T04:08:00Z self 198.18.0.2:80 ok 0.9ms"]

NEIGH_OK = "198.18.0.1 dev eth0 lladdr 52:54:00:aa:bb:01 REACHABLE\n"
NEIGH_FAILED = "198.18.0.1 dev eth0 FAILED\n198.18.0.77 dev eth0 lladdr 52:54:00:aa:bb:77 STALE\n"

def ethtool(timeouts, missed=0):
    return ("NIC statistics:\n     rx_packets: 81234312\n     tx_packets: 90211234\n     rx_crc_errors: 0\n"
            f"     rx_missed_errors: {missed}\n     rx_no_buffer_count: 0\n     tx_timeout_count: {timeouts}\n     tx_restart_queue: 19\n")

cases = {
 "application-accept-queue-full": ({
    "before/nstat.txt": nstat(BASE), "during/nstat.txt": nstat(grow(TcpExtListenOverflows=5400, TcpExtListenDrops=5400)),
    "during/ss.txt": SS_FULL, "during/ip-link.txt": link(), "during/neigh.txt": NEIGH_OK,
    "probes.txt": probes(SVC_FAIL + SELF_FAIL + GW_OK + UP_OK)},
    {"layer": "application", "layers": ["application"], "minConfidence": 0.8, "evidenceKinds": ["socket", "counter"]}),
 "host-conntrack-full": ({
    "before/nstat.txt": nstat(BASE), "during/nstat.txt": nstat(BASE), "during/ss.txt": SS_OK, "during/ip-link.txt": link(),
    "kernel.log": "Jun 17 04:07:59 web1 kernel: [ 5402.771842] nf_conntrack: nf_conntrack: table full, dropping packet\n"
                  "Jun 17 04:08:01 web1 kernel: [ 5404.771842] nf_conntrack: nf_conntrack: table full, dropping packet\n"
                  "Jun 17 04:08:04 web1 kernel: [ 5407.001202] net_ratelimit: 2210 callbacks suppressed\n",
    "probes.txt": probes(SVC_FAIL + SELF_FAIL + GW_OK)},
    {"layer": "host", "layers": ["host"], "minConfidence": 0.6, "evidenceKinds": ["kernel"]}),
 "host-syn-drops-without-cookies": ({
    "before/nstat.txt": nstat(BASE),
    "during/nstat.txt": nstat(grow(TcpExtListenDrops=91000, TcpExtTCPReqQFullDrop=90000)),
    "during/ss.txt": SS_OK, "during/ip-link.txt": link(),
    "kernel.log": "Jun 17 04:07:59 web1 kernel: [  859.038083] TCP: request_sock_TCP: Possible SYN flooding on port 198.18.0.2:80. Dropping request.  Check SNMP counters.\n",
    "probes.txt": probes(SVC_FAIL + GW_OK)},
    {"layer": "host", "layers": ["host"], "minConfidence": 0.8, "evidenceKinds": ["counter", "kernel"]}),
 "shaper-tbf-drops": ({
    "before/tc.txt": tbf(41234123, 31234, 120, 900), "during/tc.txt": tbf(41534123, 31434, 18234, 91234, "2Kb 2p"),
    "before/ip-link.txt": link(), "during/ip-link.txt": link(txb=98123712341, txp=90211434),
    "before/nstat.txt": nstat(BASE), "during/nstat.txt": nstat(BASE), "during/ss.txt": SS_OK,
    "probes.txt": probes(SVC_FAIL + SELF_OK + GW_OK)},
    {"layer": "shaper", "layers": ["shaper"], "minConfidence": 0.8, "evidenceKinds": ["qdisc"]}),
 "nic-link-down": ({
    "before/ip-link.txt": link(tr=1), "during/ip-link.txt": link(tr=2, carrier=False),
    "during/neigh.txt": "198.18.0.1 dev eth0 FAILED\n",
    "before/tc.txt": fq(9123412341, 8123412), "during/tc.txt": fq(9123412341, 8123412, 0, "30280b 20p"),
    "kernel.log": "Jun 17 04:07:58 web1 kernel: [  284.110204] e1000e 0000:00:19.0 eth0: NIC Link is Down\n",
    "probes.txt": probes(SVC_FAIL + ["2026-06-17T04:08:00Z gateway 198.18.0.1 unreachable 0ms", "2026-06-17T04:08:00Z upstream 198.51.100.1 unreachable 0ms"])},
    {"layer": "nic", "layers": ["nic", "lan"], "minConfidence": 0.5, "evidenceKinds": ["link", "kernel"]}),
 "nic-transmit-hang": ({
    "before/ethtool-eth0.txt": "$ ethtool -S eth0\n" + ethtool(3), "during/ethtool-eth0.txt": "$ ethtool -S eth0\n" + ethtool(5),
    "before/ip-link.txt": link(), "during/ip-link.txt": link(),
    "before/tc.txt": fq(9123412341, 8123412), "during/tc.txt": fq(9123412341, 8123412, 0, "60560b 40p"),
    "kernel.log": "Jun 17 04:07:59 web1 kernel: [ 5402.771842] e1000e 0000:00:19.0 eth0: NETDEV WATCHDOG: CPU: 3: transmit queue 0 timed out 5368 ms\n",
    "probes.txt": probes(SVC_FAIL + ["2026-06-17T04:08:00Z gateway 198.18.0.1 timeout 1000ms"])},
    {"layer": "nic", "layers": ["nic"], "minConfidence": 0.8, "evidenceKinds": ["nic", "link", "kernel"]}),
 "lan-gateway-failed": ({
    "before/ip-link.txt": link(), "during/ip-link.txt": link(txb=98123412941, txp=90211244),
    "during/neigh.txt": NEIGH_FAILED, "during/ss.txt": SS_OK, "before/nstat.txt": nstat(BASE), "during/nstat.txt": nstat(BASE),
    "probes.txt": probes(SVC_FAIL + SELF_OK + ["2026-06-17T04:08:00Z gateway 198.18.0.1 neigh-failed 3000ms", "2026-06-17T04:08:10Z gateway 198.18.0.1 neigh-failed 3000ms"])},
    {"layer": "lan", "layers": ["lan"], "minConfidence": 0.8, "evidenceKinds": ["neighbour", "probe"]}),
 "upstream-cut": ({
    "before/ip-link.txt": link(), "during/ip-link.txt": link(txb=98123422341, txp=90211334),
    "during/neigh.txt": NEIGH_OK, "during/ss.txt": SS_OK, "before/nstat.txt": nstat(BASE), "during/nstat.txt": nstat(BASE),
    "probes.txt": probes(SVC_FAIL + SELF_OK + GW_OK + ["2026-06-17T04:08:00Z upstream 198.51.100.1 timeout 3000ms", "2026-06-17T04:08:00Z upstream 203.0.113.53 timeout 3000ms"])},
    {"layer": "upstream", "layers": ["upstream"], "minConfidence": 0.7, "evidenceKinds": ["probe"]}),
 "mixed-shaper-and-application": ({
    "before/tc.txt": tbf(41234123, 31234, 120, 900), "during/tc.txt": tbf(41534123, 31434, 18234, 91234, "2Kb 2p"),
    "before/ip-link.txt": link(), "during/ip-link.txt": link(txb=98123712341, txp=90211434),
    "during/ss.txt": SS_FULL, "probes.txt": probes(SVC_FAIL + GW_OK)},
    {"layer": "shaper", "layers": ["shaper", "application"], "minConfidence": 0.4, "evidenceKinds": ["qdisc", "socket"]}),
 "no-evidence-unknown": ({
    "before/nstat.txt": nstat(BASE), "during/nstat.txt": nstat(grow(TcpCurrEstab=1890)),
    "during/ss.txt": SS_OK, "during/ip-link.txt": link(), "during/neigh.txt": NEIGH_OK,
    "probes.txt": probes(SVC_FAIL + SELF_OK + GW_OK + UP_OK)},
    {"layer": "unknown", "layers": [], "minConfidence": 0, "evidenceKinds": []}),
}

for name, (files, expected) in cases.items():
    d = os.path.join(root, name)
    entries = []
    for fname, text in sorted(files.items()):
        p = os.path.join(d, fname)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        data = text.encode()
        open(p, "wb").write(data)
        entries.append({"name": fname, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)})
    manifest = {"schema": "uncloak.bundle/1", "id": "20260617T040800Z-" + name, "host": "web1", "kernel": "6.1.0-21-amd64",
                "start": "2026-06-17T04:08:00Z", "end": "2026-06-17T04:10:30Z", "probe": "http-80", "files": entries}
    open(os.path.join(d, "manifest.json"), "w").write(json.dumps(manifest, indent=2) + "\n")
    open(os.path.join(d, "expected.json"), "w").write(json.dumps(expected, indent=2) + "\n")
