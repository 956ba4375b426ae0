"""redis-py's shutdown() helper: the refusals first (ABORT with nothing to
abort, SAVE with NOSAVE caught client-side, bad options), then a real
SHUTDOWN NOSAVE NOW, after which the server must be gone. This script
ends the server it is given."""

import socket
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import DataError, ResponseError

from harness import Checks

t = Checks("shutdown")
r = t.client()


def refusals():
    r.set("k", "v")
    t.raises("shutdown abort nothing", lambda: r.shutdown(abort=True), ResponseError,
             "No shutdown in progress.")
    t.raises("shutdown save+nosave", lambda: r.shutdown(save=True, nosave=True), DataError)
    t.raises("shutdown abort+nosave", lambda: r.shutdown(nosave=True, abort=True), ResponseError, "syntax error")
    t.raises("shutdown bad option", lambda: r.execute_command("SHUTDOWN", "LATER"), ResponseError, "syntax error")
    t.eq("still serving", r.get("k"), b"v")


def really():
    # redis-py treats the connection drop as success and returns None
    t.eq("shutdown nosave now", r.shutdown(nosave=True, now=True), None)
    gone = False
    for _ in range(100):
        try:
            socket.create_connection((t.args.host, t.args.port), timeout=1).close()
            time.sleep(0.05)
        except OSError:
            gone = True
            break
    t.true("server gone", gone, "port still accepts connections")
    t.raises("commands fail after shutdown", r.ping, RedisConnectionError, None)


for name, fn in [("refusals", refusals), ("really", really)]:
    t.section(name, fn)
t.finish()
