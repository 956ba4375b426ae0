"""redis-py against the string family: connection, PING/ECHO, SET with every
option redis-py exposes, GETEX/GETDEL/GETSET, MGET/MSET/MSETNX, the INCR
family, APPEND/STRLEN/GETRANGE/SETRANGE/SUBSTR, LCS, binary values and
decode_responses on and off."""

import datetime
import time

from redis.exceptions import DataError, ResponseError

from harness import Checks

t = Checks("strings")
r = t.client()
rd = t.client(decode_responses=True)


def connection():
    t.eq("ping", r.ping(), True)
    t.eq("ping decoded", rd.ping(), True)
    t.eq("echo bytes", r.echo("hello"), b"hello")
    t.eq("echo decoded", rd.echo("héllo"), "héllo")
    t.eq("flushall", r.flushall(), True)
    t.eq("dbsize empty", r.dbsize(), 0)
    # PING's response callback compares with "PONG": a PING message comes back as False.
    t.eq("execute_command PING msg", r.execute_command("PING", "x"), False)


def set_options():
    now = int(time.time())
    t.eq("set plain", r.set("s", "v1"), True)
    t.eq("get", r.get("s"), b"v1")
    t.eq("get missing", r.get("nope"), None)
    t.eq("set nx existing", r.set("s", "v2", nx=True), None)
    t.eq("set nx new", r.set("s2", "v2", nx=True), True)
    t.eq("set xx missing", r.set("s3", "v", xx=True), None)
    t.eq("set xx existing", r.set("s2", "v3", xx=True), True)
    t.eq("get after xx", r.get("s2"), b"v3")
    t.eq("exists s3", r.exists("s3"), 0)
    # ex / px, as ints and as timedelta
    t.eq("set ex", r.set("e", "v", ex=100), True)
    t.true("ttl ex", 99 <= r.ttl("e") <= 100, f"ttl {r.ttl('e')}")
    t.eq("set ex timedelta", r.set("e", "v", ex=datetime.timedelta(seconds=50)), True)
    t.true("ttl ex timedelta", 49 <= r.ttl("e") <= 50)
    t.eq("set px", r.set("p", "v", px=100000), True)
    t.true("pttl px", 99000 <= r.pttl("p") <= 100000)
    t.eq("set px timedelta", r.set("p", "v", px=datetime.timedelta(milliseconds=60000)), True)
    t.true("pttl px timedelta", 59000 <= r.pttl("p") <= 60000)
    # keepttl
    t.eq("set keepttl", r.set("p", "w", keepttl=True), True)
    t.true("keepttl kept", 59000 <= r.pttl("p") <= 60000)
    t.eq("set without keepttl", r.set("p", "w2"), True)
    t.eq("ttl cleared", r.ttl("p"), -1)
    # exat / pxat, as ints and as datetimes
    t.eq("set exat", r.set("a", "v", exat=now + 1000), True)
    t.eq("expiretime exat", r.expiretime("a"), now + 1000)
    t.eq("set pxat", r.set("a", "v", pxat=(now + 2000) * 1000 + 123), True)
    t.eq("pexpiretime pxat", r.pexpiretime("a"), (now + 2000) * 1000 + 123)
    dt = datetime.datetime.fromtimestamp(now + 3000)
    t.eq("set exat datetime", r.set("a", "v", exat=dt), True)
    t.eq("expiretime exat datetime", r.expiretime("a"), now + 3000)
    t.eq("set pxat datetime", r.set("a", "v", pxat=dt), True)
    t.eq("pexpiretime pxat datetime", r.pexpiretime("a"), (now + 3000) * 1000)
    # get=True returns the old value
    t.eq("set get old", r.set("s", "new", get=True), b"v1")
    t.eq("set get missing", r.set("g-new", "x", get=True), None)
    t.eq("set get value", r.get("g-new"), b"x")
    t.eq("set nx get existing", r.set("s", "zz", nx=True, get=True), b"new")
    t.eq("set nx get kept", r.get("s"), b"new")
    t.eq("set xx get missing", r.set("xg", "zz", xx=True, get=True), None)
    t.eq("set xx get not created", r.exists("xg"), 0)
    t.eq("set ex get", r.set("s", "v9", ex=10, get=True), b"new")
    t.true("set ex get ttl", 9 <= r.ttl("s") <= 10)
    # client-side validation in redis-py (never reaches the server)
    t.raises("set ex float", lambda: r.set("s", "v", ex=1.5), DataError)
    # server-side errors
    t.raises("set nx xx", lambda: r.set("s", "v", nx=True, xx=True), ResponseError, "syntax error")
    t.raises("set ex 0", lambda: r.set("s", "v", ex=0), ResponseError, "invalid expire time in 'set' command")
    t.raises("set px -1", lambda: r.set("s", "v", px=-1), ResponseError, "invalid expire time in 'set' command")
    t.raises("set ex keepttl", lambda: r.set("s", "v", ex=10, keepttl=True), ResponseError, "syntax error")
    t.raises("set ex px", lambda: r.set("s", "v", ex=10, px=100), ResponseError, "syntax error")
    t.eq("value intact after errors", r.get("s"), b"v9")
    # setex / psetex / setnx helpers
    t.eq("setex", r.setex("se", 30, "v"), True)
    t.true("setex ttl", 29 <= r.ttl("se") <= 30)
    t.eq("psetex", r.psetex("pse", 30000, "v"), True)
    t.true("psetex pttl", 29000 <= r.pttl("pse") <= 30000)
    t.eq("setnx new", r.setnx("snx", "1"), True)
    t.eq("setnx existing", r.setnx("snx", "2"), False)
    t.raises("setex 0", lambda: r.setex("se", 0, "v"), ResponseError, "invalid expire time in 'setex' command")
    t.raises("psetex -5", lambda: r.psetex("se", -5, "v"), ResponseError, "invalid expire time in 'psetex' command")
    # __getitem__ / __setitem__ / __delitem__
    r["item"] = "val"
    t.eq("getitem", r["item"], b"val")
    del r["item"]
    t.raises("getitem missing", lambda: r["item"], KeyError)


def get_family():
    r.flushdb()
    r.set("k", "v", ex=100)
    t.eq("getex plain", r.getex("k"), b"v")
    t.true("getex plain keeps ttl", 99 <= r.ttl("k") <= 100)
    t.eq("getex ex", r.getex("k", ex=500), b"v")
    t.true("getex ex ttl", 499 <= r.ttl("k") <= 500)
    t.eq("getex px", r.getex("k", px=700000), b"v")
    t.true("getex px ttl", 699 <= r.ttl("k") <= 700)
    now = int(time.time())
    t.eq("getex exat", r.getex("k", exat=now + 900), b"v")
    t.eq("getex exat expiretime", r.expiretime("k"), now + 900)
    t.eq("getex pxat", r.getex("k", pxat=(now + 950) * 1000 + 7), b"v")
    t.eq("getex pxat pexpiretime", r.pexpiretime("k"), (now + 950) * 1000 + 7)
    t.eq("getex persist", r.getex("k", persist=True), b"v")
    t.eq("getex persist ttl", r.ttl("k"), -1)
    t.eq("getex missing", r.getex("missing", ex=10), None)
    # redis-py 4.3 does not check that only one option is given: the server refuses.
    t.raises("getex two options", lambda: r.getex("k", ex=1, px=1), ResponseError, "syntax error")
    t.raises("getex ex 0", lambda: r.getex("k", ex=0), ResponseError, "invalid expire time in 'getex' command")
    t.raises("getex raw syntax", lambda: r.execute_command("GETEX", "k", "EX", "1", "PERSIST"), ResponseError, "syntax error")
    t.eq("getdel", r.getdel("k"), b"v")
    t.eq("getdel gone", r.exists("k"), 0)
    t.eq("getdel missing", r.getdel("k"), None)
    t.eq("getset missing", r.getset("gs", "1"), None)
    t.eq("getset existing", r.getset("gs", "2"), b"1")
    r.expire("gs", 100)
    t.eq("getset clears ttl", r.getset("gs", "3"), b"2")
    t.eq("getset ttl", r.ttl("gs"), -1)


def multi_key():
    r.flushdb()
    t.eq("mset", r.mset({"a": "1", "b": "2", "c": b"\x00\xff"}), True)
    t.eq("mget", r.mget("a", "b", "nope", "c"), [b"1", b"2", None, b"\x00\xff"])
    t.eq("mget list", r.mget(["a", "b"]), [b"1", b"2"])
    t.eq("mget decoded", rd.mget("a", "nope"), ["1", None])
    t.eq("msetnx blocked", r.msetnx({"a": "x", "d": "4"}), False)
    t.eq("msetnx did nothing", r.mget("a", "d"), [b"1", None])
    t.eq("msetnx ok", r.msetnx({"d": "4", "e": "5"}), True)
    t.eq("msetnx set", r.mget("d", "e"), [b"4", b"5"])
    t.raises("mset odd args", lambda: r.execute_command("MSET", "a", "1", "b"), ResponseError,
             "wrong number of arguments for 'mset' command")
    t.raises("mset empty mapping", lambda: r.execute_command("MSET"), ResponseError,
             "wrong number of arguments for 'mset' command")


def counters():
    r.flushdb()
    t.eq("incr new", r.incr("n"), 1)
    t.eq("incr by", r.incr("n", 10), 11)
    t.eq("incrby", r.incrby("n", -20), -9)
    t.eq("decr", r.decr("n"), -10)
    t.eq("decr by", r.decr("n", 5), -15)
    t.eq("decrby", r.decrby("n", -15), 0)
    t.eq("get counter", r.get("n"), b"0")
    r.set("big", "9223372036854775806")
    t.eq("incr to max", r.incr("big"), 9223372036854775807)
    t.raises("incr overflow", lambda: r.incr("big"), ResponseError, "increment or decrement would overflow")
    t.eq("big intact", r.get("big"), b"9223372036854775807")
    r.set("small", "-9223372036854775808")
    t.raises("decr overflow", lambda: r.decr("small"), ResponseError, "increment or decrement would overflow")
    r.set("txt", "abc")
    t.raises("incr non-int", lambda: r.incr("txt"), ResponseError, "value is not an integer or out of range")
    t.raises("incrby non-int arg", lambda: r.execute_command("INCRBY", "n", "1.5"), ResponseError,
             "value is not an integer or out of range")
    r.set("sp", " 1")
    t.raises("incr leading space", lambda: r.incr("sp"), ResponseError, "value is not an integer or out of range")
    # incrbyfloat: redis-py converts the reply with float()
    t.eq("incrbyfloat new", r.incrbyfloat("f", 1.5), 1.5)
    t.eq("incrbyfloat default", r.incrbyfloat("f"), 2.5)
    t.eq("incrbyfloat neg", r.incrbyfloat("f", -0.25), 2.25)
    t.eq("incrbyfloat stored", r.get("f"), b"2.25")
    r.set("f2", "10.50")
    t.eq("incrbyfloat trailing zero", r.incrbyfloat("f2", 0.1), 10.6)
    t.eq("incrbyfloat stored 10.6", r.get("f2"), b"10.6")
    r.set("f3", "5.0e3")
    t.eq("incrbyfloat exponent", r.incrbyfloat("f3", 200), 5200.0)
    t.eq("incrbyfloat stored 5200", r.get("f3"), b"5200")
    t.eq("incrbyfloat on int", r.incrbyfloat("n", 3), 3.0)
    t.eq("incrbyfloat stored int form", r.get("n"), b"3")
    t.raises("incrbyfloat non-float", lambda: r.incrbyfloat("txt", 1), ResponseError, "value is not a valid float")
    t.raises("incrbyfloat inf", lambda: r.incrbyfloat("f", float("inf")), ResponseError,
             "increment would produce NaN or Infinity")
    r.set("huge", "1.7e308")
    # Redis adds in long double: 3.4e308 is finite there, stored as a 309-digit integer
    # string that Python's float() reads as inf.
    t.eq("incrbyfloat past double max", r.incrbyfloat("huge", 1.7e308), float("inf"))
    huge = r.get("huge")
    t.true("incrbyfloat long double digits", huge.startswith(b"34000000000000000000627") and len(huge) == 309,
           repr(huge[:40]))
    t.eq("incrbyfloat small", r.incrbyfloat("tiny", 1e-5), 1e-05)
    t.eq("incrbyfloat small stored", r.get("tiny"), b"0.00001")
    t.eq("decoded incr", rd.incr("dn"), 1)


def ranges():
    r.flushdb()
    t.eq("append new", r.append("ap", "Hello"), 5)
    t.eq("append more", r.append("ap", " World"), 11)
    t.eq("strlen", r.strlen("ap"), 11)
    t.eq("strlen missing", r.strlen("nope"), 0)
    t.eq("getrange", r.getrange("ap", 0, 4), b"Hello")
    t.eq("getrange neg", r.getrange("ap", -5, -1), b"World")
    t.eq("getrange out of range", r.getrange("ap", 20, 30), b"")
    t.eq("getrange reversed", r.getrange("ap", 5, 2), b"")
    t.eq("getrange missing", r.getrange("nope", 0, -1), b"")
    t.eq("substr", r.substr("ap", 6), b"World")
    t.eq("substr both", r.substr("ap", 0, 0), b"H")
    t.eq("setrange", r.setrange("ap", 6, "Redis"), 11)
    t.eq("after setrange", r.get("ap"), b"Hello Redis")
    t.eq("setrange pad", r.setrange("pad", 3, "x"), 4)
    t.eq("setrange padded zeros", r.get("pad"), b"\x00\x00\x00x")
    t.eq("setrange empty on missing", r.setrange("none", 5, ""), 0)
    t.eq("setrange empty did not create", r.exists("none"), 0)
    t.raises("setrange negative", lambda: r.setrange("ap", -1, "x"), ResponseError, "offset is out of range")
    t.raises("setrange too big", lambda: r.setrange("ap", 536870912, "x"), ResponseError,
             "string exceeds maximum allowed size (proto-max-bulk-len)")
    t.eq("setrange int value", r.setrange("num", 0, 12), 2)
    t.eq("setrange int stored", r.get("num"), b"12")
    t.eq("decoded getrange", rd.getrange("ap", 0, 4), "Hello")


def lcs():
    r.flushdb()
    r.mset({"k1": "ohmytext", "k2": "mynewtext"})
    t.eq("lcs", r.lcs("k1", "k2"), b"mytext")
    t.eq("lcs decoded", rd.lcs("k1", "k2"), "mytext")
    t.eq("lcs len", r.lcs("k1", "k2", len=True), 6)
    t.eq("lcs idx", r.lcs("k1", "k2", idx=True),
         [b"matches", [[[4, 7], [5, 8]], [[2, 3], [0, 1]]], b"len", 6])
    t.eq("lcs idx minmatchlen", r.lcs("k1", "k2", idx=True, minmatchlen=4),
         [b"matches", [[[4, 7], [5, 8]]], b"len", 6])
    t.eq("lcs idx withmatchlen", r.lcs("k1", "k2", idx=True, withmatchlen=True),
         [b"matches", [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]], b"len", 6])
    t.eq("lcs idx decoded", rd.lcs("k1", "k2", idx=True, minmatchlen=3, withmatchlen=True),
         ["matches", [[[4, 7], [5, 8], 4]], "len", 6])
    t.eq("lcs missing keys", r.lcs("x1", "x2"), b"")
    t.eq("lcs missing len", r.lcs("k1", "x2", len=True), 0)
    t.raises("lcs len idx", lambda: r.lcs("k1", "k2", len=True, idx=True), ResponseError,
             "If you want both the length and indexes, please just use IDX.")
    t.raises("lcs bad minmatchlen", lambda: r.execute_command("LCS", "k1", "k2", "MINMATCHLEN", "x"),
             ResponseError, "value is not an integer or out of range")


def binary():
    r.flushdb()
    blob = bytes(range(256)) * 3 + b"\x00\r\n\xff"
    t.eq("binary set", r.set(b"bin\x00key\xff", blob), True)
    t.eq("binary get", r.get(b"bin\x00key\xff"), blob)
    t.eq("binary strlen", r.strlen(b"bin\x00key\xff"), len(blob))
    t.eq("binary keys", r.keys("bin*"), [b"bin\x00key\xff"])
    t.eq("binary append", r.append(b"bin\x00key\xff", b"\x00\xff"), len(blob) + 2)
    t.eq("binary getrange", r.getrange(b"bin\x00key\xff", -5, -1), b"\r\n\xff\x00\xff")
    t.eq("binary setrange", r.setrange(b"bin\x00key\xff", 0, b"\xff\x00"), len(blob) + 2)
    t.eq("binary getrange head", r.getrange(b"bin\x00key\xff", 0, 3), b"\xff\x00\x02\x03")
    t.eq("binary mset/mget", (r.mset({b"\xff": b"\x00", b"\x00": b"\xff"}), r.mget(b"\xff", b"\x00")),
         (True, [b"\x00", b"\xff"]))
    big = b"\x00\xff" * 300000
    t.eq("big binary set", r.set("big", big), True)
    t.eq("big binary get", r.get("big"), big)
    t.eq("empty value", (r.set("empty", b""), r.get("empty"), r.strlen("empty")), (True, b"", 0))
    # Non-ASCII text encodes as UTF-8 on the way in; decode_responses turns it back into str.
    t.eq("utf8 set", rd.set("ü", "😀 ümlaut"), True)
    t.eq("utf8 get bytes", r.get("ü"), "😀 ümlaut".encode())
    t.eq("utf8 get decoded", rd.get("ü"), "😀 ümlaut")
    t.eq("utf8 strlen", rd.strlen("ü"), len("😀 ümlaut".encode()))
    # int and float values are sent in their str() form
    r.set("intval", 42)
    r.set("floatval", 3.25)
    t.eq("int value", r.get("intval"), b"42")
    t.eq("float value", r.get("floatval"), b"3.25")
    t.raises("None value", lambda: r.set("x", None), DataError)


for name, fn in [("connection", connection), ("set", set_options), ("get family", get_family),
                 ("multi key", multi_key), ("counters", counters), ("ranges", ranges),
                 ("lcs", lcs), ("binary", binary)]:
    t.section(name, fn)
r.flushall()
t.finish()
