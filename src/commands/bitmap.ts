/* ==========================================================================
 * Bitmap family: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, and the table
 * entries of BITFIELD / BITFIELD_RO (handlers in bitmap-field.ts).
 *
 * Bitmaps are plain string values (see bitmap-core.ts for the byte-level
 * primitives). Semantics follow Redis 7.0's bitops.c, including its quirks:
 * BITCOUNT/BITPOS look the key up before parsing their range arguments (a
 * missing key answers 0 / -1|0 whatever follows), and a write that changes
 * nothing (SETBIT to the bit's current value) is not signalled.
 * ========================================================================== */

import type { CommandSpec, KeyRef, KeySpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { keyChanged, lookupRead, NC } from '../server/keyspace';
import { RawString } from '../store/values';
import { is, readString } from './args';
import {
  bitOffsetArg, bitWrite, byteAt, byteLen, findBit, lookupForBitWrite, popcountBits, popcountBytes,
} from './bitmap-core';
import { bitfieldCommand, bitfieldRoCommand } from './bitmap-field';

const ERR_BITPOS_BIT = 'ERR The bit argument must be 1 or 0.';
const ERR_BITOP_NOT = 'ERR BITOP NOT must be called with a single source key.';

// --- SETBIT / GETBIT ------------------------------------------------------------------

/**
 * SETBIT key offset 0|1 -> the bit's previous value. The key is created or
 * zero-padded as needed; dirty/notification ("setbit") only when the value
 * grew or the bit actually flipped.
 */
function setbitCommand(c: Client, argv: string[]): void {
  const offset = bitOffsetArg(c, argv[2], false, 0);
  if (offset === null) return;
  const on = parseInt64(argv[3]);
  if (on === null || (on !== 0 && on !== 1)) {
    c.error(E.BIT_VALUE);
    return;
  }
  const key = argv[1];
  const raw = lookupForBitWrite(c, key, offset);
  if (raw === null) return;
  const byte = (offset - (offset & 7)) / 8;
  const mask = 0x80 >> (offset & 7);
  const old = (raw.buf[byte] & mask) !== 0 ? 1 : 0;
  if (bitWrite.grew || old !== on) {
    if (on) raw.buf[byte] |= mask;
    else raw.buf[byte] &= ~mask;
    keyChanged(c, c.db, key, NC.STRING, 'setbit');
  }
  c.w.int(old);
}

/** GETBIT key offset -> 0|1 (0 past the end or for a missing key). */
function getbitCommand(c: Client, argv: string[]): void {
  const offset = bitOffsetArg(c, argv[2], false, 0);
  if (offset === null) return;
  const v = readString(c, argv[1]);
  if (v === false) return;
  if (v === null) {
    c.w.int(0);
    return;
  }
  const byte = (offset - (offset & 7)) / 8;
  c.w.int((byteAt(v, byte) >> (7 - (offset & 7))) & 1);
}

// --- BITCOUNT / BITPOS ------------------------------------------------------------------

/** a > b for two int64 arguments already parsed to numbers (exact beyond 2^53). */
function int64Greater(a: number, as: string, b: number, bs: string): boolean {
  if (Number.isSafeInteger(a) && Number.isSafeInteger(b)) return a > b;
  return BigInt(as) > BigInt(bs);
}

/** Parse the optional BYTE|BIT unit: 1 for BIT, 0 for BYTE, -1 after a syntax error. */
function unitArg(c: Client, s: string): number {
  if (is(s, 'bit')) return 1;
  if (is(s, 'byte')) return 0;
  c.error(E.SYNTAX);
  return -1;
}

/**
 * BITCOUNT key [start end [BYTE|BIT]] -> number of set bits in the range.
 * Indexes are inclusive, negative ones count from the end, both are
 * clamped into the value; two negative indexes with start > end answer 0
 * before any clamping (and before the unit is checked), as in Redis.
 */
function bitcountCommand(c: Client, argv: string[]): void {
  const v = readString(c, argv[1]);
  if (v === false) return;
  if (v === null) {
    c.w.int(0);
    return;
  }
  const len = byteLen(v);
  const argc = argv.length;
  if (argc === 2) {
    c.w.int(len === 0 ? 0 : popcountBytes(v, 0, len - 1));
    return;
  }
  if (argc !== 4 && argc !== 5) {
    c.error(E.SYNTAX);
    return;
  }
  let start = parseInt64(argv[2]);
  if (start === null) { c.error(E.NOT_INT); return; }
  let end = parseInt64(argv[3]);
  if (end === null) { c.error(E.NOT_INT); return; }
  if (start < 0 && end < 0 && int64Greater(start, argv[2], end, argv[3])) {
    c.w.int(0);
    return;
  }
  let isbit = 0;
  if (argc === 5 && (isbit = unitArg(c, argv[4])) < 0) return;
  const total = isbit ? len * 8 : len;
  if (start < 0) start += total;
  if (end < 0) end += total;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) {
    c.w.int(0);
    return;
  }
  c.w.int(isbit ? popcountBits(v, start, end) : popcountBytes(v, start, end));
}

/**
 * BITPOS key bit [start [end [BYTE|BIT]]] -> position of the first bit equal
 * to `bit` in the range, or -1. A missing key is all zeros (0 for bit 0, -1
 * for bit 1). Looking for 0 without an explicit end treats the value as
 * zero-padded on the right: an all-ones range answers the bit just after it.
 */
function bitposCommand(c: Client, argv: string[]): void {
  const bit = parseInt64(argv[2]);
  if (bit === null) { c.error(E.NOT_INT); return; }
  if (bit !== 0 && bit !== 1) { c.error(ERR_BITPOS_BIT); return; }
  const v = lookupRead(c, argv[1]);
  if (v === undefined) {
    c.w.int(bit ? -1 : 0);
    return;
  }
  if (typeof v !== 'string' && !(v instanceof RawString)) {
    c.error(E.WRONGTYPE);
    return;
  }
  const len = byteLen(v);
  const argc = argv.length;
  let start = 0, end = len - 1, isbit = 0, endGiven = false;
  if (argc >= 4 && argc <= 6) {
    const s = parseInt64(argv[3]);
    if (s === null) { c.error(E.NOT_INT); return; }
    start = s;
    if (argc === 6 && (isbit = unitArg(c, argv[5])) < 0) return;
    if (argc >= 5) {
      const e = parseInt64(argv[4]);
      if (e === null) { c.error(E.NOT_INT); return; }
      end = e;
      endGiven = true;
    }
    const total = isbit ? len * 8 : len;
    if (!endGiven) end = total - 1;
    if (start < 0) start += total;
    if (end < 0) end += total;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
  } else if (argc !== 3) {
    c.error(E.SYNTAX);
    return;
  }
  if (start > end) {
    c.w.int(-1);
    return;
  }
  const fromBit = isbit ? start : start * 8;
  const toBit = isbit ? end : end * 8 + 7;
  const pos = findBit(v, bit, fromBit, toBit);
  if (pos >= 0) c.w.int(pos);
  else if (bit === 1 || endGiven) c.w.int(-1);
  else c.w.int(toBit + 1);
}

// --- BITOP ------------------------------------------------------------------------------

const OP_AND = 0, OP_OR = 1, OP_XOR = 2, OP_NOT = 3;

/** The bytes of a source as a Buffer (a string source is copied once). */
function srcBuffer(v: string | RawString): Buffer {
  return typeof v === 'string' ? Buffer.from(v, 'latin1') : v.buf;
}

/**
 * Combine `src` (its first `n` bytes) into `res` with AND/OR/XOR, 32-bit
 * words at a time when both buffers are 4-byte aligned.
 */
function combine(op: number, res: Buffer, src: Buffer, n: number): void {
  let i = 0;
  if ((res.byteOffset & 3) === 0 && (src.byteOffset & 3) === 0 && n >= 16) {
    const words = n >>> 2;
    const r = new Int32Array(res.buffer, res.byteOffset, words);
    const s = new Int32Array(src.buffer, src.byteOffset, words);
    if (op === OP_AND) for (let k = 0; k < words; k++) r[k] &= s[k];
    else if (op === OP_OR) for (let k = 0; k < words; k++) r[k] |= s[k];
    else for (let k = 0; k < words; k++) r[k] ^= s[k];
    i = words * 4;
  }
  if (op === OP_AND) for (; i < n; i++) res[i] &= src[i];
  else if (op === OP_OR) for (; i < n; i++) res[i] |= src[i];
  else for (; i < n; i++) res[i] ^= src[i];
}

/** Invert the first `n` bytes of `res` in place (word-wise when aligned). */
function invert(res: Buffer, n: number): void {
  let i = 0;
  if ((res.byteOffset & 3) === 0 && n >= 16) {
    const words = n >>> 2;
    const r = new Int32Array(res.buffer, res.byteOffset, words);
    for (let k = 0; k < words; k++) r[k] = ~r[k];
    i = words * 4;
  }
  for (; i < n; i++) res[i] = ~res[i];
}

/**
 * BITOP AND|OR|XOR|NOT destkey key [key ...] -> length of the result.
 * Missing sources are empty strings; shorter sources are zero-padded to the
 * longest. A non-empty result replaces destkey (dropping its TTL, event
 * "set"); an empty one deletes it (event "del").
 */
function bitopCommand(c: Client, argv: string[]): void {
  const name = argv[1];
  let op: number;
  if (is(name, 'and')) op = OP_AND;
  else if (is(name, 'or')) op = OP_OR;
  else if (is(name, 'xor')) op = OP_XOR;
  else if (is(name, 'not')) op = OP_NOT;
  else {
    c.error(E.SYNTAX);
    return;
  }
  if (op === OP_NOT && argv.length !== 4) {
    c.error(ERR_BITOP_NOT);
    return;
  }
  const n = argv.length - 3;
  const srcs: (string | RawString | null)[] = new Array(n);
  let maxlen = 0;
  for (let j = 0; j < n; j++) {
    const v = readString(c, argv[j + 3]);
    if (v === false) return;
    srcs[j] = v;
    if (v !== null && byteLen(v) > maxlen) maxlen = byteLen(v);
  }
  const db = c.db;
  const dest = argv[2];
  if (maxlen === 0) {
    if (db.delete(dest)) keyChanged(c, db, dest, NC.GENERIC, 'del');
    c.w.int(0);
    return;
  }
  const res = Buffer.alloc(maxlen);
  const first = srcs[0];
  if (first !== null) {
    if (typeof first === 'string') res.latin1Write(first, 0);
    else first.buf.copy(res, 0, 0, first.len);
  }
  if (op === OP_NOT) {
    invert(res, maxlen);
  } else {
    for (let j = 1; j < n; j++) {
      const v = srcs[j];
      const len = v === null ? 0 : byteLen(v);
      if (len > 0) combine(op, res, srcBuffer(v!), len);
      if (op === OP_AND && len < maxlen) res.fill(0, len, maxlen);
    }
  }
  db.set(dest, new RawString(res, maxlen));
  keyChanged(c, db, dest, NC.STRING, 'set');
  c.w.int(maxlen);
}

// --- table ------------------------------------------------------------------------------

const BITFIELD_RO_KEY: readonly KeyRef[] = [{ pos: 1, flags: ['RO', 'access'] }];
const BITFIELD_RW_KEY: readonly KeyRef[] = [{ pos: 1, flags: ['RW', 'access', 'update'] }];

/**
 * Key flags of a BITFIELD call (its key spec has variable_flags): read-only
 * when every operation is a GET (or OVERFLOW), read-write otherwise —
 * including on a syntax error, the safe assumption Redis also makes.
 */
function bitfieldGetKeys(argv: readonly string[]): readonly KeyRef[] {
  for (let i = 2; i < argv.length; i++) {
    const rem = argv.length - i - 1;
    if (is(argv[i], 'get') && rem >= 2) i += 2;
    else if (is(argv[i], 'overflow') && rem >= 1) i += 1;
    else return BITFIELD_RW_KEY;
  }
  return BITFIELD_RO_KEY;
}

const KS_RO_ACCESS: KeySpec = {
  flags: ['RO', 'access'],
  begin_search: { type: 'index', index: 1 },
  find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
};

const RANGE_UNIT_ARG = {
  name: 'index_unit', type: 'oneof', since: '7.0.0', flags: ['optional'],
  arguments: [
    { name: 'byte', type: 'pure-token', token: 'BYTE' },
    { name: 'bit', type: 'pure-token', token: 'BIT' },
  ],
} as const;

export const BITMAP_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'setbit', arity: 4, flags: ['write', 'denyoom'], acl: ['bitmap'],
    keySpecs: [{
      flags: ['RW', 'access', 'update'],
      begin_search: { type: 'index', index: 1 },
      find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
    }],
    summary: 'Set or clear one bit of a string, growing it if needed; returns the old bit.',
    since: '2.2.0', group: 'bitmap', complexity: 'O(1)',
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'offset', type: 'integer' },
      { name: 'value', type: 'integer' },
    ],
    handler: setbitCommand,
  },
  {
    name: 'getbit', arity: 3, flags: ['readonly', 'fast'], acl: ['bitmap'],
    keySpecs: [KS_RO_ACCESS],
    summary: 'Read one bit of a string (0 beyond its end).',
    since: '2.2.0', group: 'bitmap', complexity: 'O(1)',
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'offset', type: 'integer' },
    ],
    handler: getbitCommand,
  },
  {
    name: 'bitcount', arity: -2, flags: ['readonly'], acl: ['bitmap'],
    keySpecs: [KS_RO_ACCESS],
    summary: 'Count the bits set to 1 in a string, optionally within a byte or bit range.',
    since: '2.6.0', group: 'bitmap', complexity: 'O(N)',
    history: [['7.0.0', 'Added the `BYTE|BIT` option.']],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'index', type: 'block', flags: ['optional'],
        arguments: [
          { name: 'start', type: 'integer' },
          { name: 'end', type: 'integer' },
          RANGE_UNIT_ARG,
        ],
      },
    ],
    handler: bitcountCommand,
  },
  {
    name: 'bitpos', arity: -3, flags: ['readonly'], acl: ['bitmap'],
    keySpecs: [KS_RO_ACCESS],
    summary: 'Find the position of the first 0 or 1 bit in a string, optionally within a range.',
    since: '2.8.7', group: 'bitmap', complexity: 'O(N)',
    history: [['7.0.0', 'Added the `BYTE|BIT` option.']],
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'bit', type: 'integer' },
      {
        name: 'index', type: 'block', flags: ['optional'],
        arguments: [
          { name: 'start', type: 'integer' },
          {
            name: 'end_index', type: 'block', flags: ['optional'],
            arguments: [{ name: 'end', type: 'integer' }, RANGE_UNIT_ARG],
          },
        ],
      },
    ],
    handler: bitposCommand,
  },
  {
    name: 'bitop', arity: -4, flags: ['write', 'denyoom'], acl: ['bitmap'],
    keySpecs: [
      {
        flags: ['OW', 'update'],
        begin_search: { type: 'index', index: 2 },
        find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
      },
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', index: 3 },
        find_keys: { type: 'range', lastkey: -1, step: 1, limit: 0 },
      },
    ],
    summary: 'Store the bitwise AND, OR, XOR of several strings, or the NOT of one, in a key.',
    since: '2.6.0', group: 'bitmap', complexity: 'O(N)',
    arguments: [
      { name: 'operation', type: 'string' },
      { name: 'destkey', type: 'key', key_spec_index: 0 },
      { name: 'key', type: 'key', key_spec_index: 1, flags: ['multiple'] },
    ],
    handler: bitopCommand,
  },
  {
    name: 'bitfield', arity: -2, flags: ['write', 'denyoom'], acl: ['bitmap'],
    keySpecs: [{
      notes: 'This command allows both access and modification of the key',
      flags: ['RW', 'access', 'update', 'variable_flags'],
      begin_search: { type: 'index', index: 1 },
      find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
    }],
    summary: 'Read, write and increment integers of any width (1-64 bits) at arbitrary bit offsets of a string.',
    since: '3.2.0', group: 'bitmap', complexity: 'O(1) for each subcommand specified',
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'operation', type: 'oneof', flags: ['optional', 'multiple'],
        arguments: [
          {
            name: 'encoding_offset', type: 'block', token: 'GET',
            arguments: [{ name: 'encoding', type: 'string' }, { name: 'offset', type: 'integer' }],
          },
          {
            name: 'write', type: 'block',
            arguments: [
              {
                name: 'wrap_sat_fail', type: 'oneof', token: 'OVERFLOW', flags: ['optional'],
                arguments: [
                  { name: 'wrap', type: 'pure-token', token: 'WRAP' },
                  { name: 'sat', type: 'pure-token', token: 'SAT' },
                  { name: 'fail', type: 'pure-token', token: 'FAIL' },
                ],
              },
              {
                name: 'write_operation', type: 'oneof',
                arguments: [
                  {
                    name: 'encoding_offset_value', type: 'block', token: 'SET',
                    arguments: [
                      { name: 'encoding', type: 'string' },
                      { name: 'offset', type: 'integer' },
                      { name: 'value', type: 'integer' },
                    ],
                  },
                  {
                    name: 'encoding_offset_increment', type: 'block', token: 'INCRBY',
                    arguments: [
                      { name: 'encoding', type: 'string' },
                      { name: 'offset', type: 'integer' },
                      { name: 'increment', type: 'integer' },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
    handler: bitfieldCommand,
    getKeys: bitfieldGetKeys,
  },
  {
    name: 'bitfield_ro', arity: -2, flags: ['readonly', 'fast'], acl: ['bitmap'],
    keySpecs: [KS_RO_ACCESS],
    summary: 'Read-only BITFIELD: only GET operations, so it may run on replicas.',
    since: '6.0.0', group: 'bitmap', complexity: 'O(1) for each subcommand specified',
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'encoding_offset', type: 'block', token: 'GET', flags: ['optional', 'multiple', 'multiple_token'],
        arguments: [{ name: 'encoding', type: 'string' }, { name: 'offset', type: 'integer' }],
      },
    ],
    handler: bitfieldRoCommand,
  },
];
