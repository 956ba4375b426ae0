/* ==========================================================================
 * Listpack bytes of a listpack-encoded hash or zset, for DEBUG OBJECT
 * serializedlength: Redis saves such a value (RDB_TYPE_HASH_LISTPACK,
 * RDB_TYPE_ZSET_LISTPACK) as one string holding the listpack blob, which
 * RDB may LZF-compress, so the size depends on the exact bytes. Entries
 * alternate field/member and value/score text; an entry that reads as a
 * canonical int64 (lpStringToInt64) is stored as an integer entry.
 * ========================================================================== */

/** Canonical int64 text (listpack stores those as integers). */
const INT_RE = /^(0|-?[1-9][0-9]{0,18})$/;

/** Push the listpack entry bytes of `s` (encoding + data + backlen) onto `out`. */
function lpEntry(s: string, out: number[]): void {
  const start = out.length;
  let v: bigint | null = null;
  if (INT_RE.test(s)) {
    v = BigInt(s);
    if (v > 9223372036854775807n || v < -9223372036854775808n) v = null;
  }
  if (v !== null) {
    if (v >= 0n && v <= 127n) out.push(Number(v));
    else if (v >= -4096n && v <= 4095n) {
      const u = Number(v < 0n ? (1n << 13n) + v : v);
      out.push((u >> 8) | 0xc0, u & 0xff);
    } else {
      const n = v >= -32768n && v <= 32767n ? 2 : v >= -8388608n && v <= 8388607n ? 3
        : v >= -2147483648n && v <= 2147483647n ? 4 : 8;
      out.push(n === 2 ? 0xf1 : n === 3 ? 0xf2 : n === 4 ? 0xf3 : 0xf4);
      const u = v < 0n ? (1n << BigInt(8 * n)) + v : v;
      for (let i = 0; i < n; i++) out.push(Number((u >> BigInt(8 * i)) & 0xffn));
    }
  } else {
    const n = s.length;
    if (n < 64) out.push(0x80 | n);
    else if (n < 4096) out.push(0xe0 | (n >> 8), n & 0xff);
    else out.push(0xf0, n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
    for (let i = 0; i < n; i++) out.push(s.charCodeAt(i));
  }
  const l = out.length - start;
  if (l <= 127) out.push(l);
  else if (l < 16383) out.push(l >> 7, (l & 127) | 128);
  else if (l < 2097151) out.push(l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128);
  else if (l < 268435455) out.push(l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128);
  else out.push(l >>> 28, ((l >> 21) & 127) | 128, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128);
}

/**
 * The listpack blob of `keys[i]`, `vals[i]` pairs (hash field/value, zset
 * member/score text): u32 total bytes, u16 entry count, entries, 0xFF.
 */
export function listpackBlob(keys: readonly string[], vals: readonly string[]): Buffer {
  const body: number[] = [];
  for (let i = 0; i < keys.length; i++) {
    lpEntry(keys[i], body);
    lpEntry(vals[i], body);
  }
  const total = 6 + body.length + 1;
  const buf = Buffer.allocUnsafe(total);
  buf.writeUInt32LE(total, 0);
  buf.writeUInt16LE(Math.min(keys.length * 2, 65535), 4);
  for (let i = 0; i < body.length; i++) buf[6 + i] = body[i];
  buf[total - 1] = 0xff;
  return buf;
}
