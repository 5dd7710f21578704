#!/usr/bin/env python3
"""Regenerates the bundled demo logs (deterministic). The story: a web server whose site drops out three
times; the kernel log is full of "Treason uncloaked" lines from many unrelated clients (the red herring),
scanners in the firewall log, one SYN flood absorbed by cookies with a short conntrack-full episode, and
the real cause: the e1000e NIC hanging, the watchdog firing and the link flapping each time."""
import gzip, random
from datetime import datetime, timedelta

rnd = random.Random(1717)
HOST = "web1"
BOOT = datetime(2025, 6, 16, 6, 12, 40)

def stamp(t):
    up = (t - BOOT).total_seconds() + rnd.random() * 0.001
    return f"{t:%b} {t.day:2d} {t:%H:%M:%S} {HOST} kernel: [{up:12.6f}] "

lines = []  # (time, text)
def add(t, msg): lines.append((t, msg))

def pub_ip():
    while True:
        a = rnd.choice([24, 31, 41, 62, 77, 81, 89, 93, 102, 112, 141, 168, 176, 185, 188, 196, 201, 213, 217])
        ip = f"{a}.{rnd.randint(1,254)}.{rnd.randint(0,255)}.{rnd.randint(1,254)}"
        return ip

start = datetime(2025, 6, 16, 6, 25, 0)
end = datetime(2025, 6, 18, 6, 25, 0)

# Boot-time NIC line and noise.
add(datetime(2025, 6, 16, 6, 12, 52), "e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx")
add(datetime(2025, 6, 16, 6, 12, 53), "IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready")

noise = [
    "audit: type=1400 audit({ts}:{n}): apparmor=\"DENIED\" operation=\"open\" profile=\"/usr/sbin/apache2\" name=\"/proc/{n}/status\" pid={n} comm=\"apache2\" requested_mask=\"r\" denied_mask=\"r\" fsuid=33 ouid=0",
    "perf: interrupt took too long (2503 > 2500), lowering kernel.perf_event_max_sample_rate to 79750",
    "EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro",
    "apache2[{n}]: segfault at 0 ip 00007f3a1c2b4d10 sp 00007ffd4c1e2a40 error 4 in libc.so.6[7f3a1c200000+155000]",
    "TCP: request_sock_TCP: Possible SYN flooding on port 0.0.0.0:80. Sending cookies.",
]

# Firewall LOG lines: scanners (some heavy, hitting many ports) and background.
scanners = [pub_ip() for _ in range(6)]
background = [pub_ip() for _ in range(300)]
ports = [22, 23, 25, 445, 1433, 3306, 3389, 5900, 8080, 8443, 6379, 9200, 11211, 2375]
t = start
while t < end:
    t += timedelta(seconds=rnd.expovariate(1 / 55))
    if rnd.random() < 0.35:
        src = rnd.choice(scanners); dpt = rnd.randint(1, 65535) if rnd.random() < 0.5 else rnd.choice(ports)
    else:
        src = rnd.choice(background); dpt = rnd.choice(ports)
    spt = rnd.randint(1024, 65535)
    ttl = rnd.choice([48, 51, 52, 54, 113, 116, 240, 243])
    add(t, f"[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:08:00 SRC={src} DST=198.51.100.10 LEN=44 TOS=0x00 PREC=0x00 TTL={ttl} ID={rnd.randint(1,65535)} PROTO=TCP SPT={spt} DPT={dpt} WINDOW=1024 RES=0x00 SYN URGP=0 ")

# Treason background: many unrelated clients, steady trickle, each stall re-printed 1-4 times.
peers = [pub_ip() for _ in range(45)]
t = start
while t < end:
    t += timedelta(seconds=rnd.expovariate(1 / 900))
    peer = rnd.choice(peers)
    outbound = rnd.random() < 0.08
    if outbound:
        peer_port, local_port = rnd.choice([443, 443, 80]), rnd.randint(32768, 60999)
    else:
        peer_port, local_port = rnd.randint(1025, 65535), rnd.choice([80, 80, 80, 443])
    una = rnd.randint(0, 2**32 - 1)
    inflight = rnd.choice([1, 1, 1, 536, 830, 1448, 2896, 4344, 7096])
    tt = t
    for _ in range(rnd.choice([1, 1, 2, 3, 4])):
        add(tt, f"TCP: Treason uncloaked! Peer {peer}:{peer_port}/{local_port} shrinks window {una}:{(una + inflight) % 2**32}. Repaired.")
        tt += timedelta(seconds=rnd.choice([3, 6, 12, 24]))

# The two lines of the original incident report (their host name is the redacted one).
incident = [
    (datetime(2025, 6, 17, 4, 7, 59), "Jun 17 04:07:59 xxxxx TCP: Treason uncloaked! Peer 168.209.98.35:43301/80 shrinks window 2244026871:2244027701. Repaired."),
    (datetime(2025, 6, 17, 19, 53, 28), "Jun 17 19:53:28 xxxxx TCP: Treason uncloaked! Peer 24.67.253.203:40640/80 shrinks window 2021223504:2021230600. Repaired."),
]

# The real cause: NIC hangs → watchdog → link flap, three times.
def nic_outage(t, down_for):
    dump = ["e1000e 0000:00:19.0 eth0: Detected Hardware Unit Hang:", "  TDH                  <6b>", "  TDT                  <7a>",
            "  next_to_use          <7a>", "  next_to_clean        <6a>", "buffer_info[next_to_clean]:", "  time_stamp           <1004e2b1c>",
            "  next_to_watch        <6b>", "  jiffies              <1004e2d20>", "  next_to_watch.status <0>", "MAC Status             <80083>",
            "PHY Status             <796d>", "PHY 1000BASE-T Status  <3800>", "PHY Extended Status    <3000>", "PCI Status             <10>"]
    for d in dump:
        add(t, d)
    add(t + timedelta(seconds=2), "e1000e 0000:00:19.0 eth0: NETDEV WATCHDOG: CPU: 1: transmit queue 0 timed out 5368 ms")
    add(t + timedelta(seconds=4), "e1000e 0000:00:19.0 eth0: NIC Link is Down")
    add(t + timedelta(seconds=4 + down_for), "e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx")

nic_outage(datetime(2025, 6, 16, 14, 3, 11), 47)
nic_outage(datetime(2025, 6, 17, 11, 42, 10), 128)
nic_outage(datetime(2025, 6, 17, 21, 15, 33), 64)

# A SYN flood absorbed by cookies, with the conntrack table overflowing for a minute.
sf = datetime(2025, 6, 17, 15, 20, 3)
add(sf, "TCP: request_sock_TCP: Possible SYN flooding on port 0.0.0.0:80. Sending cookies.")
for i in range(6):
    add(sf + timedelta(seconds=7 + i * 11), "nf_conntrack: nf_conntrack: table full, dropping packet")
add(sf + timedelta(seconds=75), "net_ratelimit: 1842 callbacks suppressed")

# Martians from a misconfigured neighbour; one neighbour-table overflow.
for i in range(4):
    add(datetime(2025, 6, 17, 9, 10, 2 + i), "IPv4: martian source 198.51.100.10 from 10.20.30.40, on dev eth0")
    add(datetime(2025, 6, 17, 9, 10, 2 + i), "ll header: 00000000: 52 54 00 12 34 56 00 1b 21 aa bb cc 08 00")

# Kernel noise.
t = start
while t < end:
    t += timedelta(seconds=rnd.expovariate(1 / 400))
    msg = rnd.choice(noise[:4]).format(ts=int(t.timestamp()), n=rnd.randint(1000, 99999))
    add(t, msg)

lines.sort(key=lambda x: x[0])
rot = datetime(2025, 6, 17, 6, 25, 0)
older = [stamp(t) + m for t, m in lines if t < rot]
newer = [stamp(t) + m for t, m in lines if t >= rot]
for t, raw in incident:
    (older if t < rot else newer).append(raw)
def by_time(l):
    return datetime.strptime("2025 " + l[:15], "%Y %b %d %H:%M:%S")
older.sort(key=by_time); newer.sort(key=by_time)
with gzip.GzipFile("kern.log.1.gz", "wb", mtime=0) as f:
    f.write(("\n".join(older) + "\n").encode())
with open("kern.log", "w") as f:
    f.write("\n".join(newer) + "\n")
print(f"kern.log.1.gz: {len(older)} lines, kern.log: {len(newer)} lines")
