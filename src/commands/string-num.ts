/* ==========================================================================
 * String family, counters: INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT.
 *
 * Integers are int64 with Redis's exact overflow check. The common case
 * (both operands below 2^53 in magnitude) stays on plain numbers; long
 * operands go through BigInt. The result is stored as a plain JS string of
 * its decimal digits, which reports the 'int' encoding like Redis.
 * INCRBYFLOAT uses the exact long double emulation of string-float.ts and
 * stores the text Redis would store (embstr-encoded even when it looks like
 * an integer, hence the FixedEncodingString wrapper).
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../protocol/numbers';
import { keyChanged, NC } from '../server/keyspace';
import { FixedEncodingString, isString, RawString, strValue, type Value } from '../store/values';
import { addLD, formatLD, parseLD } from './string-float';
import { exactInt } from './string-range';


/** The stored string value of a key for integer parsing (long values cannot be int64). */
function intText(v: string | RawString): string | null {
  if (typeof v === 'string') return v;
  return v.len > 20 ? null : v.toString();
}

/**
 * Redis's incrDecrCommand: add `incr` to the key's int64 value (0 when
 * missing). Replies WRONGTYPE, "not an integer" or the overflow error;
 * otherwise stores the result (keeping the TTL) and emits "incrby".
 */
function incrDecr(c: Client, key: string, incr: number | bigint): void {
  const db = c.db;
  const slot = db.lookupSlot(key);
  const v: Value | undefined = slot < 0 ? undefined : db.slotValue(slot);
  let cur: number | bigint = 0;
  if (v !== undefined) {
    if (!isString(v)) { c.error(E.WRONGTYPE); return; }
    const t = intText(v);
    const p = t === null ? null : exactInt(t);
    if (p === null) { c.error(E.NOT_INT); return; }
    cur = p;
  }
  let res: number | bigint;
  if (typeof cur === 'number' && typeof incr === 'number' && Number.isSafeInteger(cur + incr)) {
    res = cur + incr;
  } else {
    const big = BigInt(cur) + BigInt(incr);
    if (big > INT64_MAX || big < INT64_MIN) { c.error(E.OVERFLOW); return; }
    res = big;
  }
  const text = typeof res === 'number' ? String(res) : res.toString();
  if (slot < 0) db.add(key, text);
  else db.setSlot(slot, text); // no keyspace change since lookupSlot: the slot is still valid
  keyChanged(c, db, key, NC.STRING, 'incrby');
  if (typeof res === 'number') c.w.int(res);
  else c.w.bigint(res);
}

function incrCommand(c: Client, argv: string[]): void {
  incrDecr(c, argv[1], 1);
}

function decrCommand(c: Client, argv: string[]): void {
  incrDecr(c, argv[1], -1);
}

/** INCRBY key increment (the increment is validated before the key is looked at). */
function incrbyCommand(c: Client, argv: string[]): void {
  const incr = exactInt(argv[2]);
  if (incr === null) { c.error(E.NOT_INT); return; }
  incrDecr(c, argv[1], incr);
}

/** DECRBY key decrement; negating INT64_MIN is its own error. */
function decrbyCommand(c: Client, argv: string[]): void {
  const dec = exactInt(argv[2]);
  if (dec === null) { c.error(E.NOT_INT); return; }
  if (typeof dec === 'bigint') {
    if (dec === INT64_MIN) { c.error('ERR decrement would overflow'); return; }
    incrDecr(c, argv[1], -dec);
  } else {
    incrDecr(c, argv[1], dec === 0 ? 0 : -dec);
  }
}

/**
 * INCRBYFLOAT key increment: both operands are parsed like strtold (the
 * key's value first), added in long double precision and printed like
 * "%.17Lf" with trailing zeros removed. An infinite or NaN result is an
 * error and changes nothing. Emits "incrbyfloat"; the TTL is kept.
 */
function incrbyfloatCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  const v = db.lookup(key);
  let cur = parseLD('0')!;
  if (v !== undefined) {
    if (!isString(v)) { c.error(E.WRONGTYPE); return; }
    const p = typeof v === 'string' || v.len < 5120 ? parseLD(strValue(v)) : null;
    if (p === null) { c.error(E.NOT_FLOAT); return; }
    cur = p;
  }
  const incr = parseLD(argv[2]);
  if (incr === null) { c.error(E.NOT_FLOAT); return; }
  if (cur.inf || incr.inf) { c.error(E.INCR_NAN); return; }
  const sum = addLD(cur, incr);
  if (sum.inf) { c.error(E.INCR_NAN); return; }
  const text = formatLD(sum);
  const stored = text.length <= 20 && parseInt64(text) !== null ? new FixedEncodingString(text, 'embstr') : text;
  if (v === undefined) db.add(key, stored);
  else db.replace(key, stored);
  keyChanged(c, db, key, NC.STRING, 'incrbyfloat');
  c.w.bulk(text);
}

// --- table --------------------------------------------------------------------

const KEY_ARG = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const KS_RW = [{
  flags: ['RW', 'access', 'update'],
  begin_search: { type: 'index', index: 1 },
  find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
}] as const;

export const STRING_NUM_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'incr', arity: 2, flags: ['write', 'denyoom', 'fast'], acl: ['string'], keySpecs: KS_RW,
    summary: 'Add one to the integer stored at a key.', since: '1.0.0', group: 'string', complexity: 'O(1)',
    arguments: [KEY_ARG],
    handler: incrCommand,
  },
  {
    name: 'decr', arity: 2, flags: ['write', 'denyoom', 'fast'], acl: ['string'], keySpecs: KS_RW,
    summary: 'Subtract one from the integer stored at a key.', since: '1.0.0', group: 'string', complexity: 'O(1)',
    arguments: [KEY_ARG],
    handler: decrCommand,
  },
  {
    name: 'incrby', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['string'], keySpecs: KS_RW,
    summary: 'Add an integer amount to the integer stored at a key.', since: '1.0.0', group: 'string',
    complexity: 'O(1)',
    arguments: [KEY_ARG, { name: 'increment', type: 'integer' }],
    handler: incrbyCommand,
  },
  {
    name: 'decrby', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['string'], keySpecs: KS_RW,
    summary: 'Subtract an integer amount from the integer stored at a key.', since: '1.0.0', group: 'string',
    complexity: 'O(1)',
    arguments: [KEY_ARG, { name: 'decrement', type: 'integer' }],
    handler: decrbyCommand,
  },
  {
    name: 'incrbyfloat', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['string'], keySpecs: KS_RW,
    summary: 'Add a floating point amount to the number stored at a key.', since: '2.6.0', group: 'string',
    complexity: 'O(1)',
    arguments: [KEY_ARG, { name: 'increment', type: 'double' }],
    handler: incrbyfloatCommand,
  },
];
