"""redis-py against the bitmap family: SETBIT/GETBIT, BITCOUNT and BITPOS with
BYTE/BIT ranges, BITOP, and BITFIELD / BITFIELD_RO through redis-py's
BitFieldOperation builder (SET/GET/INCRBY, OVERFLOW WRAP/SAT/FAIL, #offsets)."""

from redis.exceptions import DataError, ResponseError

from harness import Checks

t = Checks("bitmaps")
r = t.client()
rd = t.client(decode_responses=True)


def bits():
    r.flushall()
    t.eq("setbit new", r.setbit("b", 7, 1), 0)
    t.eq("setbit again", r.setbit("b", 7, 1), 1)
    t.eq("getbit", r.getbit("b", 7), 1)
    t.eq("getbit zero", r.getbit("b", 6), 0)
    t.eq("getbit past end", r.getbit("b", 1000), 0)
    t.eq("getbit missing", r.getbit("nope", 3), 0)
    t.eq("value", r.get("b"), b"\x01")
    t.eq("setbit extend", r.setbit("b", 23, 1), 0)
    t.eq("extended value", r.get("b"), b"\x01\x00\x01")
    t.eq("setbit clear", r.setbit("b", 23, 0), 1)
    # redis-py coerces the value to 0/1 itself; send a bad one raw
    t.raises("setbit bad bit", lambda: r.execute_command("SETBIT", "b", "1", "2"), ResponseError,
             "bit is not an integer or out of range")
    t.raises("setbit bad offset", lambda: r.setbit("b", -1, 1), ResponseError,
             "bit offset is not an integer or out of range")
    t.raises("setbit offset too big", lambda: r.setbit("b", 4294967296, 1), ResponseError,
             "bit offset is not an integer or out of range")
    t.raises("getbit bad offset", lambda: r.getbit("b", "x"), ResponseError,
             "bit offset is not an integer or out of range")
    t.eq("setbit decoded", rd.setbit("d", 0, 1), 0)
    t.eq("decoded value", r.get("d"), b"\x80")


def counting():
    r.flushall()
    r.set("c", b"\xff\xf0\x00\x0f\x01")
    t.eq("bitcount all", r.bitcount("c"), 17)
    t.eq("bitcount bytes", r.bitcount("c", 1, 2), 4)
    t.eq("bitcount negative", r.bitcount("c", -2, -1), 5)
    t.eq("bitcount BYTE", r.bitcount("c", 0, 0, mode="BYTE"), 8)
    t.eq("bitcount BIT", r.bitcount("c", 5, 13, mode="BIT"), 7)
    t.eq("bitcount BIT negative", r.bitcount("c", -9, -1, mode="BIT"), 2)
    t.eq("bitcount bit lowercase", r.bitcount("c", 0, 3, mode="bit"), 4)
    t.eq("bitcount reversed", r.bitcount("c", 3, 1), 0)
    t.eq("bitcount missing", r.bitcount("nope"), 0)
    t.raises("bitcount one bound", lambda: r.bitcount("c", 1), DataError)
    t.raises("bitcount bad mode", lambda: r.bitcount("c", 0, 1, mode="WORD"), ResponseError, "syntax error")
    t.raises("bitcount bad start", lambda: r.execute_command("BITCOUNT", "c", "a", "1"), ResponseError,
             "value is not an integer or out of range")
    t.raises("bitcount one bound raw", lambda: r.execute_command("BITCOUNT", "c", "1"), ResponseError, "syntax error")

    t.eq("bitpos 1", r.bitpos("c", 1), 0)
    t.eq("bitpos 0", r.bitpos("c", 0), 12)
    t.eq("bitpos 1 from byte 2", r.bitpos("c", 1, 2), 28)
    t.eq("bitpos 0 range", r.bitpos("c", 0, 0, 0), -1)
    t.eq("bitpos 1 BIT", r.bitpos("c", 1, 9, 20, mode="BIT"), 9)
    t.eq("bitpos 0 BIT", r.bitpos("c", 0, 3, 14, mode="BIT"), 12)
    t.eq("bitpos 1 BIT none", r.bitpos("c", 1, 12, 27, mode="BIT"), -1)
    t.eq("bitpos 1 BYTE", r.bitpos("c", 1, 2, -1, mode="BYTE"), 28)
    t.eq("bitpos 0 on all ones open end", r.bitpos("ones", 0), 0)
    r.set("ones", b"\xff\xff")
    t.eq("bitpos 0 past all ones", r.bitpos("ones", 0), 16)
    t.eq("bitpos 0 all ones with end", r.bitpos("ones", 0, 0, -1), -1)
    t.eq("bitpos missing 1", r.bitpos("nope", 1), -1)
    t.eq("bitpos missing 0", r.bitpos("nope", 0), 0)
    t.raises("bitpos bad bit", lambda: r.bitpos("c", 2), DataError)
    t.raises("bitpos bad bit raw", lambda: r.execute_command("BITPOS", "c", "2"), ResponseError,
             "The bit argument must be 1 or 0.")
    t.raises("bitpos end without start", lambda: r.bitpos("c", 1, end=3), DataError)
    t.raises("bitpos bad mode", lambda: r.bitpos("c", 1, 0, 1, mode="x"), ResponseError, "syntax error")


def bitop():
    r.flushall()
    r.set("x", b"\x0f\xf0\xaa")
    r.set("y", b"\xff\x00")
    t.eq("bitop and", r.bitop("AND", "dst", "x", "y"), 3)
    t.eq("and value", r.get("dst"), b"\x0f\x00\x00")
    t.eq("bitop or", r.bitop("OR", "dst", "x", "y"), 3)
    t.eq("or value", r.get("dst"), b"\xff\xf0\xaa")
    t.eq("bitop xor", r.bitop("xor", "dst", "x", "y"), 3)
    t.eq("xor value", r.get("dst"), b"\xf0\xf0\xaa")
    t.eq("bitop not", r.bitop("NOT", "dst", "x"), 3)
    t.eq("not value", r.get("dst"), b"\xf0\x0f\x55")
    t.eq("bitop missing sources", r.bitop("AND", "dst", "m1", "m2"), 0)
    t.eq("bitop empty result deletes", r.exists("dst"), 0)
    t.raises("bitop not two keys", lambda: r.bitop("NOT", "dst", "x", "y"), ResponseError,
             "BITOP NOT must be called with a single source key.")
    t.raises("bitop bad op", lambda: r.bitop("NAND", "dst", "x"), ResponseError, "syntax error")


def bitfield():
    r.flushall()
    bf = r.bitfield("bf")
    res = bf.set("u8", 0, 255).get("u8", 0).get("i8", 0).incrby("u4", 8, 7).get("u4", 8).execute()
    t.eq("bitfield chain", res, [0, 255, -1, 7, 7])
    t.eq("bitfield stored", r.get("bf"), b"\xff\x70")
    # '#N' offsets are multiplied by the type width
    res = r.bitfield("bf2").set("u8", "#1", 65).set("u8", "#0", 66).get("u16", 0).execute()
    t.eq("bitfield # offsets", res, [0, 0, 0x4241])
    t.eq("bitfield # stored", r.get("bf2"), b"BA")
    # overflow modes (the builder emits OVERFLOW only when it changes)
    r.delete("ov")
    res = (r.bitfield("ov").incrby("u2", 0, 3).incrby("u2", 0, 1)
           .overflow("SAT").incrby("u2", 0, 5).incrby("i4", 4, -100)
           .overflow("FAIL").incrby("u2", 0, 1).incrby("i4", 4, 1).execute())
    t.eq("bitfield overflow", res, [3, 0, 3, -8, None, -7])
    res = r.bitfield("ov2", default_overflow="SAT").incrby("u8", 0, 300).incrby("i8", 8, 200).execute()
    t.eq("bitfield default overflow SAT", res, [255, 127])
    res = r.bitfield("ov3", default_overflow="WRAP").incrby("i8", 0, 200).execute()
    t.eq("bitfield WRAP", res, [-56])
    # wide types
    res = (r.bitfield("w").set("i64", 0, -9223372036854775808).get("i64", 0)
           .set("u63", 64, 9223372036854775807).get("u63", 64).incrby("u63", 64, 1).execute())
    t.eq("bitfield 64-bit", res, [0, -9223372036854775808, 0, 9223372036854775807, 0])
    res = r.bitfield("w").overflow("FAIL").incrby("i64", 0, -1).get("i64", 0).execute()
    t.eq("bitfield i64 FAIL", res, [None, -9223372036854775808])
    res = r.bitfield("w").overflow("SAT").incrby("i64", 0, -1).incrby("i64", 0, 18446744073709551615 // 2).execute()
    t.eq("bitfield i64 SAT", res, [-9223372036854775808, -1])
    # unaligned, spanning bytes
    res = r.bitfield("u").set("u5", 3, 31).set("i13", 7, -1000).get("u20", 0).execute()
    t.eq("bitfield unaligned", res, [0, -4096, 130072])
    # empty builder -> BITFIELD key (no ops) returns an empty list
    t.eq("bitfield no ops", r.bitfield("u").execute(), [])
    # bitfield_ro is not in redis-py 4.3: raw command
    t.eq("bitfield_ro", r.execute_command("BITFIELD_RO", "bf2", "GET", "u8", "0", "GET", "u8", "#1"), [66, 65])
    # errors
    t.raises("bitfield bad type", lambda: r.bitfield("bf").get("u64", 0).execute(), ResponseError,
             "Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.")
    t.raises("bitfield bad offset", lambda: r.bitfield("bf").get("u8", -1).execute(), ResponseError,
             "bit offset is not an integer or out of range")
    t.raises("bitfield bad overflow", lambda: r.bitfield("bf").overflow("NONE").incrby("u8", 0, 1).execute(),
             ResponseError, "Invalid OVERFLOW type specified")
    t.raises("bitfield bad value", lambda: r.bitfield("bf").set("u8", 0, "x").execute(), ResponseError,
             "value is not an integer or out of range")
    t.raises("bitfield_ro write", lambda: r.execute_command("BITFIELD_RO", "bf", "SET", "u8", "0", "1"),
             ResponseError, "BITFIELD_RO only supports the GET subcommand")
    t.eq("bf intact after errors", r.get("bf"), b"\xff\x70")


for name, fn in [("bits", bits), ("counting", counting), ("bitop", bitop), ("bitfield", bitfield)]:
    t.section(name, fn)
r.flushall()
t.finish()
