#!/usr/bin/env python3
"""Holds many established TCP connections for the socket-table benchmark (bench/sockets/run.sh).

  hold.py server ADDR PORT LIFETIME       accept on ADDR:PORT (SO_REUSEPORT, shared by several processes) and keep every
                                          connection open
  hold.py client SRC DST PORT COUNT LIFETIME
                                          open COUNT connections from SRC to DST:PORT and keep them open

Every process exits by itself after LIFETIME seconds (bounded), and holds at most ~19,900 descriptors (the per-process
limit on the reference machine is 20,000).
"""
import os, resource, socket, sys, time

MAX_FDS = 19_900
IP_BIND_ADDRESS_NO_PORT = 24

def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

def server(addr, port, lifetime):
    raise_fd_limit()
    l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    l.bind((addr, port))
    l.listen(65535)
    l.settimeout(1.0)
    held = []
    deadline = time.monotonic() + lifetime
    while time.monotonic() < deadline:
        if len(held) >= MAX_FDS:
            time.sleep(1)
            continue
        try:
            c, _ = l.accept()
            held.append(c)
        except socket.timeout:
            pass

def client(src, dst, port, count, lifetime):
    raise_fd_limit()
    count = min(count, MAX_FDS)
    held = []
    deadline = time.monotonic() + lifetime
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_IP, IP_BIND_ADDRESS_NO_PORT, 1)
        s.bind((src, 0))
        s.connect((dst, port))
        held.append(s)
    print(f"client {src}: {len(held)} connected", flush=True)
    while time.monotonic() < deadline:
        time.sleep(1)

if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        client(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]))
