/* ==========================================================================
 * Set values (Redis's t_set.c object layer).
 *
 * Redis 7.0 has two set encodings and so do we, with the same rules:
 *  - 'intset': every member is the canonical text of an int64 and there are
 *    at most set-max-intset-entries of them. Members are kept sorted by
 *    numeric value, so iteration (SMEMBERS, SSCAN...) yields ascending
 *    order byte for byte like Redis. We keep the canonical decimal strings
 *    and compare them numerically without parsing (exact for all int64).
 *  - 'hashtable': a Dict (hash + reverse-binary SCAN cursor + random key).
 * Conversion is one-way (intset -> hashtable), as in Redis 7.0: removing the
 * non-integer members later does not bring the intset back.
 * ========================================================================== */

import { Dict } from './dict';
import { ObjType, RObj, type Value } from './values';
import { parseInt64 } from '../protocol/numbers';
import { rdbLenSize, rdbStringSize, registerRdbSize } from './rdb-size';

/** True if `s` is the canonical text of an int64 (Redis's string2ll succeeds). */
export function isIntMember(s: string): boolean {
  return s.length <= 20 && parseInt64(s) !== null;
}

/**
 * Numeric order of two canonical int64 strings: negative < positive; with
 * equal signs a longer magnitude is larger; equal lengths compare as text.
 */
export function cmpInt(a: string, b: string): number {
  const na = a.charCodeAt(0) === 45, nb = b.charCodeAt(0) === 45;
  if (na !== nb) return na ? -1 : 1;
  let r: number;
  if (a.length !== b.length) r = a.length < b.length ? -1 : 1;
  else r = a < b ? -1 : a > b ? 1 : 0;
  return na ? -r : r;
}

export class SetValue extends RObj {
  readonly type = ObjType.SET;
  /** Sorted members while intset-encoded, null once converted. */
  ints: string[] | null;
  /** Members once hashtable-encoded, null while intset. */
  dict: Dict<number> | null;
  /**
   * Bytes per element of Redis's intset (2, 4 or 8): it grows with the
   * widest member ever added and never shrinks on removal, which shows in
   * DEBUG OBJECT serializedlength.
   */
  width = 2;

  /** A new empty set encoded as Redis's setTypeCreate would for its first member. */
  constructor(first: string | null) {
    super();
    if (first === null || isIntMember(first)) {
      this.ints = [];
      this.dict = null;
    } else {
      this.ints = null;
      this.dict = new Dict<number>(0);
    }
  }

  encoding(): string {
    return this.ints !== null ? 'intset' : 'hashtable';
  }

  get size(): number {
    return this.ints !== null ? this.ints.length : (this.dict as Dict<number>).size;
  }

  /** COPY: same members and same encoding (Redis's setTypeDup). */
  dup(): SetValue {
    const s = new SetValue(null);
    if (this.ints !== null) {
      s.ints = this.ints.slice();
      s.width = this.width;
    } else {
      s.ints = null;
      const d = new Dict<number>(0);
      const src = this.dict as Dict<number>;
      for (let i = 0; i < src.slots; i++) {
        const k = src.keyAt(i);
        if (k !== null) d.add(k, 0);
      }
      s.dict = d;
    }
    return s;
  }

  /** Index of `m` in the intset, or -(insertion point)-1. */
  private search(m: string): number {
    const a = this.ints as string[];
    let lo = 0, hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = cmpInt(a[mid], m);
      if (r === 0) return mid;
      if (r < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  has(m: string): boolean {
    if (this.ints !== null) return isIntMember(m) && this.search(m) >= 0;
    return (this.dict as Dict<number>).has(m);
  }

  /** Convert to the hashtable encoding (one-way). */
  private toHashtable(): void {
    const d = new Dict<number>(0);
    const a = this.ints as string[];
    for (let i = 0; i < a.length; i++) d.add(a[i], 0);
    this.ints = null;
    this.dict = d;
  }

  /**
   * Add a member; true if it was new. Like setTypeAdd: a non-integer member
   * or growing beyond `maxIntset` entries converts an intset to a hashtable.
   */
  add(m: string, maxIntset: number): boolean {
    if (this.ints !== null) {
      if (isIntMember(m)) {
        const i = this.search(m);
        if (i >= 0) return false;
        this.ints.splice(-i - 1, 0, m);
        const w = intWidth(m);
        if (w > this.width) this.width = w;
        if (this.ints.length > maxIntset) this.toHashtable();
        return true;
      }
      this.toHashtable();
    }
    const d = this.dict as Dict<number>;
    if (d.has(m)) return false;
    d.add(m, 0);
    return true;
  }

  /** Remove a member; true if it was present. */
  remove(m: string): boolean {
    if (this.ints !== null) {
      if (!isIntMember(m)) return false;
      const i = this.search(m);
      if (i < 0) return false;
      this.ints.splice(i, 1);
      return true;
    }
    const d = this.dict as Dict<number>;
    if (!d.delete(m)) return false;
    d.shrinkIfNeeded();
    return true;
  }

  /** Recompute the intset width from the members (an intset rebuilt from scratch, like SPOP's). */
  resetWidth(): void {
    if (this.ints === null) return;
    let w = 2;
    for (let i = 0; i < this.ints.length && w < 8; i++) w = Math.max(w, intWidth(this.ints[i]));
    this.width = w;
  }

  /** A uniformly random member (the set must not be empty). */
  random(): string {
    if (this.ints !== null) return this.ints[(Math.random() * this.ints.length) | 0];
    return (this.dict as Dict<number>).randomKey() as string;
  }

  /** All members: ascending for an intset, table order for a hashtable. */
  members(): string[] {
    if (this.ints !== null) return this.ints.slice();
    return (this.dict as Dict<number>).keyList();
  }
}

/** Intset element width needed for a canonical int64 string. */
function intWidth(m: string): number {
  if (m.length > 11) return 8;
  const v = +m;
  if (v >= -32768 && v <= 32767) return 2;
  return v >= -2147483648 && v <= 2147483647 ? 4 : 8;
}

/**
 * DEBUG OBJECT serializedlength of a set: an intset is saved as one string
 * holding the intset blob (u32 width, u32 count, little-endian members),
 * which RDB may LZF-compress; a hashtable as a count plus each member.
 */
function setRdbSize(v: Value): number {
  const s = v as SetValue;
  if (s.ints !== null) {
    const w = s.width, a = s.ints;
    const buf = Buffer.alloc(8 + w * a.length);
    buf.writeUInt32LE(w, 0);
    buf.writeUInt32LE(a.length, 4);
    for (let i = 0; i < a.length; i++) {
      const off = 8 + i * w;
      if (w === 2) buf.writeInt16LE(+a[i], off);
      else if (w === 4) buf.writeInt32LE(+a[i], off);
      else buf.writeBigInt64LE(BigInt(a[i]), off);
    }
    return rdbStringSize(buf);
  }
  const d = s.dict as Dict<number>;
  let size = rdbLenSize(d.size);
  for (let i = 0; i < d.slots; i++) {
    const k = d.keyAt(i);
    if (k !== null) size += rdbStringSize(k);
  }
  return size;
}

registerRdbSize(ObjType.SET, setRdbSize);
