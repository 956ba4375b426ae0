"""redis-py against the connection / server / introspection families: CLIENT
SETNAME/GETNAME/ID/INFO/LIST/KILL (every filter redis-py's client_kill_filter
builds), CONFIG GET/SET/RESETSTAT, INFO parsed by redis-py's parser (every
section), COMMAND / COMMAND COUNT / LIST / GETKEYS through redis-py helpers,
TIME, SELECT, QUIT, RESET, HELLO 2, DEBUG refusal.

The parsed COMMAND entries and the field names of every INFO section are
also written to the summary's notes so the node test can compare them
between real Redis and Respite."""

import threading
import time

from redis.client import parse_command
from redis.exceptions import DataError, ResponseError

from harness import Checks

t = Checks("server")
r = t.client()
rd = t.client(decode_responses=True)

CLIENT_FIELDS = ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub",
                 "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem",
                 "tot-mem", "events", "cmd", "user", "redir", "resp"]


def jsonable(v):
    """bytes -> str (latin1) recursively, for the JSON notes."""
    if isinstance(v, bytes):
        return v.decode("latin1")
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(jsonable(k)): jsonable(x) for k, x in v.items()}
    return v


def clients():
    r.flushall()
    t.eq("getname unset", r.client_getname(), None)
    t.eq("setname", r.client_setname("py-main"), True)
    t.eq("getname", r.client_getname(), "py-main")
    t.eq("getname decoded client", rd.client_getname(), None)
    t.raises("setname space", lambda: r.client_setname("a b"), ResponseError,
             "Client names cannot contain spaces, newlines or special characters.")
    t.raises("setname newline", lambda: r.client_setname("a\nb"), ResponseError,
             "Client names cannot contain spaces, newlines or special characters.")
    t.eq("getname after errors", r.client_getname(), "py-main")
    my_id = r.client_id()
    t.true("client id int", isinstance(my_id, int) and my_id > 0, repr(my_id))
    info = r.client_info()
    t.eq("client info fields", list(info.keys()), CLIENT_FIELDS)
    t.eq("client info id", info["id"], my_id)
    t.eq("client info name", info["name"], "py-main")
    t.eq("client info db", info["db"], 0)
    t.eq("client info cmd", info["cmd"], "client|info")
    t.eq("client info user", info["user"], "default")
    # redis-py keeps the line's newline on the last field
    t.eq("client info resp", info["resp"], "2\n")
    t.eq("client info flags", info["flags"], "N")
    t.eq("client info laddr", info["laddr"], f"127.0.0.1:{t.args.port}")
    named = t.client(client_name="py-named", db=3)
    t.eq("client_name ctor", named.client_getname(), "py-named")
    ninfo = named.client_info()
    t.eq("client_name ctor db", (ninfo["name"], ninfo["db"]), ("py-named", 3))
    t.eq("setname empty clears", named.client_setname(""), True)
    t.eq("getname cleared", named.client_getname(), None)

    lst = r.client_list()
    t.true("client list is list of dicts", isinstance(lst, list) and all(isinstance(c, dict) for c in lst))
    mine = [c for c in lst if c.get("id") == str(my_id)]
    t.eq("client list has me", len(mine), 1)
    if mine:
        t.eq("client list fields", list(mine[0].keys()), CLIENT_FIELDS)
        t.eq("client list cmd", mine[0]["cmd"], "client|list")
        t.eq("client list name", mine[0]["name"], "py-main")
    t.eq("client list by id", [c["id"] for c in r.client_list(client_id=[str(my_id)])], [str(my_id)])
    # redis-py joins several ids into one argument, which the server rejects
    t.raises("client list two ids joined", lambda: r.client_list(client_id=[str(my_id), str(my_id)]),
             ResponseError, "Invalid client ID")
    t.eq("client list raw two ids",
         len(r.execute_command("CLIENT LIST", "ID", str(my_id), str(ninfo["id"]))), 2)
    t.eq("client list type normal", str(my_id) in [c["id"] for c in r.client_list(_type="normal")], True)
    t.eq("client list type pubsub", r.client_list(_type="pubsub"), [])
    t.eq("client list type replica", r.client_list(_type="replica"), [])
    t.raises("client list bad type", lambda: r.client_list(_type="bogus"), DataError)
    t.raises("client list bad type raw", lambda: r.execute_command("CLIENT LIST", "TYPE", "bogus"),
             ResponseError, "Unknown client type 'bogus'")
    t.raises("client list bad id", lambda: r.client_list(client_id=["x"]), ResponseError, "Invalid client ID")

    # CLIENT KILL: each filter redis-py builds. A killed connection is noticed
    # by the pool (can_read at checkout) and silently replaced.
    def victim():
        v = t.client(client_name="victim")
        vid = v.client_id()
        vinfo = v.client_info()
        return v, vid, vinfo

    def gone(label, vid):
        time.sleep(0.05)
        ids = [c["id"] for c in r.client_list()]
        t.true(label, str(vid) not in ids, f"id {vid} still listed")

    v, vid, _ = victim()
    t.eq("kill by id", r.client_kill_filter(_id=vid), 1)
    gone("killed by id", vid)
    t.true("victim reconnects", v.client_id() != vid)
    v, vid, vinfo = victim()
    t.eq("kill old style addr", r.client_kill(vinfo["addr"]), True)
    gone("killed by addr (old style)", vid)
    v, vid, vinfo = victim()
    t.eq("kill filter addr", r.client_kill_filter(addr=vinfo["addr"]), 1)
    gone("killed by filter addr", vid)
    v, vid, vinfo = victim()
    t.eq("kill laddr+id", r.client_kill_filter(laddr=vinfo["laddr"], _id=vid), 1)
    v, vid, _ = victim()
    t.eq("kill user+id", r.client_kill_filter(user="default", _id=vid), 1)
    v, vid, _ = victim()
    t.eq("kill type normal+id", r.client_kill_filter(_type="normal", _id=vid), 1)
    t.eq("kill type pubsub", r.client_kill_filter(_type="pubsub"), 0)
    t.eq("kill type master", r.client_kill_filter(_type="master"), 0)
    t.eq("kill type slave", r.client_kill_filter(_type="slave"), 0)
    t.eq("kill skipme yes self", r.client_kill_filter(_id=my_id, skipme=True), 0)
    t.eq("kill no match", r.client_kill_filter(_id=999999999), 0)
    t.raises("kill old style missing", lambda: r.client_kill("1.2.3.4:5"), ResponseError, "No such client")
    t.raises("kill no filter", lambda: r.client_kill_filter(), DataError)
    t.raises("kill bad type", lambda: r.client_kill_filter(_type="bogus"), DataError)
    t.raises("kill unknown user", lambda: r.client_kill_filter(user="nosuch"), ResponseError,
             "No such user 'nosuch'")
    t.raises("kill bad id", lambda: r.execute_command("CLIENT KILL", "ID", "x"), ResponseError,
             "client-id should be greater than 0")
    t.raises("kill bad skipme", lambda: r.execute_command("CLIENT KILL", "SKIPME", "maybe"), ResponseError,
             "syntax error")
    t.raises("kill bad raw type", lambda: r.execute_command("CLIENT KILL", "TYPE", "bogus"), ResponseError,
             "Unknown client type 'bogus'")
    # killing myself with skipme=no: the reply arrives, then the server closes
    selfc = t.client()
    sid = selfc.client_id()
    t.eq("kill self skipme no", selfc.client_kill_filter(_id=sid, skipme=False), 1)
    gone("self killed", sid)
    t.true("self reconnects", selfc.client_id() != sid)
    for c in (v, named, selfc):
        c.close()


def config():
    # Only parameters Respite also has (it lacks maxmemory*, notify-keyspace-events... see the report).
    t.eq("config get one", r.config_get("hz"), {"hz": "10"})
    t.eq("config get port", r.config_get("port"), {"port": str(t.args.port)})
    t.eq("config get missing", r.config_get("nosuch-param"), {})
    t.eq("config get many", r.config_get("hz", "timeout"), {"hz": "10", "timeout": "0"})
    t.eq("config get pattern", r.config_get("proto-max-*"), {"proto-max-bulk-len": "536870912"})
    t.eq("config get glob class", r.config_get("data[a-c]ases"), {"databases": "16"})
    t.eq("config set", r.config_set("proto-max-bulk-len", "100mb"), True)
    t.eq("config get after set", r.config_get("proto-max-bulk-len"), {"proto-max-bulk-len": "104857600"})
    t.eq("config set multi", r.config_set("proto-max-bulk-len", "512mb", "timeout", "30"), True)
    t.eq("config get multi", r.config_get("proto-max-bulk-len", "timeout"),
         {"proto-max-bulk-len": "536870912", "timeout": "30"})
    r.config_set("timeout", 0)
    t.eq("config set int arg", r.config_get("timeout"), {"timeout": "0"})
    t.eq("config set enum", r.config_set("loglevel", "warning"), True)
    t.eq("config get enum", r.config_get("loglevel"), {"loglevel": "warning"})
    r.config_set("loglevel", "notice")
    t.eq("config set percentiles", r.config_set("latency-tracking-info-percentiles", "50 99.9"), True)
    t.eq("config get percentiles", r.config_get("latency-tracking-info-percentiles"),
         {"latency-tracking-info-percentiles": "50 99.9"})
    r.config_set("latency-tracking-info-percentiles", "50 99 99.9")
    t.raises("config set unknown", lambda: r.config_set("nosuch", "1"), ResponseError,
             "Unknown option or number of arguments for CONFIG SET - 'nosuch'")
    t.raises("config set bad memory", lambda: r.config_set("proto-max-bulk-len", "abc"), ResponseError,
             "CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be a memory value")
    t.raises("config set bad int", lambda: r.config_set("hz", "fast"), ResponseError,
             "CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer")
    t.raises("config set bad enum", lambda: r.config_set("loglevel", "sometimes"), ResponseError,
             "CONFIG SET failed (possibly related to argument 'loglevel') - argument(s) must be one of "
             "the following: debug, verbose, notice, warning")
    t.raises("config set duplicate", lambda: r.config_set("timeout", "1", "timeout", "2"), ResponseError,
             "CONFIG SET failed (possibly related to argument 'timeout') - duplicate parameter")
    t.raises("config set immutable", lambda: r.config_set("databases", "4"), ResponseError,
             "CONFIG SET failed (possibly related to argument 'databases') - can't set immutable config")
    t.eq("config intact", r.config_get("loglevel", "timeout", "hz"),
         {"loglevel": "notice", "timeout": "0", "hz": "10"})
    # disabling RDB snapshots, as scripts often do (Respite has no save points to set)
    t.eq("config set save empty", r.config_set("save", ""), True)
    t.eq("config get save", r.config_get("save"), {"save": ""})
    t.eq("config resetstat", r.config_resetstat(), True)
    t.eq("config decoded", rd.config_get("databases"), {"databases": "16"})


def info():
    r.flushall()
    r.set("a", "1")
    r.set("b", "2", ex=1000)
    r1 = t.client(db=5)
    r1.set("c", "3")
    r.get("a")
    r.client_list()
    try:
        r.execute_command("NOSUCHCMD")
    except ResponseError:
        pass
    fields = {}
    default = r.info()
    t.true("info default parsed", isinstance(default, dict) and "redis_version" in default)
    t.true("info default no raw lines", "__raw__" not in default, repr(default.get("__raw__")))
    for name in ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "modules",
                 "commandstats", "errorstats", "latencystats", "cluster", "keyspace"]:
        sec = r.info(name)
        t.true(f"info {name} dict", isinstance(sec, dict))
        t.true(f"info {name} no raw", "__raw__" not in sec, repr(sec.get("__raw__")))
        fields[name] = sorted(sec.keys())
    every = r.info("everything")
    t.true("info everything", "redis_version" in every and "cmdstat_set" in every and "db0" in every)
    allinfo = r.info("all")
    t.true("info all has commandstats", "cmdstat_info" in allinfo)
    t.true("info all has latencystats", any(k.startswith("latency_percentiles_usec_") for k in allinfo))
    srv = r.info("server")
    t.eq("redis_version", srv.get("redis_version"), "7.0.15")
    t.eq("redis_mode", srv.get("redis_mode"), "standalone")
    t.eq("tcp_port", srv.get("tcp_port"), t.args.port)
    t.true("uptime int", isinstance(srv.get("uptime_in_seconds"), int))
    t.true("process_id int", isinstance(srv.get("process_id"), int))
    t.eq("arch_bits", srv.get("arch_bits"), 64)
    cl = r.info("clients")
    t.true("connected_clients", isinstance(cl.get("connected_clients"), int) and cl["connected_clients"] >= 2)
    mem = r.info("memory")
    t.true("used_memory int", isinstance(mem.get("used_memory"), int))
    t.true("used_memory_human str", isinstance(mem.get("used_memory_human"), str))
    t.true("mem_fragmentation_ratio number", isinstance(mem.get("mem_fragmentation_ratio"), (int, float)))
    st = r.info("stats")
    t.true("total_commands_processed", isinstance(st.get("total_commands_processed"), int))
    t.true("keyspace_hits", st.get("keyspace_hits", 0) >= 1)
    ks = r.info("keyspace")
    t.eq("keyspace db0", {k: ks["db0"][k] for k in ("keys", "expires")}, {"keys": 2, "expires": 1})
    t.true("keyspace avg_ttl", isinstance(ks["db0"].get("avg_ttl"), int))
    t.eq("keyspace db5", ks.get("db5"), {"keys": 1, "expires": 0, "avg_ttl": 0})
    cs = r.info("commandstats")
    t.true("cmdstat_set parsed", set(cs.get("cmdstat_set", {}).keys()) ==
           {"calls", "usec", "usec_per_call", "rejected_calls", "failed_calls"}, repr(cs.get("cmdstat_set")))
    t.true("cmdstat_set calls", cs.get("cmdstat_set", {}).get("calls", 0) >= 2)
    t.true("cmdstat subcommand", "cmdstat_client|list" in cs or "cmdstat_client|info" in cs)
    es = r.info("errorstats")
    # a single 'count=N' field has no comma, so redis-py leaves it a string
    t.true("errorstat_ERR", str(es.get("errorstat_ERR", "")).startswith("count="), repr(es))
    ls = r.info("latencystats")
    lget = ls.get("latency_percentiles_usec_get")
    t.true("latency percentiles parsed", isinstance(lget, dict) and set(lget) == {"p50", "p99", "p99.9"},
           repr(lget))
    rep = r.info("replication")
    t.eq("role", rep.get("role"), "master")
    t.eq("connected_slaves", rep.get("connected_slaves"), 0)
    t.eq("cluster_enabled", r.info("cluster").get("cluster_enabled"), 0)
    t.eq("info unknown section", r.info("nosuchsection"), {})
    t.eq("info decoded", rd.info("server")["redis_version"], "7.0.15")
    t.notes["info_fields"] = fields
    # the Python type redis-py gives each value (int / float / str / dict of ...)
    kind = lambda v: {k: kind(x) for k, x in v.items()} if isinstance(v, dict) else type(v).__name__  # noqa: E731
    t.notes["info_types"] = {k: kind(v) for k, v in every.items()}
    r1.close()


def commands():
    n = r.command_count()
    t.true("command count int", isinstance(n, int) and n > 50)
    table = r.command()
    t.eq("command count == COMMAND entries", len(table), n)
    get = table.get("get")
    t.eq("command get", {k: get[k] for k in ("name", "arity", "flags", "first_key_pos", "last_key_pos",
                                             "step_count")} if get else None,
         {"name": "get", "arity": 2, "flags": ["readonly", "fast"], "first_key_pos": 1, "last_key_pos": 1,
          "step_count": 1})
    t.eq("command get tips", get and get["tips"], [])
    t.eq("command get key specs", get and get["key_specifications"],
         [[b"flags", [b"RO", b"access"], b"begin_search", [b"type", b"index", b"spec", [b"index", 1]],
           b"find_keys", [b"type", b"range", b"spec", [b"lastkey", 0, b"keystep", 1, b"limit", 0]]]])
    t.eq("command get subcommands", get and get["subcommands"], [])
    client = table.get("client")
    t.true("command client subcommands", client is not None and
           any(sc[0] == b"client|list" for sc in client["subcommands"]))
    mset = table.get("mset")
    t.eq("command mset keys", mset and (mset["arity"], mset["first_key_pos"], mset["last_key_pos"],
                                        mset["step_count"]), (-3, 1, -1, 2))
    # COMMAND INFO has no helper in redis-py 4.3 (NotImplementedError): raw + redis-py's parser
    t.raises("command_info helper", lambda: r.command_info(), NotImplementedError)
    t.raises("command_docs helper", lambda: r.command_docs("get"), NotImplementedError)
    raw = r.execute_command("COMMAND INFO", "get", "nosuchcmd", "SET")
    t.eq("command info unknown is nil", raw[1] if len(raw) == 3 else raw, None)
    info = parse_command([x for x in raw if x is not None])
    t.eq("command info parsed", sorted(info), ["get", "set"])
    t.eq("command info = COMMAND entry", info.get("get"), get)
    t.eq("command list bitmap", sorted(rd.command_list(category="bitmap")),
         ["bitcount", "bitfield", "bitfield_ro", "bitop", "bitpos", "getbit", "setbit"])
    t.eq("command list pattern", sorted(rd.command_list(pattern="get*")),
         ["get", "getbit", "getdel", "getex", "getrange", "getset"])
    nsub = sum(len(c["subcommands"]) for c in table.values())
    t.eq("command list all (with subcommands)", len(r.command_list()), n + nsub)
    t.eq("command getkeys", r.command_getkeys("MSET", "a", "1", "b", "2"), ["a", "b"])
    t.eq("command getkeysandflags", rd.command_getkeysandflags("SET", "k", "v"), [["k", ["OW", "update"]]])
    t.raises("command getkeys no keys", lambda: r.command_getkeys("ECHO", "x"), ResponseError,
             "The command has no key arguments")
    t.raises("command getkeys unknown", lambda: r.command_getkeys("NOSUCH", "x"), ResponseError,
             "Invalid command specified")
    t.notes["commands"] = jsonable(table)


def misc():
    secs, usecs = r.time()
    t.true("time", abs(secs + usecs / 1e6 - time.time()) < 5 and 0 <= usecs < 1000000)
    c = t.client(db=2)
    c.set("in2", "x")
    t.eq("db= selects", (c.get("in2"), r.get("in2")), (b"x", None))
    t.eq("select", c.execute_command("SELECT", "4"), True)
    t.eq("hello 2", rd.execute_command("HELLO", "2")[:6], ["server", "redis", "version", "7.0.15", "proto", 2])
    t.raises("hello 4", lambda: r.execute_command("HELLO", "4"), ResponseError,
             "NOPROTO unsupported protocol version")
    q = t.client()
    t.eq("quit", q.quit(), True)
    # The pool replaces a connection only once it sees the server's FIN (can_read at checkout);
    # give it a moment, as for CLIENT KILL above, instead of racing the close.
    time.sleep(0.05)
    t.eq("after quit reconnects", q.ping(), True)
    rs = t.client()
    rs.client_setname("to-reset")
    t.eq("reset", rs.reset(), "RESET")
    t.eq("reset cleared name", rs.client_getname(), None)
    t.raises("debug refused", lambda: r.debug_object("in2"), ResponseError,
             "DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it "
             "from a local connection, otherwise you need to set this option in the configuration file, and "
             "then restart the server.")
    t.raises("unknown command", lambda: r.execute_command("NOSUCHCMD", "a", "b"), ResponseError,
             "unknown command 'NOSUCHCMD', with args beginning with: 'a' 'b' ")
    t.raises("unknown subcommand", lambda: r.execute_command("CLIENT", "NOSUCH"), ResponseError,
             "unknown subcommand 'NOSUCH'. Try CLIENT HELP.")
    t.raises("wrong arity", lambda: r.execute_command("GET"), ResponseError,
             "wrong number of arguments for 'get' command")
    t.raises("wrong arity subcommand", lambda: r.execute_command("CLIENT", "GETNAME", "x"), ResponseError,
             "wrong number of arguments for 'client|getname' command")
    for x in (c, q, rs):
        x.close()


def pause():
    r.delete("paused")
    t.eq("client pause write", r.client_pause(100000, all=False), True)
    t.eq("reads run while write-paused", r.get("paused"), None)
    done = []
    w = t.client()

    def writer():
        done.append(w.set("paused", "x"))

    th = threading.Thread(target=writer)
    th.start()
    time.sleep(0.3)
    t.eq("write held while paused", done, [])
    t.eq("paused client flag", [c["flags"] for c in r.client_list() if c["cmd"] == "set"], ["b"])
    t.eq("client unpause", r.client_unpause(), b"OK")
    th.join(10)
    t.eq("write ran after unpause", (done, r.get("paused")), ([True], b"x"))
    t.eq("client pause all short", r.client_pause(20), True)
    t.eq("served after short pause", w.get("paused"), b"x")
    t.raises("client pause bad timeout", lambda: r.client_pause("soon"), DataError)
    t.raises("client pause bad timeout raw", lambda: r.execute_command("CLIENT", "PAUSE", "soon"), ResponseError,
             "timeout is not an integer or out of range")
    t.raises("client pause bad mode", lambda: r.execute_command("CLIENT", "PAUSE", "10", "READ"), ResponseError,
             "CLIENT PAUSE mode must be WRITE or ALL")
    t.eq("client no-evict on", r.client_no_evict("on"), b"OK")
    t.eq("no-evict flag", r.client_info()["flags"], "e")
    t.eq("client no-evict off", r.client_no_evict("off"), b"OK")
    t.eq("no-evict flag off", r.client_info()["flags"], "N")
    w.close()


for name, fn in [("clients", clients), ("pause", pause), ("config", config), ("info", info), ("commands", commands),
                 ("misc", misc)]:
    t.section(name, fn)
r.flushall()
t.finish()
