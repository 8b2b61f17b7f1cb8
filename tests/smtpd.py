#!/usr/bin/python3
"""integra-smtpd: a test SMTP server on 127.0.0.1 (aiosmtpd, Debian's
python3-aiosmtpd) that keeps every message it accepts.

    smtpd.py -P PORTFILE -d DIR [-u USER -p PASSWORD] [-r PREFIX]... [-t PREFIX]...
             [--starttls CERT KEY | --smtps CERT KEY]

Each message goes to DIR/N.eml as it came (after DATA), and a JSON line
{"file", "mail_from", "rcpt_tos", "login"} to DIR/log.ndjson.  With -u and
-p, AUTH (PLAIN or LOGIN, without TLS) is required.  A recipient starting
with a -r prefix is refused with 550, with a -t prefix with 451.  The port
goes to PORTFILE once it listens; SIGTERM stops it.  With --starttls a
client must turn to TLS (STARTTLS) before MAIL; with --smtps the server
speaks TLS from the start; both with the certificate CERT and its key KEY.
"""
import argparse
import json
import logging
import os
import signal
import socket
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Keeper:
    def __init__(self, folder, refuse, later):
        self.folder = folder
        self.refuse = refuse
        self.later = later
        self.count = 0
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, options):
        if any(address.startswith(p) for p in self.refuse):
            return "550 5.1.1 no such mailbox"
        if any(address.startswith(p) for p in self.later):
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            name = "%d.eml" % self.count
            with open(os.path.join(self.folder, name), "wb") as f:
                f.write(envelope.original_content)
            data = session.auth_data
            login = (data.login.decode()
                     if isinstance(data, LoginPassword) else None)
            with open(os.path.join(self.folder, "log.ndjson"), "a") as f:
                f.write(json.dumps({"file": name,
                                    "mail_from": envelope.mail_from,
                                    "rcpt_tos": envelope.rcpt_tos,
                                    "login": login}) + "\n")
        return "250 2.0.0 accepted"


def main():
    # AUTH without TLS is what a loopback test wants, said once here.
    warnings.simplefilter("ignore")
    logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    ap = argparse.ArgumentParser()
    ap.add_argument("-P", required=True, dest="portfile")
    ap.add_argument("-d", required=True, dest="folder")
    ap.add_argument("-u", dest="user")
    ap.add_argument("-p", dest="password")
    ap.add_argument("-r", action="append", default=[], dest="refuse")
    ap.add_argument("-t", action="append", default=[], dest="later")
    ap.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    ap.add_argument("--smtps", nargs=2, metavar=("CERT", "KEY"))
    a = ap.parse_args()
    os.makedirs(a.folder, exist_ok=True)

    def authenticate(server, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword) and
              data.login.decode() == a.user and
              data.password.decode() == a.password)
        return AuthResult(success=ok, handled=False, auth_data=data)

    # A free port: the controller checks it can connect to the one given.
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    kw = {}
    if a.user:
        kw = {"authenticator": authenticate, "auth_required": True,
              "auth_require_tls": False}
    if a.starttls or a.smtps:
        # Both sides' protocol: the controller checks it is up as a client.
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS)
        ctx.load_cert_chain(*(a.starttls or a.smtps))
        if a.starttls:
            kw.update(tls_context=ctx, require_starttls=True)
        else:
            kw["ssl_context"] = ctx
    c = Controller(Keeper(a.folder, a.refuse, a.later), hostname="127.0.0.1",
                   port=port, **kw)
    c.start()
    tmp = a.portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, a.portfile)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(0.2):
        pass
    c.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
