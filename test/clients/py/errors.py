"""How redis-py surfaces server errors: exception classes chosen from the
error prefix, exact ResponseError texts for arity, unknown commands and
subcommands, syntax and range errors, NOPROTO; an arity sweep over every
command the server lists in COMMAND; and data left intact after each error.
(WRONGTYPE is not reachable yet: Respite has only strings.)"""

from redis.exceptions import ResponseError

from harness import Checks

t = Checks("errors")
r = t.client()
rd = t.client(decode_responses=True)


def texts():
    r.flushall()
    r.set("k", "v")
    r.set("n", "10")
    cases = [
        (("GET",), "wrong number of arguments for 'get' command"),
        (("SET", "k"), "wrong number of arguments for 'set' command"),
        (("GETEX",), "wrong number of arguments for 'getex' command"),
        (("CONFIG", "GET"), "wrong number of arguments for 'config|get' command"),
        (("CONFIG",), "wrong number of arguments for 'config' command"),
        (("OBJECT", "ENCODING"), "wrong number of arguments for 'object|encoding' command"),
        (("NOSUCH",), "unknown command 'NOSUCH', with args beginning with: "),
        # the argument is shown as a C string: it ends at the NUL byte
        (("nosuch", "a b", "\x00z"), "unknown command 'nosuch', with args beginning with: 'a b' '' "),
        (("CONFIG", "NOPE"), "unknown subcommand 'NOPE'. Try CONFIG HELP."),
        (("SET", "k", "v", "EX"), "syntax error"),
        (("SET", "k", "v", "EX", "-1"), "invalid expire time in 'set' command"),
        (("SET", "k", "v", "EX", "99999999999999999999"), "value is not an integer or out of range"),
        (("INCRBY", "n", "9223372036854775807"), "increment or decrement would overflow"),
        (("INCRBYFLOAT", "n", "nan"), "value is not a valid float"),
        (("GETRANGE", "k", "a", "1"), "value is not an integer or out of range"),
        (("SETBIT", "k", "8589934592", "1"), "bit offset is not an integer or out of range"),
        (("BITCOUNT", "k", "0"), "syntax error"),
        (("BITFIELD", "k", "GET", "i65", "0"),
         "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."),
        (("EXPIRE", "k", "10", "NX", "XX"), "NX and XX, GT or LT options at the same time are not compatible"),
        (("SELECT", "x"), "value is not an integer or out of range"),
        (("SELECT", "-1"), "DB index is out of range"),
        (("SCAN", "0", "TYPE"), "syntax error"),
        (("RENAME", "nokey", "x"), "no such key"),
        (("CLIENT", "SETNAME", "a b"), "Client names cannot contain spaces, newlines or special characters."),
        (("CLIENT", "NO-EVICT", "maybe"), "syntax error"),
        (("COMMAND", "INFO"), None),
        (("HELLO", "1"), "NOPROTO unsupported protocol version"),
        (("HELLO", "x"), "Protocol version is not an integer or out of range"),
        (("LCS", "k"), "wrong number of arguments for 'lcs' command"),
        (("MSETNX", "a"), "wrong number of arguments for 'msetnx' command"),
        (("DBSIZE", "x"), "wrong number of arguments for 'dbsize' command"),
    ]
    for args, text in cases:
        label = "error " + " ".join(args)
        if text is None:  # not an error: must simply not raise
            try:
                r.execute_command(*args)
                t.true(label, True)
            except Exception as e:  # noqa: BLE001
                t.true(label, False, f"raised {e!r}")
            continue
        t.raises(label, lambda a=args: r.execute_command(*a), ResponseError, text)
    t.eq("data intact", r.mget("k", "n"), [b"v", b"10"])
    t.eq("ttl intact", r.ttl("k"), -1)
    e = t.raises("decoded error text", lambda: rd.execute_command("GET"), ResponseError,
                 "wrong number of arguments for 'get' command")
    t.true("error is an Exception with args", e is not None and e.args == ("wrong number of arguments for 'get' "
                                                                           "command",))
    t.eq("connection usable after errors", r.ping(), True)
    # accepted although they look wrong: a repeated EX, PXAT at INT64_MAX
    t.eq("set EX twice", r.execute_command("SET", "k", "v", "EX", "1", "EX", "200"), True)
    t.true("set EX twice last wins", 199 <= r.ttl("k") <= 200)
    t.eq("set PXAT int64 max", r.execute_command("SET", "k", "v", "PXAT", "9223372036854775807"), True)
    t.eq("set PXAT int64 max pexpiretime", r.pexpiretime("k"), 9223372036854775807)
    # OBJECT FREQ on a missing key answers nil before checking the policy
    t.eq("object freq missing key", r.object("freq", "nokey"), None)


def arity_sweep():
    """Every command the server lists gets one call with a wrong argument
    count (never executed) and must answer with the arity error."""
    table = r.command()
    tried = 0
    swept = []
    for name, cmd in sorted(table.items()):
        arity = cmd["arity"]
        if arity > 0:
            argv = [name] + ["x"] * arity          # one too many
        elif arity < -2:
            argv = [name] + ["x"] * (-arity - 2)   # one too few
        else:
            argv = None
        if argv is not None:
            tried += 1
            swept.append(name)
            text = f"wrong number of arguments for '{name}' command"
            if name == "exec":  # a rejected EXEC also aborts the transaction (ExecAbortError)
                text = "Transaction discarded because of: " + text
            t.raises(f"arity {name}", lambda a=argv: r.execute_command(*a), ResponseError, text, subclass=True)
        for sub in cmd["subcommands"]:
            sname, sarity = sub[0].decode(), sub[1]
            if sarity > 0:
                parts = sname.split("|")
                tried += 1
                swept.append(sname)
                t.raises(f"arity {sname}", lambda a=parts + ["x"] * (sarity - 1): r.execute_command(*a),
                         ResponseError, f"wrong number of arguments for '{sname}' command")
    t.true("sweep covered commands", tried > 40, f"only {tried}")
    t.notes["swept"] = swept
    t.eq("still alive", r.ping(), True)


for name, fn in [("texts", texts), ("arity sweep", arity_sweep)]:
    t.section(name, fn)
r.flushall()
t.finish()
