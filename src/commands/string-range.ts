/* ==========================================================================
 * String family, byte-range commands: APPEND, STRLEN, GETRANGE, SUBSTR,
 * SETRANGE.
 *
 * APPEND and SETRANGE edit the stored bytes in place: the value becomes a
 * RawString (a growable Buffer whose capacity grows geometrically, so a
 * series of APPENDs is amortised O(1) per byte, like Redis's sds), which
 * also makes OBJECT ENCODING report 'raw' as Redis does after such edits.
 * Results may not exceed proto-max-bulk-len.
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import type { Db } from '../store/db';
import { E } from '../protocol/errors';
import { parseInt64, parseInt64Big } from '../protocol/numbers';
import { keyChanged, NC } from '../server/keyspace';
import { isString, RawString, strLen } from '../store/values';
import { readString } from './args';

/**
 * Redis's dbUnshareStringValue: the key's value as a RawString that this
 * command may edit in place. A JS string (or a RawString subclass with its
 * own encoding rules) is copied into a fresh RawString with `extra` spare
 * capacity and stored back, keeping the key's TTL.
 */
export function unshareString(db: Db, key: string, v: string | RawString, extra: number): RawString {
  if (typeof v !== 'string' && v.constructor === RawString) return v;
  const s = typeof v === 'string' ? v : v.toString();
  const rs = RawString.from(s, extra);
  db.replace(key, rs);
  return rs;
}

/**
 * Make room for `n` bytes in `rs` with geometric growth (doubling below
 * 1 MB, +25% above), so appending to a large string stays amortised O(1)
 * per byte; then extend its length to `n` (zero-filled) via grow().
 */
function reserve(rs: RawString, n: number): void {
  if (n > rs.buf.length) {
    const cap = n < 1024 * 1024 ? Math.max(n * 2, 16) : n + (n >>> 2);
    const nb = Buffer.alloc(cap);
    rs.buf.copy(nb, 0, 0, rs.len);
    rs.buf = nb;
  }
  rs.grow(n);
}

/** APPEND key value -> the new length. A missing key is simply set (keeping int encoding). */
function appendCommand(c: Client, argv: string[]): void {
  const key = argv[1], add = argv[2];
  const db = c.db;
  const v = db.lookup(key);
  let total: number;
  if (v === undefined) {
    db.add(key, add);
    total = add.length;
  } else {
    if (!isString(v)) {
      c.error(E.WRONGTYPE);
      return;
    }
    const old = strLen(v);
    if (old + add.length > c.server.config.protoMaxBulkLen) {
      c.error(E.STRING_TOO_LONG);
      return;
    }
    const rs = unshareString(db, key, v, add.length);
    const at = rs.len;
    reserve(rs, at + add.length);
    rs.buf.latin1Write(add, at, add.length);
    total = rs.len;
  }
  keyChanged(c, db, key, NC.STRING, 'append');
  c.w.int(total);
}

/** STRLEN key -> byte length, 0 for a missing key. */
function strlenCommand(c: Client, argv: string[]): void {
  const v = readString(c, argv[1]);
  if (v === false) return;
  c.w.int(v === null ? 0 : strLen(v));
}

/** An int64 text exactly: a number when short (below 2^53), a bigint otherwise; null if invalid. */
export function exactInt(s: string): number | bigint | null {
  return s.length < 16 ? parseInt64(s) : parseInt64Big(s);
}

/** Clamp an exact index to a number; only its sign matters beyond 2^60 (strings are far shorter). */
function clampIndex(v: number | bigint): number {
  if (typeof v === 'number') return v;
  return v < 0n ? -(2 ** 60) : 2 ** 60;
}

/**
 * GETRANGE / SUBSTR key start end: inclusive byte range with negative
 * indexes from the end, clamped like Redis (both negative with start > end
 * is empty; a missing key is an empty string). Indexes are parsed before
 * the key is looked up, so bad numbers win over WRONGTYPE.
 */
function getrangeCommand(c: Client, argv: string[]): void {
  const s0 = exactInt(argv[2]);
  if (s0 === null) { c.error(E.NOT_INT); return; }
  const e0 = exactInt(argv[3]);
  if (e0 === null) { c.error(E.NOT_INT); return; }
  const v = readString(c, argv[1]);
  if (v === false) return;
  if (v === null) { c.w.bulk(''); return; }
  if (s0 < 0 && e0 < 0 && s0 > e0) { c.w.bulk(''); return; }
  const len = strLen(v);
  let start = clampIndex(s0), end = clampIndex(e0);
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) { c.w.bulk(''); return; }
  if (typeof v === 'string') c.w.bulk(v.slice(start, end + 1));
  else c.w.bulkBuffer(v.buf, start, end + 1);
}

/**
 * SETRANGE key offset value -> the new length. Writes `value` at `offset`,
 * zero-padding as needed. An empty value changes nothing (no event) and
 * replies the current length (0 for a missing key, which stays missing).
 */
function setrangeCommand(c: Client, argv: string[]): void {
  const key = argv[1], val = argv[3];
  const offset = parseInt64(argv[2]);
  if (offset === null) { c.error(E.NOT_INT); return; }
  if (offset < 0) { c.error('ERR offset is out of range'); return; }
  const db = c.db;
  const v = db.lookup(key);
  let rs: RawString;
  if (v === undefined) {
    if (val.length === 0) { c.w.int(0); return; }
    if (offset + val.length > c.server.config.protoMaxBulkLen) { c.error(E.STRING_TOO_LONG); return; }
    const n = offset + val.length;
    rs = new RawString(Buffer.alloc(n), n);
    db.add(key, rs);
  } else {
    if (!isString(v)) { c.error(E.WRONGTYPE); return; }
    if (val.length === 0) { c.w.int(strLen(v)); return; }
    if (offset + val.length > c.server.config.protoMaxBulkLen) { c.error(E.STRING_TOO_LONG); return; }
    rs = unshareString(db, key, v, 0);
    rs.grow(offset + val.length);
  }
  rs.buf.latin1Write(val, offset, val.length);
  keyChanged(c, db, key, NC.STRING, 'setrange');
  c.w.int(rs.len);
}

// --- table --------------------------------------------------------------------

const KEY_ARG = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const RANGE_ARGS = [KEY_ARG, { name: 'start', type: 'integer' }, { name: 'end', type: 'integer' }] as const;
const RANGE_COMPLEXITY = 'O(N) where N is the length of the returned string. The complexity is ultimately ' +
  'determined by the returned length, but because creating a substring from an existing string is very cheap, ' +
  'it can be considered O(1) for small strings.';

/** Key spec of a single key at argv[1]. */
function ks1(flags: ('RO' | 'RW' | 'access' | 'insert' | 'update')[]) {
  return {
    flags,
    begin_search: { type: 'index', index: 1 },
    find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
  } as const;
}

export const STRING_RANGE_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'append', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['string'],
    keySpecs: [ks1(['RW', 'insert'])],
    summary: 'Add bytes to the end of the string at a key, creating it if needed.', since: '2.0.0',
    group: 'string',
    complexity: 'O(1). The amortized time complexity is O(1) assuming the appended value is small and the ' +
      'already present value is of any size, since the dynamic string library used by Redis will double the ' +
      'free space available on every reallocation.',
    arguments: [KEY_ARG, { name: 'value', type: 'string' }],
    handler: appendCommand,
  },
  {
    name: 'strlen', arity: 2, flags: ['readonly', 'fast'], acl: ['string'],
    keySpecs: [ks1(['RO'])],
    summary: 'Return the byte length of the string at a key.', since: '2.2.0', group: 'string',
    complexity: 'O(1)',
    arguments: [KEY_ARG],
    handler: strlenCommand,
  },
  {
    name: 'getrange', arity: 4, flags: ['readonly'], acl: ['string'],
    keySpecs: [ks1(['RO', 'access'])],
    summary: 'Return a byte range of the string at a key.', since: '2.4.0', group: 'string',
    complexity: RANGE_COMPLEXITY,
    arguments: RANGE_ARGS,
    handler: getrangeCommand,
  },
  {
    name: 'substr', arity: 4, flags: ['readonly'], acl: ['string'],
    keySpecs: [ks1(['RO', 'access'])],
    summary: 'Return a byte range of the string at a key (old name of GETRANGE).', since: '1.0.0',
    group: 'string', complexity: RANGE_COMPLEXITY,
    docFlags: ['deprecated'], deprecatedSince: '2.0.0', replacedBy: '`GETRANGE`',
    arguments: RANGE_ARGS,
    handler: getrangeCommand,
  },
  {
    name: 'setrange', arity: 4, flags: ['write', 'denyoom'], acl: ['string'],
    keySpecs: [ks1(['RW', 'update'])],
    summary: 'Overwrite bytes of the string at a key from an offset, padding with zero bytes.',
    since: '2.2.0', group: 'string',
    complexity: 'O(1), not counting the time taken to copy the new string in place. Usually, this string is ' +
      'very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length ' +
      'of the value argument.',
    arguments: [KEY_ARG, { name: 'offset', type: 'integer' }, { name: 'value', type: 'string' }],
    handler: setrangeCommand,
  },
];
