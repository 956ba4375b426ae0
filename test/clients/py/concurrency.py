"""redis-py connection pools shared by several threads, BlockingConnectionPool,
from_url, health checks, and non-transactional pipelines (transaction=False):
batching, big batches, per-command errors with raise_on_error on and off.
(MULTI/EXEC pipelines are not exercised: Respite has no transactions yet.)"""

import threading
import time

import redis
from redis.exceptions import ResponseError

from harness import Checks

t = Checks("concurrency")
r = t.client()


def threads():
    r.flushall()
    pool = redis.ConnectionPool(host=t.args.host, port=t.args.port, max_connections=12)
    shared = redis.Redis(connection_pool=pool)
    errors = []
    n_threads, n_ops = 12, 300

    def worker(i):
        try:
            for j in range(n_ops):
                shared.incr("counter")
                shared.set(f"t{i}:{j}", f"{i}-{j}")
                if shared.get(f"t{i}:{j}") != f"{i}-{j}".encode():
                    errors.append(f"thread {i} read back wrong value at {j}")
                shared.append(f"log{i}", b"x")
        except Exception as e:  # noqa: BLE001
            errors.append(f"thread {i}: {e!r}")

    ths = [threading.Thread(target=worker, args=(i,)) for i in range(n_threads)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    t.eq("thread errors", errors, [])
    t.eq("counter", r.get("counter"), str(n_threads * n_ops).encode())
    t.eq("per-thread logs", [r.strlen(f"log{i}") for i in range(n_threads)], [n_ops] * n_threads)
    t.eq("keys written", r.dbsize(), n_threads * n_ops + n_threads + 1)
    t.true("pool bounded", len(pool._available_connections) + len(pool._in_use_connections) <= 12)
    # every pooled connection is a distinct server client
    ids = set()
    conns = [pool.get_connection("CLIENT ID") for _ in range(4)]
    for c in conns:
        c.send_command("CLIENT", "ID")
        ids.add(c.read_response())
    for c in conns:
        pool.release(c)
    t.eq("distinct connections", len(ids), 4)
    pool.disconnect()

    # a blocking pool with fewer connections than threads: threads wait their turn
    bpool = redis.BlockingConnectionPool(host=t.args.host, port=t.args.port, max_connections=3, timeout=20)
    b = redis.Redis(connection_pool=bpool, decode_responses=True)
    out = []

    def bworker(i):
        try:
            for _ in range(100):
                b.incrby("bcounter", 2)
            out.append(b.client_getname())
        except Exception as e:  # noqa: BLE001
            errors.append(f"blocking thread {i}: {e!r}")

    ths = [threading.Thread(target=bworker, args=(i,)) for i in range(8)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    t.eq("blocking pool errors", errors, [])
    t.eq("blocking pool counter", r.get("bcounter"), b"1600")
    t.eq("blocking pool results", out, [None] * 8)
    t.true("blocking pool size", len(bpool._connections) <= 3)
    bpool.disconnect()


def urls_and_health():
    u = redis.from_url(f"redis://{t.args.host}:{t.args.port}/7?decode_responses=True&client_name=from-url")
    t.eq("from_url db + decode", (u.set("u", "v"), u.get("u"), u.client_info()["db"]), (True, "v", 7))
    t.eq("from_url client_name", u.client_getname(), "from-url")
    t.eq("from_url isolated db", r.get("u"), None)
    u.close()
    h = t.client(health_check_interval=1, socket_keepalive=True)
    t.eq("health first", h.ping(), True)
    time.sleep(1.2)
    t.eq("health check after idle", h.get("counter") is not None, True)
    h.close()


def pipelines():
    r.flushall()
    p = r.pipeline(transaction=False)
    p.set("a", "1").get("a").incr("a").incrbyfloat("a", 0.5).append("a", "x").getrange("a", 0, 1)
    p.setbit("bits", 3, 1).bitcount("bits").expire("a", 100).ttl("a").type("a").exists("a", "nope")
    p.mset({"m1": "1", "m2": "2"}).mget("m1", "m2", "m3").delete("m1").get("nope")
    res = p.execute()
    t.eq("pipeline results", res, [True, b"1", 2, 2.5, 4, b"2.", 0, 1, True, 100, b"string", 1,
                                   True, [b"1", b"2", None], 1, None])
    t.eq("pipeline reusable after execute", len(p), 0)
    # big batch
    p = r.pipeline(transaction=False)
    for i in range(5000):
        p.set(f"bulk:{i}", i)
    for i in range(5000):
        p.get(f"bulk:{i}")
    res = p.execute()
    t.eq("big pipeline sets", res[:5000], [True] * 5000)
    t.eq("big pipeline gets", res[5000:], [str(i).encode() for i in range(5000)])
    # binary payloads
    with r.pipeline(transaction=False) as p:
        blob = bytes(range(256)) * 100
        p.set(b"\x00bin", blob).get(b"\x00bin").strlen(b"\x00bin").getdel(b"\x00bin")
        t.eq("binary pipeline", p.execute(), [True, blob, len(blob), blob])
    # errors: raise_on_error=True raises the first error, annotated with its position
    r.set("txt", "abc")
    p = r.pipeline(transaction=False)
    p.set("ok1", "1").incr("txt").get("ok1").expire("ok1", "x").get("ok1")
    t.raises("pipeline raise_on_error", p.execute, ResponseError,
                 "Command # 2 (INCRBY txt 1) of pipeline caused error: value is not an integer or out of range")
    t.eq("pipeline side effects kept", r.get("ok1"), b"1")
    p = r.pipeline(transaction=False)
    p.set("ok2", "2").incr("txt").get("ok2").execute_command("NOSUCHCMD", "z").bitop("NOT", "d", "x", "y")
    p.get("ok2")
    res = p.execute(raise_on_error=False)
    t.eq("pipeline mixed length", len(res), 6)
    t.eq("pipeline mixed ok", (res[0], res[2], res[5]), (True, b"2", b"2"))
    t.eq("pipeline mixed errors", [(type(x).__name__, str(x)) for x in (res[1], res[3], res[4])],
         [("ResponseError", "value is not an integer or out of range"),
          ("ResponseError", "unknown command 'NOSUCHCMD', with args beginning with: 'z' "),
          ("ResponseError", "BITOP NOT must be called with a single source key.")])
    # decode_responses pipeline
    rd = t.client(decode_responses=True)
    pd = rd.pipeline(transaction=False)
    pd.set("d", "héllo").get("d").strlen("d").lcs("d", "d")
    t.eq("decoded pipeline", pd.execute(), [True, "héllo", 6, "héllo"])
    # pipelines from several threads at once, each on its own connection
    errors = []

    def pworker(i):
        try:
            for _ in range(20):
                pp = r.pipeline(transaction=False)
                for j in range(50):
                    pp.incr(f"pc{i}")
                out = pp.execute()
                if out[-1] % 50:
                    errors.append(f"thread {i}: {out[-1]}")
        except Exception as ex:  # noqa: BLE001
            errors.append(f"thread {i}: {ex!r}")

    ths = [threading.Thread(target=pworker, args=(i,)) for i in range(6)]
    for th in ths:
        th.start()
    for th in ths:
        th.join()
    t.eq("threaded pipelines", (errors, [r.get(f"pc{i}") for i in range(6)]), ([], [b"1000"] * 6))


for name, fn in [("threads", threads), ("urls and health", urls_and_health), ("pipelines", pipelines)]:
    t.section(name, fn)
r.flushall()
t.finish()
