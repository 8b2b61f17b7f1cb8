#!/usr/bin/env python3
"""slowclients: N slow HTTP clients, for the receiver's abuse test.

    slowclients.py N PORT [SOURCE]

Opens N connections from SOURCE (127.0.0.2) to 127.0.0.1:PORT, each
sending part of a request (every other one its headers cut short, the
others whole headers and part of the body) and then nothing.  A second
after they have all sent, counts those the server still holds open; then
waits (60 s at most) until the server has closed them all.  Prints one
JSON line: the connections, how many were held, how many seconds after
the sending the last one was closed, how many are still open.
"""
import json
import resource
import select
import socket
import sys
import time

PARTS = (b"POST /webhooks/site/lead HTTP/1.1\r\nHost: x\r\nContent-Le",
         b"POST /webhooks/site/lead HTTP/1.1\r\nHost: x\r\n"
         b"Content-Type: application/json\r\nContent-Length: 40\r\n\r\n"
         b"{\"name\":\"cut\"")


def closed(s):
    """Whether the server has closed s: EOF or an error is waiting."""
    try:
        return s.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def main():
    n, port = int(sys.argv[1]), int(sys.argv[2])
    source = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.2"
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    socks = {}
    for i in range(n):
        s = socket.socket()
        s.bind((source, 0))
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        socks[s.fileno()] = (s, PARTS[i % 2])
    poll = select.poll()
    for fd in socks:
        poll.register(fd, select.POLLOUT)
    waiting, deadline = set(socks), time.monotonic() + 10
    while waiting and time.monotonic() < deadline:
        for fd, _ in poll.poll(100):
            if fd in waiting:
                waiting.discard(fd)
                poll.unregister(fd)
                s, part = socks[fd]
                try:
                    s.send(part)
                except OSError:
                    pass
    sent = time.monotonic()
    time.sleep(1)
    held = [s for s, _ in socks.values() if not closed(s)]
    count, last = len(held), 0.0
    while held and time.monotonic() - sent < 60:
        time.sleep(0.1)
        held = [s for s in held if not closed(s)]
        last = time.monotonic() - sent
    print(json.dumps({"connections": n, "held": count,
                      "last_closed_s": round(last, 1),
                      "still_open": len(held)}))


main()
