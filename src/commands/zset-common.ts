/* ==========================================================================
 * Sorted-set family, shared helpers: lookups with the type check, deletion
 * of emptied zsets, score / lex range parsing with Redis's exact acceptance
 * rules, the member+score reply shapes of RESP2 and RESP3, and the spec
 * pieces (key specs, argument docs) several zset commands share.
 * ========================================================================== */

import type { ArgDoc, KeySpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseDouble } from '../protocol/numbers';
import { lookupRead, notify, NC } from '../server/keyspace';
import type { Value } from '../store/values';
import { ZSet, type LexBound } from '../store/zset';

export const ERR_MINMAX_FLOAT = 'ERR min or max is not a float';
export const ERR_MINMAX_LEX = 'ERR min or max not valid string range item';
export const ERR_NAN = 'ERR resulting score is not a number (NaN)';

/** `v` as a zset: undefined if missing, false after replying WRONGTYPE. */
export function asZSet(c: Client, v: Value | undefined): ZSet | undefined | false {
  if (v === undefined || v instanceof ZSet) return v;
  c.error(E.WRONGTYPE);
  return false;
}

/** Read lookup (counts keyspace hits / misses) with the type check. */
export function readZSet(c: Client, key: string): ZSet | undefined | false {
  return asZSet(c, lookupRead(c, key));
}

/** Delete `key` if its zset became empty, with the "del" event Redis sends after the command's own. */
export function deleteIfEmpty(c: Client, key: string, z: ZSet): void {
  if (z.size !== 0) return;
  c.db.delete(key);
  notify(c, c.db, key, NC.GENERIC, 'del');
}

// --- score and lex ranges -----------------------------------------------------

/** A parsed score range (zrangespec). */
export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

const DEC_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INF_RE = /^[+-]?(?:inf|infinity)$/i;

function isSpace(ch: number): boolean {
  return ch === 32 || (ch >= 9 && ch <= 13);
}

/**
 * One bound of a score range as zslParseRange reads it with plain strtod:
 * leading blanks skipped, the text (up to a NUL byte) must be consumed
 * entirely, NaN is refused, but overflow is fine (becomes +-inf) and the
 * empty text is 0. Returns null when invalid.
 */
function strtodBound(s: string): number | null {
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  if (s.length === 0) return 0;
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  if (i === s.length) return null; // no conversion: the end pointer stays on the first blank
  const t = i === 0 ? s : s.slice(i);
  if (DEC_RE.test(t)) return Number(t);
  if (INF_RE.test(t)) return t.charCodeAt(0) === 45 ? -Infinity : Infinity;
  return parseDouble(t); // hexadecimal forms (and null for anything else)
}

/** Parse "min" "max" score bounds ("(" = exclusive); null after replying the error. */
export function parseScoreRange(c: Client, minArg: string, maxArg: string): ScoreRange | null {
  const r: ScoreRange = { min: 0, max: 0, minex: false, maxex: false };
  let a = minArg, b = maxArg;
  if (a.charCodeAt(0) === 40) { r.minex = true; a = a.slice(1); }
  if (b.charCodeAt(0) === 40) { r.maxex = true; b = b.slice(1); }
  const min = strtodBound(a);
  const max = min === null ? null : strtodBound(b);
  if (min === null || max === null) {
    c.error(ERR_MINMAX_FLOAT);
    return null;
  }
  r.min = min;
  r.max = max;
  return r;
}

/** One lex bound: "+", "-", "[x" (inclusive) or "(x" (exclusive); null if invalid. */
function lexBound(s: string): LexBound | null {
  const ch = s.charCodeAt(0);
  if (ch === 43 && s.length === 1) return { s: '', inf: 1, ex: true };
  if (ch === 45 && s.length === 1) return { s: '', inf: -1, ex: true };
  if (ch === 40) return { s: s.slice(1), inf: 0, ex: true };
  if (ch === 91) return { s: s.slice(1), inf: 0, ex: false };
  return null;
}

/** Parse a lex range; null after replying the error. */
export function parseLexRange(c: Client, minArg: string, maxArg: string): [LexBound, LexBound] | null {
  const min = lexBound(minArg);
  const max = min === null ? null : lexBound(maxArg);
  if (min === null || max === null) {
    c.error(ERR_MINMAX_LEX);
    return null;
  }
  return [min, max];
}

// --- replies -----------------------------------------------------------------------

/**
 * Reply members (with scores when `withScores`): RESP2 a flat array, RESP3
 * an array of [member, double] pairs, as Redis's zrange result handler.
 */
export function replyMembers(c: Client, ms: readonly string[], ss: readonly number[], withScores: boolean): void {
  const w = c.w;
  const n = ms.length;
  if (!withScores) {
    w.arrayLen(n);
    for (let i = 0; i < n; i++) w.bulk(ms[i]);
    return;
  }
  const resp3 = w.proto === 3;
  w.arrayLen(resp3 ? n : n * 2);
  for (let i = 0; i < n; i++) {
    if (resp3) w.arrayLen(2);
    w.bulk(ms[i]);
    w.double(ss[i]);
  }
}

// --- shared spec pieces (COMMAND INFO / COMMAND DOCS) ------------------------------

/** Key spec of the single key at argv[index]. */
export function keyAt(index: number, flags: KeySpec['flags']): KeySpec {
  return { flags, begin_search: { type: 'index', index }, find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 } };
}

/** Key spec of `numkeys` keys: the count at argv[index], the keys right after it. */
export function keysAfterCount(index: number, flags: KeySpec['flags']): KeySpec {
  return {
    flags,
    begin_search: { type: 'index', index },
    find_keys: { type: 'keynum', keynumidx: 0, firstkey: 1, step: 1 },
  };
}

/** One key at argv[1] that is only read. */
export const KS_RO_ACCESS: readonly KeySpec[] = [keyAt(1, ['RO', 'access'])];
/** One key at argv[1] whose members are removed (ZREM, ZREMRANGEBY*). */
export const KS_RW_DELETE: readonly KeySpec[] = [keyAt(1, ['RW', 'delete'])];

export const KEY0: ArgDoc = { name: 'key', type: 'key', key_spec_index: 0 };
export const NUMKEYS: ArgDoc = { name: 'numkeys', type: 'integer' };
/** The keys after NUMKEYS, described by key spec 0. */
export const KEYS0: ArgDoc = { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] };
export const WITHSCORES: ArgDoc = { name: 'withscores', type: 'pure-token', token: 'WITHSCORES', flags: ['optional'] };
/** LIMIT offset count (without a `since`). */
export const LIMIT: ArgDoc = {
  name: 'offset_count', type: 'block', token: 'LIMIT', flags: ['optional'],
  arguments: [{ name: 'offset', type: 'integer' }, { name: 'count', type: 'integer' }],
};
/** The MIN|MAX end of ZMPOP / BZMPOP. */
export const MIN_MAX: ArgDoc = {
  name: 'where', type: 'oneof',
  arguments: [{ name: 'min', type: 'pure-token', token: 'MIN' }, { name: 'max', type: 'pure-token', token: 'MAX' }],
};
export const MPOP_COMPLEXITY = 'O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of ' +
  'elements in the sorted set, and M being the number of elements popped.';
