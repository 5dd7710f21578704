#!/usr/bin/python3
"""A bare NATS client (the text protocol, no library): connects as USER/PASSWORD, publishes each SUBJECT=PAYLOAD, and
prints one line per publish, "ok SUBJECT" or "err SUBJECT MESSAGE", from the server's own answers (a PING after each
PUB: its PONG comes after any -ERR the PUB caused). A refused CONNECT prints "connect-err MESSAGE" and exits 1.
Usage: nats-publish.py HOST PORT USER PASSWORD SUBJECT=PAYLOAD..."""
import json
import socket
import sys

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
s = socket.create_connection((host, port), timeout=5)
f = s.makefile("rb")


def line():
    l = f.readline()
    if not l:
        raise SystemExit("connection closed")
    return l.decode().rstrip("\r\n")


info = line()
assert info.startswith("INFO "), info
connect = {"user": user, "pass": password, "verbose": False, "pedantic": False, "protocol": 1, "name": "uncloak-test"}
s.sendall(("CONNECT " + json.dumps(connect) + "\r\nPING\r\n").encode())
answer = line()
if answer != "PONG":
    print("connect-err " + answer)
    sys.exit(1)
for arg in sys.argv[5:]:
    subject, payload = arg.split("=", 1)
    data = payload.encode()
    s.sendall(b"PUB %s %d\r\n%s\r\nPING\r\n" % (subject.encode(), len(data), data))
    errors = []
    while True:
        l = line()
        if l == "PONG":
            break
        if l.startswith("-ERR"):
            errors.append(l)
    print(("err %s %s" % (subject, " ".join(errors))) if errors else ("ok " + subject), flush=True)
