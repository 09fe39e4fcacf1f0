#!/usr/bin/python3
# smtp_sink.py ADDR PORT FILE: an SMTP server (aiosmtpd) that appends
# each message to FILE with its envelope (X-Helo, X-MailFrom, X-RcptTo)
# and says "ready" once it listens.  It stops by itself after 90 s.
import sys
import time

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        text = envelope.content.decode("utf-8", "replace")
        with open(self.path, "a") as f:
            f.write("X-Helo: %s\nX-MailFrom: %s\nX-RcptTo: %s\n" % (
                session.host_name, envelope.mail_from,
                ", ".join(envelope.rcpt_tos)))
            f.write(text.replace("\r\n", "\n"))
            f.write("\n-- end --\n")
        return "250 OK"


def main():
    # server_hostname: else each connection asks the DNS (getfqdn), which
    # takes seconds to time out on a box with no network.
    c = Controller(Sink(sys.argv[3]), hostname=sys.argv[1],
                   port=int(sys.argv[2]), server_hostname="sink.had.test")
    c.start()
    print("ready", flush=True)
    time.sleep(90)
    c.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
