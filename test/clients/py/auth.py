"""redis-py against a server that requires a password: NOAUTH before AUTH,
password= / username= on the client (AUTH at connect), wrong passwords,
redis.auth(), HELLO AUTH, from_url with credentials, a password-protected
pool shared by threads.

With --password P the server was started with `requirepass P`; without it,
the script sets requirepass itself with CONFIG SET and clears it at the end."""

import threading

import redis
from redis.exceptions import AuthenticationError, ResponseError

from harness import Checks

t = Checks("auth", lambda p: p.add_argument("--password", default=None))
preset = t.args.password
PW = preset or "s3cr3t pässword"

NOAUTH = "Authentication required."
WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled."


def no_password_configured():
    if preset:
        return
    r = t.client()
    r.config_set("requirepass", "")
    t.raises("auth without requirepass", lambda: r.auth("x"), ResponseError,
             "AUTH <password> called without any password configured for the default user. "
             "Are you sure your configuration is correct?")
    t.eq("auth default nopass user", r.auth("anything", username="default"), True)
    t.raises("client password without requirepass", lambda: t.client(password="x").ping(), ResponseError,
             "AUTH <password> called without any password configured for the default user. "
             "Are you sure your configuration is correct?")
    t.eq("set requirepass", r.config_set("requirepass", PW), True)
    # the connection that set it stays authenticated
    t.eq("setter still authenticated", r.ping(), True)
    r.close()


def protected():
    anon = t.client()
    t.raises("noauth ping", anon.ping, AuthenticationError, NOAUTH)
    t.raises("noauth get", lambda: anon.get("k"), AuthenticationError, NOAUTH)
    # the command lookup comes before the authentication check
    t.raises("noauth unknown command", lambda: anon.execute_command("NOSUCHCMD"), ResponseError,
             "unknown command 'NOSUCHCMD', with args beginning with: ")
    t.raises("noauth wrong arity", lambda: anon.execute_command("GET"), ResponseError,
             "wrong number of arguments for 'get' command")
    t.raises("noauth client id", anon.client_id, AuthenticationError, NOAUTH)
    t.raises("wrong password", lambda: anon.auth("wrong"), ResponseError, WRONGPASS)
    t.raises("wrong user", lambda: anon.auth(PW, username="nobody"), ResponseError, WRONGPASS)
    t.raises("auth arity", lambda: anon.execute_command("AUTH", "a", "b", "c"), ResponseError, "syntax error")
    t.eq("auth", anon.auth(PW), True)
    t.eq("authenticated ping", anon.ping(), True)
    t.eq("reauth wrong keeps session", (type(t.raises("reauth wrong", lambda: anon.auth("bad"), ResponseError,
                                                      WRONGPASS)).__name__, anon.ping()),
         ("ResponseError", True))
    anon.close()

    good = t.client(password=PW)
    t.eq("password= set", good.set("k", "v"), True)
    t.eq("password= get", good.get("k"), b"v")
    t.eq("password= client user", good.client_info()["user"], "default")
    good.close()
    gu = t.client(username="default", password=PW, decode_responses=True)
    t.eq("username+password", gu.get("k"), "v")
    gu.close()
    bad = t.client(password="nope")
    t.raises("bad password= at connect", bad.ping, ResponseError, WRONGPASS)
    bad2 = t.client(username="ghost", password=PW)
    t.raises("bad username= at connect", bad2.ping, ResponseError, WRONGPASS)

    h = t.client()
    t.raises("hello without auth", lambda: h.execute_command("HELLO", "2"), AuthenticationError,
             "HELLO must be called with the client already authenticated, otherwise the HELLO "
             "AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol "
             "version at the same time", prefix=True)
    t.raises("hello auth wrong", lambda: h.execute_command("HELLO", "2", "AUTH", "default", "no"), ResponseError,
             WRONGPASS)
    reply = h.execute_command("HELLO", "2", "AUTH", "default", PW, "SETNAME", "hello-auth")
    t.eq("hello auth", reply[:4], [b"server", b"redis", b"version", b"7.0.15"])
    t.eq("hello auth setname", h.client_getname(), "hello-auth")
    h.close()

    from urllib.parse import quote
    u = redis.from_url(f"redis://:{quote(PW)}@{t.args.host}:{t.args.port}/1")
    t.eq("from_url password", (u.set("uk", "1"), u.get("uk")), (True, b"1"))
    u.close()
    u2 = redis.from_url(f"redis://default:{quote(PW)}@{t.args.host}:{t.args.port}/1", decode_responses=True)
    t.eq("from_url user+password", u2.get("uk"), "1")
    u2.close()

    pool = redis.ConnectionPool(host=t.args.host, port=t.args.port, password=PW, max_connections=6)
    shared = redis.Redis(connection_pool=pool)
    errors = []

    def worker():
        try:
            for _ in range(200):
                shared.incr("authcounter")
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    ths = [threading.Thread(target=worker) for _ in range(6)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    t.eq("auth pool threads", (errors, shared.get("authcounter")), ([], b"1200"))
    p = shared.pipeline(transaction=False)
    p.get("authcounter").delete("authcounter").delete("k")
    t.eq("auth pipeline", p.execute(), [b"1200", 1, 1])
    shared.flushall()
    pool.disconnect()


def cleanup():
    if preset:
        return
    r = t.client(password=PW)
    t.eq("clear requirepass", r.config_set("requirepass", ""), True)
    r.close()
    t.eq("open again", t.client().ping(), True)


for name, fn in [("no password configured", no_password_configured), ("protected", protected),
                 ("cleanup", cleanup)]:
    t.section(name, fn)
t.finish()
