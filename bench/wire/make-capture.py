#!/usr/bin/env python3
"""Writes a large, realistic pcap for the wire benchmark: N packets of Ethernet/IPv4/TCP (96-byte snapshots, as a
server-side tcpdump -s 96 would keep) from many clients to one server: handshakes, requests, data with ACKs, closes;
one flow in 50 is held at a zero window for a while with persist probes; 2% of packets are spoofed SYNs.

usage: make-capture.py OUT.pcap [PACKETS]   (default 10,000,000)"""
import random
import struct
import sys

out = sys.argv[1]
total = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
rnd = random.Random(15)
SNAP = 96
SERVER = bytes([198, 18, 0, 1])
MAC = b"\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x08\x00"


def packet(src, dst, sport, dport, seq, ack, flags, window, payload, options=b""):
    tcp_len = 20 + len(options)
    ip_total = 20 + tcp_len + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, ip_total, 0, 0x4000, 64, 6, 0, src, dst)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, (tcp_len // 4) << 4, flags, window, 0, 0) + options
    frame = MAC + ip + tcp + bytes(min(payload, 64))
    return frame[:SNAP], 14 + ip_total


SYN, ACK, PSH, FIN, RST = 0x02, 0x10, 0x08, 0x01, 0x04
SYN_OPTS = bytes([2, 4, 5, 0xB4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7])


def flow(n, t):
    """One connection's packets as (time, frame, wire length)."""
    client = bytes([198, 18, 1 + (n >> 16) % 100, (n >> 8) & 0xFF]) if False else bytes([198, 18, 1 + (n // 65000) % 120, 1 + n % 250])
    port = 1024 + n % 60000
    c, s = rnd.getrandbits(32), rnd.getrandbits(32)
    pk = []
    add = lambda dt, p: pk.append((t + dt, *p))
    add(0, packet(client, SERVER, port, 443, c, 0, SYN, 64240, 0, SYN_OPTS))
    add(0.0001, packet(SERVER, client, 443, port, s, c + 1, SYN | ACK, 65160, 0, SYN_OPTS))
    add(0.0002, packet(client, SERVER, port, 443, c + 1, s + 1, ACK, 502, 0))
    add(0.0003, packet(client, SERVER, port, 443, c + 1, s + 1, ACK | PSH, 502, 300))
    seq = s + 1
    dt = 0.0004
    held = n % 50 == 7
    for i in range(rnd.randint(4, 24)):
        add(dt, packet(SERVER, client, 443, port, seq, c + 301, ACK, 501, 1448))
        seq += 1448
        dt += 0.0001
        add(dt, packet(client, SERVER, port, 443, c + 301, seq, ACK, 0 if held and i == 3 else 502, 0))
        dt += 0.0001
        if held and i == 3:
            for probe in range(4):
                dt += 0.8
                add(dt, packet(SERVER, client, 443, port, seq - 1, c + 301, ACK, 501, 0))
                add(dt + 0.0001, packet(client, SERVER, port, 443, c + 301, seq, ACK, 0, 0))
            dt += 0.5
            add(dt, packet(client, SERVER, port, 443, c + 301, seq, ACK, 502, 0))
    add(dt + 0.0001, packet(client, SERVER, port, 443, c + 301, seq, FIN | ACK, 502, 0))
    add(dt + 0.0002, packet(SERVER, client, 443, port, seq, c + 302, FIN | ACK, 501, 0))
    add(dt + 0.0003, packet(client, SERVER, port, 443, c + 302, seq + 1, ACK, 502, 0))
    return pk


with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, SNAP, 1))
    written = 0
    n = 0
    t0 = 1_780_000_000.0
    pending = []
    while written < total:
        # Flows start 20 µs apart and overlap; packets are written in time order through a small merge buffer.
        t = t0 + n * 0.00002
        pending.extend(flow(n, t))
        n += 1
        if rnd.random() < 0.3:
            spoof = bytes([198, 18, 128 + rnd.randrange(128), rnd.randrange(1, 255)])
            pending.append((t, *packet(spoof, SERVER, rnd.randrange(1024, 65535), 443, rnd.getrandbits(32), 0, SYN, 1024, 0)))
        if len(pending) > 20000:
            pending.sort(key=lambda p: p[0])
            ready, pending = pending[:10000], pending[10000:]
            for ts, frame, length in ready:
                sec = int(ts)
                f.write(struct.pack("<IIII", sec, int((ts - sec) * 1_000_000), len(frame), length))
                f.write(frame)
            written += len(ready)
    pending.sort(key=lambda p: p[0])
    for ts, frame, length in pending[: max(0, total - written)]:
        sec = int(ts)
        f.write(struct.pack("<IIII", sec, int((ts - sec) * 1_000_000), len(frame), length))
        f.write(frame)
print(f"{out}: {total:,} packets, {n:,} flows", file=sys.stderr)
