/* ==========================================================================
 * Hash values (Redis's OBJ_HASH).
 *
 * Two representations, like Redis:
 *  - listpack: two parallel arrays of fields and values in insertion order
 *    (Redis's listpack keeps field/value pairs in the order they were added,
 *    and replaces a value in place), searched linearly; used while the hash
 *    is small (hash-max-listpack-entries / hash-max-listpack-value);
 *  - hashtable: a Dict (reverse-binary HSCAN cursor, random sampling).
 * Conversion is one way (listpack -> hashtable) and is decided by the
 * command layer, which knows the configuration (see maybeConvert).
 * ========================================================================== */

import { Dict } from './dict';
import { ObjType, RObj, type Value } from './values';
import { rdbLenSize, rdbStringSize, registerRdbSize } from './rdb-size';

export class HashValue extends RObj {
  readonly type = ObjType.HASH;
  /** Listpack fields / values (insertion order); empty once converted. */
  lf: string[] = [];
  lv: string[] = [];
  /** The hashtable, or null while listpack-encoded. */
  dict: Dict<string> | null = null;

  encoding(): string {
    return this.dict === null ? 'listpack' : 'hashtable';
  }

  get size(): number {
    return this.dict === null ? this.lf.length : this.dict.size;
  }

  /** Deep copy keeping the encoding (Redis's hashTypeDup). */
  dup(): HashValue {
    const h = new HashValue();
    if (this.dict === null) {
      h.lf = this.lf.slice();
      h.lv = this.lv.slice();
    } else {
      const d = new Dict<string>('');
      const src = this.dict;
      for (let i = 0; i < src.slots; i++) {
        const k = src.keyAt(i);
        if (k !== null) d.add(k, src.valAt(i));
      }
      h.dict = d;
    }
    return h;
  }

  /** Value of `field`, or undefined. */
  get(field: string): string | undefined {
    if (this.dict !== null) return this.dict.get(field);
    const i = this.lf.indexOf(field);
    return i < 0 ? undefined : this.lv[i];
  }

  has(field: string): boolean {
    return this.dict !== null ? this.dict.has(field) : this.lf.indexOf(field) >= 0;
  }

  /** Insert or overwrite (in place for listpack). Returns true if the field was new. */
  set(field: string, value: string): boolean {
    if (this.dict !== null) return this.dict.set(field, value);
    const i = this.lf.indexOf(field);
    if (i >= 0) {
      this.lv[i] = value;
      return false;
    }
    this.lf.push(field);
    this.lv.push(value);
    return true;
  }

  /** Remove `field`; true if it existed. A hashtable may shrink afterwards. */
  delete(field: string): boolean {
    if (this.dict !== null) {
      if (!this.dict.delete(field)) return false;
      this.dict.shrinkIfNeeded();
      return true;
    }
    const i = this.lf.indexOf(field);
    if (i < 0) return false;
    this.lf.splice(i, 1);
    this.lv.splice(i, 1);
    return true;
  }

  /** Convert to the hashtable encoding (never back), inserting in listpack order. */
  toHashtable(): void {
    if (this.dict !== null) return;
    const d = new Dict<string>('');
    for (let i = 0; i < this.lf.length; i++) d.add(this.lf[i], this.lv[i]);
    this.dict = d;
    this.lf = [];
    this.lv = [];
  }

  /**
   * Convert if the hash no longer fits the listpack limits: the field or
   * value just written is longer than `maxValue` bytes, or there are more
   * than `maxEntries` pairs. Called after every set (Redis's hashTypeSet).
   */
  fitOrConvert(field: string, value: string, maxEntries: number, maxValue: number): void {
    if (this.dict !== null) return;
    if (field.length > maxValue || value.length > maxValue || this.lf.length > maxEntries) this.toHashtable();
  }

  /** All fields and values in the hash's iteration order (listpack order or table slot order). */
  pairs(outF: string[], outV: string[]): void {
    if (this.dict === null) {
      for (let i = 0; i < this.lf.length; i++) {
        outF.push(this.lf[i]);
        outV.push(this.lv[i]);
      }
      return;
    }
    const d = this.dict;
    for (let i = 0; i < d.slots; i++) {
      const k = d.keyAt(i);
      if (k !== null) {
        outF.push(k);
        outV.push(d.valAt(i));
      }
    }
  }
}

// --- RDB size (DEBUG OBJECT serializedlength) -------------------------------------

/** True if `s` is canonical int64 text (listpack stores those as integers). */
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
    const le = (x: bigint, n: number): void => {
      const u = x < 0n ? (1n << BigInt(8 * n)) + x : x;
      for (let i = 0; i < n; i++) out.push(Number((u >> BigInt(8 * i)) & 0xffn));
    };
    if (v >= 0n && v <= 127n) out.push(Number(v));
    else if (v >= -4096n && v <= 4095n) {
      const u = Number(v < 0n ? (1n << 13n) + v : v);
      out.push((u >> 8) | 0xc0, u & 0xff);
    } else if (v >= -32768n && v <= 32767n) { out.push(0xf1); le(v, 2); }
    else if (v >= -8388608n && v <= 8388607n) { out.push(0xf2); le(v, 3); }
    else if (v >= -2147483648n && v <= 2147483647n) { out.push(0xf3); le(v, 4); }
    else { out.push(0xf4); le(v, 8); }
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
 * RDB size of a hash as Redis saves it: a listpack hash is one string
 * holding the listpack bytes (built here exactly, so LZF sizes agree); a
 * hashtable is a length followed by each field and value as strings.
 */
function hashRdbSize(v: Value): number {
  const h = v as HashValue;
  if (h.dict === null) {
    const body: number[] = [];
    for (let i = 0; i < h.lf.length; i++) {
      lpEntry(h.lf[i], body);
      lpEntry(h.lv[i], body);
    }
    const total = 6 + body.length + 1;
    const n = Math.min(h.lf.length * 2, 65535);
    const buf = Buffer.allocUnsafe(total);
    buf.writeUInt32LE(total, 0);
    buf.writeUInt16LE(n, 4);
    for (let i = 0; i < body.length; i++) buf[6 + i] = body[i];
    buf[total - 1] = 0xff;
    return rdbStringSize(buf);
  }
  let size = rdbLenSize(h.dict.size);
  const fs: string[] = [];
  const vs: string[] = [];
  h.pairs(fs, vs);
  for (let i = 0; i < fs.length; i++) size += rdbStringSize(fs[i]) + rdbStringSize(vs[i]);
  return size;
}

registerRdbSize(ObjType.HASH, hashRdbSize);
