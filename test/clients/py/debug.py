"""redis-py against DEBUG (server started with enable-debug-command yes):
debug_object parsed by redis-py, DEBUG ERROR to drive redis-py's mapping of
error prefixes to exception classes, DEBUG PROTOCOL replies as RESP2 types,
DEBUG POPULATE / SLEEP / LOG / SET-ACTIVE-EXPIRE."""

from redis import exceptions as X

from harness import Checks

t = Checks("debug")
r = t.client()
rd = t.client(decode_responses=True)


def objects():
    r.flushall()
    r.set("k", "hello")
    r.set("n", "12345")
    r.set("big", "x" * 100)
    o = r.debug_object("k")
    t.eq("debug object keys", sorted(o), ["at", "encoding", "lru", "lru_seconds_idle", "refcount",
                                          "serializedlength", "type"])
    # "Value at:0x..." -> redis-py makes type='Value' and at='0x...'
    t.eq("debug object encoding", (o["type"], o["at"][:2], o["encoding"], o["refcount"], o["serializedlength"]),
         ("Value", "0x", "embstr", 1, 6))
    t.true("debug object lru ints", isinstance(o["lru"], int) and isinstance(o["lru_seconds_idle"], int))
    t.eq("debug object int", r.debug_object("n")["encoding"], "int")
    # serializedlength is the RDB size: 100 'x' compress (LZF) to 13 bytes
    t.eq("debug object raw", (r.debug_object("big")["encoding"], r.debug_object("big")["serializedlength"]),
         ("raw", 13))
    t.raises("debug object missing", lambda: r.debug_object("nope"), X.ResponseError, "no such key")


def error_classes():
    cases = [
        ("ERR plain", X.ResponseError, "plain"),
        ("CUSTOM thing went wrong", X.ResponseError, "CUSTOM thing went wrong"),
        ("LOADING Redis is loading the dataset in memory", X.BusyLoadingError,
         "Redis is loading the dataset in memory"),
        ("NOSCRIPT No matching script.", X.NoScriptError, "No matching script."),
        ("READONLY You can't write against a read only replica.", X.ReadOnlyError,
         "You can't write against a read only replica."),
        ("NOAUTH Authentication required.", X.AuthenticationError, "Authentication required."),
        ("NOPERM this user has no permissions", X.NoPermissionError, "this user has no permissions"),
        ("EXECABORT Transaction discarded", X.ExecAbortError, "Transaction discarded"),
        ("ERR invalid password", X.AuthenticationError, "invalid password"),
        ("ERR max number of clients reached", X.ConnectionError, "max number of clients reached"),
        ("WRONGTYPE Operation against a key holding the wrong kind of value", X.ResponseError,
         "WRONGTYPE Operation against a key holding the wrong kind of value"),
    ]
    for msg, cls, text in cases:
        t.raises(f"debug error {msg.split()[0]} -> {cls.__name__}", lambda m=msg: r.execute_command("DEBUG", "ERROR", m),
                 cls, text)
    t.raises("debug error spaces", lambda: r.execute_command("DEBUG", "ERROR", "a\r\nb"), X.ResponseError, "a  b")
    t.eq("connection fine after errors", r.ping(), True)


def protocol():
    p = lambda ty, c=r: c.execute_command("DEBUG", "PROTOCOL", ty)  # noqa: E731
    t.eq("protocol string", p("string"), b"Hello World")
    t.eq("protocol integer", p("integer"), 12345)
    t.eq("protocol double", p("double"), b"3.141")
    t.eq("protocol bignum", p("bignum"), b"1234567999999999999999999999999999999")
    t.eq("protocol null", p("null"), None)
    t.eq("protocol array", p("array"), [0, 1, 2])
    t.eq("protocol set", p("set"), [0, 1, 2])
    t.eq("protocol map", p("map"), [0, 0, 1, 1, 2, 0])
    t.eq("protocol attrib", p("attrib"), b"Some real reply following the attribute")
    t.eq("protocol true", p("true"), 1)
    t.eq("protocol false", p("false"), 0)
    t.eq("protocol verbatim", p("verbatim"), b"This is a verbatim\nstring")
    t.eq("protocol decoded", p("string", rd), "Hello World")
    t.raises("protocol bad type", lambda: p("nosuch"), X.ResponseError,
             "Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|"
             "array|set|map|attrib|push|verbatim|true|false")


def misc():
    r.flushall()
    t.eq("debug populate", r.execute_command("DEBUG", "POPULATE", "100", "pop", "8"), b"OK")
    t.eq("populated", (r.dbsize(), len(r.get("pop:7"))), (100, 8))
    t.eq("populated value", r.get("pop:42"), b"value:42")
    t.eq("debug populate skips existing", r.execute_command("DEBUG", "POPULATE", "200", "pop"), b"OK")
    t.eq("populated more", (r.dbsize(), r.get("pop:42"), r.get("pop:150")), (200, b"value:42", b"value:150"))
    t.eq("debug sleep 0", r.execute_command("DEBUG", "SLEEP", "0"), b"OK")
    t.eq("debug log", r.execute_command("DEBUG", "LOG", "from redis-py"), b"OK")
    t.eq("debug set-active-expire", r.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1"), b"OK")
    t.raises("debug unknown", lambda: r.execute_command("DEBUG", "NOSUCH"), X.ResponseError,
             "unknown subcommand or wrong number of arguments for 'NOSUCH'. Try DEBUG HELP.")
    t.true("debug help", isinstance(r.execute_command("DEBUG", "HELP"), list))


for name, fn in [("objects", objects), ("error classes", error_classes), ("protocol", protocol), ("misc", misc)]:
    t.section(name, fn)
r.flushall()
t.finish()
