/* ==========================================================================
 * Value representation.
 *
 * A keyspace value is either a JS string (a Redis string; latin1, one char
 * per byte: compact, immutable, cheap to compare and to write to a socket) or
 * an RObj subclass for everything else. Strings that commands mutate in place
 * (APPEND, SETRANGE, SETBIT, BITFIELD) become a RawString: a growable Buffer,
 * which is also what Redis reports as the `raw` encoding after such commands.
 * Every type will be serialised to RDB, so each RObj keeps its data in plain
 * fields (no closures, no hidden state).
 * ========================================================================== */

import { parseInt64 } from '../protocol/numbers';

/** Redis's RDB/object type ids. */
export const enum ObjType {
  STRING = 0,
  LIST = 1,
  SET = 2,
  ZSET = 3,
  HASH = 4,
  STREAM = 6,
}

export const TYPE_NAMES: readonly string[] = ['string', 'list', 'set', 'zset', 'hash', 'none', 'stream'];

/** Base class of non-primitive values. */
export abstract class RObj {
  abstract readonly type: ObjType;
  /**
   * Bytes the keyspace memory account last charged for this value (Db.bytes;
   * see store/cost.ts accountBytes). Maintained by Db only.
   */
  acct = 0;
  /** The database whose account must re-cost this value (edited since charged), else null. Db only. */
  acctDb: { bytes: number } | null = null;
  /** OBJECT ENCODING name, following Redis's rules for the same data. */
  abstract encoding(): string;
  /**
   * An independent deep copy of the value (COPY): the copy must share no
   * mutable state with the original, and keep its encoding as Redis's
   * per-type dup functions do. Every value type implements it.
   */
  abstract dup(): RObj;
}

/** A mutable string value: bytes [0, len) of buf; capacity grows geometrically. */
export class RawString extends RObj {
  readonly type = ObjType.STRING;
  buf: Buffer;
  len: number;
  constructor(buf: Buffer, len: number) {
    super();
    this.buf = buf;
    this.len = len;
  }
  encoding(): string {
    return 'raw';
  }
  /** Copy of the bytes with exact capacity (Redis's dupStringObject keeps the raw encoding). */
  dup(): RawString {
    const b = Buffer.allocUnsafe(this.len);
    this.buf.copy(b, 0, 0, this.len);
    return new RawString(b, this.len);
  }
  /** Ensure capacity for `n` bytes, zero-filling new space up to n (SETRANGE/SETBIT semantics). */
  grow(n: number): void {
    if (n > this.buf.length) {
      const cap = n < 1024 * 1024 ? Math.max(n * 2, 16) : n + 1024 * 1024;
      const nb = Buffer.alloc(cap);
      this.buf.copy(nb, 0, 0, this.len);
      this.buf = nb;
    } else if (n > this.len) {
      this.buf.fill(0, this.len, n);
    }
    if (n > this.len) this.len = n;
  }
  override toString(): string {
    return this.buf.toString('latin1', 0, this.len);
  }
  static from(s: string, extra = 0): RawString {
    const b = Buffer.alloc(s.length + extra);
    b.latin1Write(s, 0);
    return new RawString(b, s.length);
  }
}

export type Value = string | RObj;

/** True if `v` is a Redis string (either representation). */
export function isString(v: Value): v is string | RawString {
  return typeof v === 'string' || v instanceof RawString;
}

/** Redis type id of a value. */
export function typeOf(v: Value): ObjType {
  return typeof v === 'string' ? ObjType.STRING : v.type;
}

/** The bytes of a string value as a latin1 string. */
export function strValue(v: string | RawString): string {
  return typeof v === 'string' ? v : v.toString();
}

/** Byte length of a string value. */
export function strLen(v: string | RawString): number {
  return typeof v === 'string' ? v.length : v.len;
}

/** OBJECT ENCODING of any value. */
export function encodingOf(v: Value): string {
  if (typeof v !== 'string') return v.encoding();
  if (v.length <= 20 && parseInt64(v) !== null) return 'int';
  return v.length <= 44 ? 'embstr' : 'raw';
}

// --- shared small integers ------------------------------------------------------

/** Redis's OBJ_SHARED_INTEGERS: the int values 0..9999 are shared objects (refcount INT_MAX). */
export const SHARED_INTEGERS = 10000;

/**
 * True if Redis would hold `v` as one of its shared integer objects: a
 * plain string value with the int encoding in 0..9999 (OBJECT REFCOUNT
 * 2147483647). Wrapped values (FixedEncodingString) are never shared.
 */
export function isSharedInt(v: Value): boolean {
  if (typeof v !== 'string' || v.length > 4 || encodingOf(v) !== 'int') return false;
  const n = +v;
  return n >= 0 && n < SHARED_INTEGERS;
}

/**
 * A string of digits whose OBJECT ENCODING is fixed by how it was made,
 * not by its content (a plain JS string of digits reports 'int'):
 *  - 'embstr': an INCRBYFLOAT result that reads as an integer ("3"); Redis
 *    stores those as embstr and never re-encodes them;
 *  - 'int': a private copy of a shared small integer made by COPY (Redis's
 *    dupStringObject), whose OBJECT REFCOUNT is 1 while it stays 'int'.
 * It reports `fixed` for as long as its bytes are the ones it was created
 * with; commands that edit strings in place turn it into a plain RawString.
 */
export class FixedEncodingString extends RawString {
  constructor(readonly text: string, readonly fixed: 'embstr' | 'int') {
    const b = Buffer.allocUnsafe(text.length);
    b.latin1Write(text, 0, text.length);
    super(b, text.length);
  }
  override encoding(): string {
    return this.len === this.text.length && this.buf.latin1Slice(0, this.len) === this.text ? this.fixed : 'raw';
  }
  /** COPY keeps the fixed encoding (dupStringObject), or raw once the bytes were edited. */
  override dup(): RawString {
    return this.encoding() === this.fixed ? new FixedEncodingString(this.text, this.fixed) : super.dup();
  }
}
