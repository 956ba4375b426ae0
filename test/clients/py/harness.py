"""Shared harness for the redis-py client scripts.

Each script exercises redis-py (the Python client, Debian's python3-redis
4.3.x) against a server given by --port, with expectations taken from real
Redis 7.0. A script prints one JSON summary line on stdout and exits non-zero
if any check failed (or if it crashed), so test/clients/redis-py.test.ts can
run it against real Redis and against Respite and demand that both pass.
"""

import argparse
import json
import sys
import traceback

import redis


class Checks:
    """Collects named checks; failures are recorded, not raised, so one bad
    reply does not hide the rest of the script's findings."""

    def __init__(self, name, extra_args=None):
        parser = argparse.ArgumentParser(description=name)
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--host", default="127.0.0.1")
        if extra_args:
            extra_args(parser)
        self.args = parser.parse_args()
        self.name = name
        self.count = 0
        self.failures = []
        self.notes = {}

    # ----- client factories ----------------------------------------------------

    def client(self, **kw):
        """A fresh redis.Redis on the target server (RESP2, PythonParser)."""
        kw.setdefault("socket_timeout", 10)
        return redis.Redis(host=self.args.host, port=self.args.port, **kw)

    # ----- assertions ----------------------------------------------------------

    def _fail(self, label, detail):
        self.failures.append({"check": label, "detail": detail})

    def eq(self, label, got, want):
        """got == want (and, for bool/int, the same Python type)."""
        self.count += 1
        if got != want or (isinstance(want, bool) != isinstance(got, bool)):
            self._fail(label, f"got {got!r}, want {want!r}")
        return got

    def true(self, label, cond, detail=""):
        self.count += 1
        if not cond:
            self._fail(label, detail or "condition is false")
        return cond

    def raises(self, label, fn, exc_type, message=None, prefix=False, subclass=False):
        """fn() must raise exc_type (exactly that class, or a subclass when
        subclass=True) with str(e) == message (or starting with it when
        prefix=True)."""
        self.count += 1
        try:
            got = fn()
        except Exception as e:  # noqa: BLE001 - any exception is a finding
            if not (isinstance(e, exc_type) if subclass else type(e) is exc_type):
                self._fail(label, f"raised {type(e).__name__}: {e}, want {exc_type.__name__}")
                return e
            text = str(e)
            if message is not None:
                ok = text.startswith(message) if prefix else text == message
                if not ok:
                    self._fail(label, f"error text {text!r}, want {message!r}")
            return e
        self._fail(label, f"returned {got!r}, want {exc_type.__name__}({message!r})")
        return None

    def section(self, label, fn):
        """Run one block of checks; a crash in it is one failure, the script goes on."""
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            self.count += 1
            where = [f"line {f.lineno}: {f.line}" for f in traceback.extract_tb(e.__traceback__)
                     if f.filename == sys.argv[0] or f.filename.endswith("/" + sys.argv[0])]
            self._fail(label, "crashed: " + "".join(traceback.format_exception_only(type(e), e)).strip()
                       + (" at " + where[-1] if where else ""))

    # ----- end -----------------------------------------------------------------

    def finish(self):
        summary = {
            "script": self.name,
            "port": self.args.port,
            "redis_py": redis.__version__,
            "checks": self.count,
            "failed": len(self.failures),
            "failures": self.failures,
            "notes": self.notes,
        }
        print(json.dumps(summary))
        sys.exit(1 if self.failures else 0)
