"""redis-py against the generic keyspace and expiry families: KEYS patterns,
SCAN / scan_iter with MATCH, COUNT and TYPE, EXPIRE family with NX/XX/GT/LT
(ints, timedelta and datetime arguments), TTL/PTTL/EXPIRETIME, TYPE, RENAME,
COPY, MOVE, SWAPDB, SELECT (db=), DBSIZE, FLUSHDB, OBJECT."""

import datetime
import time

from redis.exceptions import ResponseError

from harness import Checks

t = Checks("keyspace")
r = t.client()
r1 = t.client(db=1)
rd = t.client(decode_responses=True)


def keys_and_scan():
    r.flushall()
    for w in ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h?llo", "other"]:
        r.set(w, "1")
    k = lambda p: sorted(rd.keys(p))  # noqa: E731
    t.eq("keys *", len(r.keys()), 8)
    t.eq("keys h?llo", k("h?llo"), ["h*llo", "h?llo", "hallo", "hello", "hxllo"])
    t.eq("keys h*llo", k("h*llo"), ["h*llo", "h?llo", "hallo", "heeeello", "hello", "hllo", "hxllo"])
    t.eq("keys h[ae]llo", k("h[ae]llo"), ["hallo", "hello"])
    t.eq("keys h[^e]llo", k("h[^e]llo"), ["h*llo", "h?llo", "hallo", "hxllo"])
    t.eq("keys h[a-b]llo", k("h[a-b]llo"), ["hallo"])
    t.eq("keys escaped", k("h\\*llo"), ["h*llo"])
    t.eq("keys none", k("zz*"), [])
    t.eq("keys bytes", sorted(r.keys("o*")), [b"other"])

    r.flushdb()
    names = {f"key:{i}" for i in range(1000)} | {f"other:{i}" for i in range(100)}
    r.mset({n: "v" for n in names})
    seen = list(rd.scan_iter())
    t.eq("scan_iter all", sorted(seen), sorted(names))
    t.eq("scan_iter no duplicates", len(seen), len(set(seen)))
    got = list(rd.scan_iter(match="other:*", count=50))
    t.eq("scan_iter match count", sorted(got), sorted(n for n in names if n.startswith("other:")))
    t.eq("scan_iter type string", len(set(rd.scan_iter(match="key:1*", _type="string"))), 111)
    t.eq("scan_iter type list", list(rd.scan_iter(_type="list")), [])
    t.eq("scan_iter type unknown", list(rd.scan_iter(_type="nosuchtype")), [])
    cursor, batch = r.scan(0, count=10)
    t.true("scan cursor int", isinstance(cursor, int) and cursor != 0, repr(cursor))
    t.true("scan batch small", 1 <= len(batch) < 100, f"{len(batch)} keys")
    total, cur = set(), 0
    while True:
        cur, batch = r.scan(cur, match="key:99*", count=200)
        total |= set(batch)
        if cur == 0:
            break
    t.eq("scan manual loop", sorted(total), sorted(n.encode() for n in names if n.startswith("key:99")))
    t.raises("scan bad cursor", lambda: r.scan("abc"), ResponseError, "invalid cursor")
    t.raises("scan count 0", lambda: r.scan(0, count=0), ResponseError, "syntax error")
    t.raises("scan bad count", lambda: r.execute_command("SCAN", "0", "COUNT", "x"), ResponseError,
             "value is not an integer or out of range")
    t.eq("dbsize", r.dbsize(), 1100)
    t.eq("randomkey exists", r.exists(r.randomkey()), 1)
    r.flushdb()
    t.eq("randomkey empty", r.randomkey(), None)
    t.eq("scan empty", r.scan(0), (0, []))


def expiry():
    r.flushall()
    r.set("k", "v")
    t.eq("ttl no expiry", r.ttl("k"), -1)
    t.eq("pttl no expiry", r.pttl("k"), -1)
    t.eq("ttl missing", r.ttl("nope"), -2)
    t.eq("pttl missing", r.pttl("nope"), -2)
    t.eq("expiretime no expiry", r.expiretime("k"), -1)
    t.eq("expiretime missing", r.expiretime("nope"), -2)
    t.eq("pexpiretime missing", r.pexpiretime("nope"), -2)
    t.eq("expire missing", r.expire("nope", 10), False)
    # NX / XX / GT / LT
    t.eq("expire xx without ttl", r.expire("k", 100, xx=True), False)
    t.eq("expire gt without ttl", r.expire("k", 100, gt=True), False)
    t.eq("expire nx without ttl", r.expire("k", 100, nx=True), True)
    t.eq("expire nx with ttl", r.expire("k", 200, nx=True), False)
    t.eq("expire xx with ttl", r.expire("k", 300, xx=True), True)
    t.true("ttl 300", 299 <= r.ttl("k") <= 300)
    t.eq("expire gt smaller", r.expire("k", 100, gt=True), False)
    t.eq("expire gt larger", r.expire("k", 400, gt=True), True)
    t.eq("expire lt larger", r.expire("k", 500, lt=True), False)
    t.eq("expire lt smaller", r.expire("k", 50, lt=True), True)
    t.true("ttl 50", 49 <= r.ttl("k") <= 50)
    t.eq("expire xx gt", r.expire("k", 60, xx=True, gt=True), True)
    r.persist("k")
    t.eq("expire lt without ttl", r.expire("k", 70, lt=True), True)
    t.raises("expire nx xx", lambda: r.expire("k", 10, nx=True, xx=True), ResponseError,
             "NX and XX, GT or LT options at the same time are not compatible")
    t.raises("expire gt lt", lambda: r.expire("k", 10, gt=True, lt=True), ResponseError,
             "GT and LT options at the same time are not compatible")
    t.raises("expire nx gt", lambda: r.pexpire("k", 10, nx=True, gt=True), ResponseError,
             "NX and XX, GT or LT options at the same time are not compatible")
    t.raises("expire bad option", lambda: r.execute_command("EXPIRE", "k", "10", "YY"), ResponseError,
             "Unsupported option YY")
    t.raises("expire not int", lambda: r.expire("k", "ten"), ResponseError, "value is not an integer or out of range")
    t.raises("expire overflow", lambda: r.expire("k", 9223372036854775807), ResponseError,
             "invalid expire time in 'expire' command")
    t.true("ttl intact after errors", 69 <= r.ttl("k") <= 70)
    t.eq("pexpireat int64 max", r.pexpireat("k", 9223372036854775807), True)
    t.eq("pexpiretime int64 max", r.pexpiretime("k"), 9223372036854775807)
    t.true("ttl far future", r.ttl("k") > 10**15, repr(r.ttl("k")))
    t.raises("expireat overflow", lambda: r.expireat("k", 9223372036854775807), ResponseError,
             "invalid expire time in 'expireat' command")
    # timedelta and datetime arguments
    t.eq("expire timedelta", r.expire("k", datetime.timedelta(minutes=2)), True)
    t.true("ttl 120", 119 <= r.ttl("k") <= 120)
    t.eq("pexpire ms", r.pexpire("k", 90500), True)
    t.true("pttl 90500", 90000 <= r.pttl("k") <= 90500)
    t.eq("pexpire timedelta", r.pexpire("k", datetime.timedelta(seconds=80)), True)
    t.true("pttl 80000", 79000 <= r.pttl("k") <= 80000)
    now = int(time.time())
    t.eq("expireat int", r.expireat("k", now + 1000), True)
    t.eq("expiretime", r.expiretime("k"), now + 1000)
    t.eq("pexpiretime", r.pexpiretime("k"), (now + 1000) * 1000)
    t.eq("expireat datetime", r.expireat("k", datetime.datetime.fromtimestamp(now + 2000)), True)
    t.eq("expiretime datetime", r.expiretime("k"), now + 2000)
    t.eq("pexpireat int", r.pexpireat("k", (now + 3000) * 1000 + 250), True)
    t.eq("pexpiretime ms", r.pexpiretime("k"), (now + 3000) * 1000 + 250)
    t.eq("expiretime rounds", r.expiretime("k"), now + 3000)
    t.eq("pexpireat datetime", r.pexpireat("k", datetime.datetime.fromtimestamp(now + 4000)), True)
    t.eq("pexpiretime datetime", r.pexpiretime("k"), (now + 4000) * 1000)
    t.eq("expireat gt", r.expireat("k", now + 10, gt=True), False)
    t.eq("pexpireat lt", r.pexpireat("k", (now + 10) * 1000, lt=True), True)
    t.eq("persist", r.persist("k"), True)
    t.eq("persist again", r.persist("k"), False)
    t.eq("persist missing", r.persist("nope"), False)
    # past / negative times delete the key
    r.set("d1", "x")
    t.eq("expire negative", r.expire("d1", -1), True)
    t.eq("expired gone", r.exists("d1"), 0)
    r.set("d2", "x")
    t.eq("expireat past", r.expireat("d2", 1), True)
    t.eq("expireat past gone", r.get("d2"), None)
    # a short expiry really expires
    r.set("short", "x", px=50)
    time.sleep(0.2)
    t.eq("short expired get", r.get("short"), None)
    t.eq("short expired ttl", r.ttl("short"), -2)


def keyspace_ops():
    r.flushall()
    r.set("a", "1")
    t.eq("type string", r.type("a"), b"string")
    t.eq("type decoded", rd.type("a"), "string")
    t.eq("type none", r.type("nope"), b"none")
    t.eq("exists multi", r.exists("a", "a", "nope"), 2)
    t.eq("touch", r.touch("a", "nope"), 1)
    r.set("b", "2", ex=100)
    t.eq("rename", r.rename("b", "c"), True)
    t.eq("rename moved value", r.mget("b", "c"), [None, b"2"])
    t.true("rename kept ttl", 99 <= r.ttl("c") <= 100)
    t.raises("rename missing", lambda: r.rename("nope", "x"), ResponseError, "no such key")
    t.eq("rename same", r.rename("a", "a"), True)
    t.eq("renamenx existing", r.renamenx("a", "c"), False)
    t.eq("renamenx new", r.renamenx("a", "a2"), True)
    t.raises("renamenx missing", lambda: r.renamenx("nope", "x"), ResponseError, "no such key")
    # COPY
    t.eq("copy", r.copy("a2", "a3"), True)
    t.eq("copy value", r.get("a3"), b"1")
    t.eq("copy existing", r.copy("a2", "a3"), False)
    r.set("a2", "changed")
    t.eq("copy replace", r.copy("a2", "a3", replace=True), True)
    t.eq("copy replaced value", r.get("a3"), b"changed")
    t.eq("copy keeps ttl", (r.copy("c", "c2"), 99 <= r.ttl("c2") <= 100), (True, True))
    t.eq("copy missing", r.copy("nope", "x"), False)
    t.eq("copy to db", r.copy("a2", "a2", destination_db=1), True)
    t.eq("copy to db value", r1.get("a2"), b"changed")
    t.raises("copy same key", lambda: r.copy("a2", "a2"), ResponseError,
             "source and destination objects are the same")
    t.raises("copy bad db", lambda: r.copy("a2", "x", destination_db=99), ResponseError, "DB index is out of range")
    t.raises("copy bad db type", lambda: r.copy("a2", "x", destination_db="x"), ResponseError,
             "value is not an integer or out of range")
    # MOVE
    r.set("m", "here")
    t.eq("move", r.move("m", 1), True)
    t.eq("move gone", r.exists("m"), 0)
    t.eq("move arrived", r1.get("m"), b"here")
    r.set("m", "again")
    t.eq("move existing in target", r.move("m", 1), False)
    t.eq("move missing", r.move("nope", 1), False)
    t.raises("move same db", lambda: r.move("m", 0), ResponseError, "source and destination objects are the same")
    t.raises("move bad db", lambda: r.move("m", 16), ResponseError, "DB index is out of range")
    # SWAPDB / DBSIZE / FLUSHDB
    size0, size1 = r.dbsize(), r1.dbsize()
    t.eq("swapdb", r.swapdb(0, 1), True)
    t.eq("swapdb sizes", (r.dbsize(), r1.dbsize()), (size1, size0))
    t.eq("swapdb content", r.get("m"), b"here")
    t.eq("swapdb back", r.swapdb(1, 0), True)
    t.raises("swapdb bad index", lambda: r.swapdb(0, 16), ResponseError, "DB index is out of range")
    t.raises("swapdb not int", lambda: r.swapdb(0, "x"), ResponseError, "invalid second DB index")
    t.raises("select bad", lambda: r.execute_command("SELECT", "16"), ResponseError, "DB index is out of range")
    t.eq("flushdb db1", r1.flushdb(), True)
    t.eq("flushdb db1 empty", r1.dbsize(), 0)
    t.true("db0 untouched", r.dbsize() > 0)
    t.eq("flushdb async", r.flushdb(asynchronous=True), True)
    t.eq("db0 empty", r.dbsize(), 0)
    r.set("x", "1")
    r1.set("y", "1")
    t.eq("flushall sync", r.execute_command("FLUSHALL", "SYNC"), True)
    t.eq("flushall cleared", (r.dbsize(), r1.dbsize()), (0, 0))
    t.raises("flushdb bad arg", lambda: r.execute_command("FLUSHDB", "NOW"), ResponseError, "syntax error")
    # DEL / UNLINK
    r.mset({"d1": 1, "d2": 2, "d3": 3})
    t.eq("delete", r.delete("d1", "d2", "nope"), 2)
    t.eq("unlink", r.unlink("d3", "nope"), 1)


def objects():
    r.flushall()
    r.set("i", "12345")
    r.set("s", "short")
    r.set("l", "x" * 45)
    r.set("big", "12345678901234567890")
    r.set("f", "1.5")
    r.set("lead", "0123")
    t.eq("encoding int", r.object("encoding", "i"), b"int")
    t.eq("encoding embstr", r.object("encoding", "s"), b"embstr")
    t.eq("encoding raw", r.object("encoding", "l"), b"raw")
    t.eq("encoding big number", r.object("encoding", "big"), b"embstr")
    t.eq("encoding float", r.object("encoding", "f"), b"embstr")
    t.eq("encoding leading zero", r.object("encoding", "lead"), b"embstr")
    r.append("s", "x")
    t.eq("encoding after append", r.object("encoding", "s"), b"raw")
    t.raises("incr leading zero", lambda: r.incr("lead"), ResponseError, "value is not an integer or out of range")
    r.set("num", "10")
    r.append("num", "0")
    t.eq("encoding appended number", r.object("encoding", "num"), b"raw")
    t.eq("incr raw number", r.incr("num"), 101)
    t.eq("encoding after incr", r.object("encoding", "num"), b"int")
    r.setrange("i", 0, "9")
    t.eq("encoding after setrange", r.object("encoding", "i"), b"raw")
    t.eq("encoding missing", r.object("encoding", "nope"), None)
    t.eq("encoding decoded", rd.object("encoding", "l"), "raw")
    t.true("idletime", r.object("idletime", "s") in (0, 1))
    t.eq("idletime missing", r.object("idletime", "nope"), None)
    t.true("refcount", isinstance(r.object("refcount", "l"), int))
    t.raises("freq without LFU", lambda: r.object("freq", "s"), ResponseError,
             "An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when "
             "switching between policies at runtime LRU and LFU data will take some time to adjust.")
    t.raises("object bad subcommand", lambda: r.object("nosuch", "s"), ResponseError,
             "unknown subcommand 'nosuch'. Try OBJECT HELP.")


for name, fn in [("keys and scan", keys_and_scan), ("expiry", expiry), ("keyspace ops", keyspace_ops),
                 ("objects", objects)]:
    t.section(name, fn)
r.flushall()
t.finish()
