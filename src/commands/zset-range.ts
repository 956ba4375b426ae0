/* ==========================================================================
 * Sorted-set family, ranges: ZRANGE (BYSCORE | BYLEX, REV, LIMIT,
 * WITHSCORES), ZRANGESTORE, the older ZRANGEBYSCORE / ZREVRANGEBYSCORE /
 * ZRANGEBYLEX / ZREVRANGEBYLEX / ZREVRANGE forms, ZCOUNT, ZLEXCOUNT and
 * ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX.
 *
 * Every range resolves to a run of ranks: score ranges by two O(log n)
 * "how many precede" searches, lex ranges by Redis's first/last-in-range
 * search followed by a walk that stops at the first member outside the
 * other bound (the same walk Redis does, so even zsets with mixed scores,
 * where lex ranges are unspecified, answer like a listpack-encoded Redis).
 * ========================================================================== */

import type { ArgDoc, CommandSpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { keyChanged, notify, NC } from '../server/keyspace';
import { lexGteMin, lexLteMax, zsetAddNew, zsetCreate, type LexBound, type ZSet } from '../store/zset';
import { is } from './args';
import {
  asZSet, readZSet, deleteIfEmpty, parseScoreRange, parseLexRange, replyMembers, type ScoreRange,
  keyAt, KEY0, KS_RO_ACCESS, KS_RW_DELETE, LIMIT, WITHSCORES,
} from './zset-common';

const RANK = 0, SCORE = 1, LEX = 2;

// --- range resolution ---------------------------------------------------------------

/**
 * Collect a range's members (and scores) into ms / ss. `kind` selects how
 * `a` / `b` are read: RANK (start, end indexes), SCORE (min, max ranges)
 * or LEX (min, max bounds). offset / limit apply to SCORE and LEX (limit
 * < 0 = no limit; a negative offset selects nothing, as Redis's skip loop
 * does). `rev` walks from the top.
 */
function collectRange(
  z: ZSet, kind: number, rev: boolean, start: number, end: number, sr: ScoreRange | null,
  lmin: LexBound | null, lmax: LexBound | null, offset: number, limit: number, ms: string[], ss: number[],
): void {
  const size = z.size;
  if (kind === RANK) {
    if (start < 0) start = size + start;
    if (end < 0) end = size + end;
    if (start < 0) start = 0;
    if (start > end || start >= size) return;
    if (end >= size) end = size - 1;
    const cur = z.cursor(rev ? size - 1 - start : start);
    for (let n = end - start + 1; n > 0 && cur.ok; n--) {
      ms.push(cur.member);
      ss.push(cur.score);
      cur.step(rev);
    }
    return;
  }
  if (offset < 0 || (offset > 0 && offset >= size)) return;
  if (kind === SCORE) {
    const r = sr as ScoreRange;
    const [lo, hi] = z.scoreRange(r.min, r.minex, r.max, r.maxex);
    let n = hi - lo - offset;
    if (n <= 0) return;
    if (limit >= 0 && limit < n) n = limit;
    const cur = z.cursor(rev ? hi - 1 - offset : lo + offset);
    for (; n > 0 && cur.ok; n--) {
      ms.push(cur.member);
      ss.push(cur.score);
      cur.step(rev);
    }
    return;
  }
  const min = lmin as LexBound, max = lmax as LexBound;
  const first = rev ? z.lexLast(min, max) : z.lexFirst(min, max);
  if (first < 0) return;
  const cur = z.cursor(rev ? first - offset : first + offset);
  for (let n = limit; n !== 0 && cur.ok; n--) {
    if (rev ? !lexGteMin(cur.member, min) : !lexLteMax(cur.member, max)) break;
    ms.push(cur.member);
    ss.push(cur.score);
    cur.step(rev);
  }
}

// --- ZRANGE and friends -----------------------------------------------------------------

/**
 * The one range command body (Redis's zrangeGenericCommand). `at` is the
 * argv index of the source key; `kind` / `rev` are fixed by the legacy
 * commands (-1 = choose by BYSCORE / BYLEX / REV options, ZRANGE and
 * ZRANGESTORE only); `dst` is the ZRANGESTORE destination or null.
 * Order of checks as in Redis: options (syntax, LIMIT integers), LIMIT
 * without BYSCORE/BYLEX, WITHSCORES with BYLEX, the range itself, then the
 * key. REV with BYSCORE/BYLEX takes the range as max, min.
 */
function zrangeGeneric(c: Client, argv: string[], at: number, kind: number, rev: number, dst: string | null): void {
  let withScores = false;
  let offset = 0, limit = -1;
  for (let j = at + 3; j < argv.length; j++) {
    const a = argv[j];
    const left = argv.length - j - 1;
    if (dst === null && is(a, 'withscores')) withScores = true;
    else if (left >= 2 && is(a, 'limit')) {
      const o = parseInt64(argv[j + 1]);
      const l = o === null ? null : parseInt64(argv[j + 2]);
      if (o === null || l === null) {
        c.error(E.NOT_INT);
        return;
      }
      offset = o;
      limit = l;
      j += 2;
    } else if (rev === -1 && is(a, 'rev')) rev = 1;
    else if (kind === -1 && is(a, 'bylex')) kind = LEX;
    else if (kind === -1 && is(a, 'byscore')) kind = SCORE;
    else {
      c.error(E.SYNTAX);
      return;
    }
  }
  if (rev === -1) rev = 0;
  if (kind === -1) kind = RANK;
  if (limit !== -1 && kind === RANK) {
    c.error('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
    return;
  }
  if (withScores && kind === LEX) {
    c.error('ERR syntax error, WITHSCORES not supported in combination with BYLEX');
    return;
  }
  let minArg = argv[at + 1], maxArg = argv[at + 2];
  if (rev === 1 && kind !== RANK) {
    const t = minArg; minArg = maxArg; maxArg = t;
  }
  let start = 0, end = 0;
  let sr: ScoreRange | null = null;
  let lr: [LexBound, LexBound] | null = null;
  if (kind === RANK) {
    const s = parseInt64(minArg);
    const e = s === null ? null : parseInt64(maxArg);
    if (s === null || e === null) {
      c.error(E.NOT_INT);
      return;
    }
    start = s;
    end = e;
  } else if (kind === SCORE) {
    sr = parseScoreRange(c, minArg, maxArg);
    if (sr === null) return;
  } else {
    lr = parseLexRange(c, minArg, maxArg);
    if (lr === null) return;
  }
  const z = readZSet(c, argv[at]);
  if (z === false) return;
  const ms: string[] = [];
  const ss: number[] = [];
  if (z !== undefined) {
    collectRange(z, kind, rev === 1, start, end, sr, lr === null ? null : lr[0], lr === null ? null : lr[1],
      offset, limit, ms, ss);
  }
  if (dst === null) replyMembers(c, ms, ss, withScores);
  else storeRange(c, dst, ms, ss, kind === RANK ? ms.length : 0);
}

/**
 * ZRANGESTORE result: a non-empty range replaces `dst` (any type, TTL
 * cleared; event "zrangestore"); an empty one deletes it ("del" if it
 * existed). Replies the number of members stored.
 */
function storeRange(c: Client, dst: string, ms: string[], ss: number[], sizeHint: number): void {
  const db = c.db;
  if (ms.length === 0) {
    c.w.int(0);
    if (db.delete(dst)) {
      keyChanged(c, db, dst, 0, '');
      notify(c, db, dst, NC.GENERIC, 'del');
    }
    return;
  }
  const z = zsetCreate(c.server, sizeHint, 0);
  for (let i = 0; i < ms.length; i++) zsetAddNew(c.server, z, ms[i], ss[i]);
  db.set(dst, z, false);
  c.w.int(ms.length);
  keyChanged(c, db, dst, NC.ZSET, 'zrangestore');
}

function zrangeCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, -1, -1, null);
}

function zrangestoreCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 2, -1, -1, argv[1]);
}

function zrevrangeCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, RANK, 1, null);
}

function zrangebyscoreCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, SCORE, 0, null);
}

function zrevrangebyscoreCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, SCORE, 1, null);
}

function zrangebylexCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, LEX, 0, null);
}

function zrevrangebylexCommand(c: Client, argv: string[]): void {
  zrangeGeneric(c, argv, 1, LEX, 1, null);
}

// --- counts ---------------------------------------------------------------------------

/** ZCOUNT key min max: members with scores in range (range errors before the key). */
function zcountCommand(c: Client, argv: string[]): void {
  const r = parseScoreRange(c, argv[2], argv[3]);
  if (r === null) return;
  const z = readZSet(c, argv[1]);
  if (z === false) return;
  if (z === undefined) {
    c.w.int(0);
    return;
  }
  const [lo, hi] = z.scoreRange(r.min, r.minex, r.max, r.maxex);
  c.w.int(hi > lo ? hi - lo : 0);
}

/**
 * Members of the lex range walking forward from its first member (the
 * listpack way), or by rank difference of first and last (the skiplist way).
 */
function lexCount(z: ZSet, min: LexBound, max: LexBound): number {
  const first = z.lexFirst(min, max);
  if (first < 0) return 0;
  if (z.dict !== null) {
    const size = z.size;
    let count = size - first;
    const last = z.lexLast(min, max);
    if (last >= 0) count -= size - 1 - last;
    return count;
  }
  let n = 0;
  for (let i = first; i < z.lm.length && lexLteMax(z.lm[i], max); i++) n++;
  return n;
}

/** ZLEXCOUNT key min max. */
function zlexcountCommand(c: Client, argv: string[]): void {
  const r = parseLexRange(c, argv[2], argv[3]);
  if (r === null) return;
  const z = readZSet(c, argv[1]);
  if (z === false) return;
  c.w.int(z === undefined ? 0 : lexCount(z, r[0], r[1]));
}

// --- range removal -----------------------------------------------------------------------

const REM_EVENTS = ['zremrangebyrank', 'zremrangebyscore', 'zremrangebylex'];

/**
 * ZREMRANGEBYRANK / BYSCORE / BYLEX key a b (Redis's zremrangeGenericCommand):
 * the range is parsed before the key is looked up; replies the number
 * removed; event per kind, then "del" if the zset emptied.
 */
function zremrangeGeneric(c: Client, argv: string[], kind: number): void {
  let start = 0, end = 0;
  let sr: ScoreRange | null = null;
  let lr: [LexBound, LexBound] | null = null;
  if (kind === RANK) {
    const s = parseInt64(argv[2]);
    const e = s === null ? null : parseInt64(argv[3]);
    if (s === null || e === null) {
      c.error(E.NOT_INT);
      return;
    }
    start = s;
    end = e;
  } else if (kind === SCORE) {
    sr = parseScoreRange(c, argv[2], argv[3]);
    if (sr === null) return;
  } else {
    lr = parseLexRange(c, argv[2], argv[3]);
    if (lr === null) return;
  }
  const key = argv[1];
  const z = asZSet(c, c.db.lookup(key));
  if (z === false) return;
  if (z === undefined) {
    c.w.int(0);
    return;
  }
  const size = z.size;
  let lo = 0, hi = 0;
  if (kind === RANK) {
    if (start < 0) start = size + start;
    if (end < 0) end = size + end;
    if (start < 0) start = 0;
    if (start <= end && start < size) {
      lo = start;
      hi = (end >= size ? size - 1 : end) + 1;
    }
  } else if (kind === SCORE) {
    const r = sr as ScoreRange;
    [lo, hi] = z.scoreRange(r.min, r.minex, r.max, r.maxex);
  } else {
    const [min, max] = lr as [LexBound, LexBound];
    lo = z.lexFirst(min, max);
    if (lo < 0) lo = 0;
    else {
      const cur = z.cursor(lo);
      hi = lo;
      while (cur.ok && lexLteMax(cur.member, max)) {
        hi++;
        cur.step(false);
      }
    }
  }
  const removed = z.deleteRange(lo, hi);
  if (removed > 0) {
    keyChanged(c, c.db, key, NC.ZSET, REM_EVENTS[kind]);
    c.server.dirty += removed - 1;
    deleteIfEmpty(c, key, z);
  }
  c.w.int(removed);
}

function zremrangebyrankCommand(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, RANK);
}

function zremrangebyscoreCommand(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, SCORE);
}

function zremrangebylexCommand(c: Client, argv: string[]): void {
  zremrangeGeneric(c, argv, LEX);
}

// --- table ---------------------------------------------------------------------------------

const MIN_D: ArgDoc = { name: 'min', type: 'double' };
const MAX_D: ArgDoc = { name: 'max', type: 'double' };
const MIN_S: ArgDoc = { name: 'min', type: 'string' };
const MAX_S: ArgDoc = { name: 'max', type: 'string' };
/** key min max, as scores / as lex bounds. */
const SCORE_ARGS: readonly ArgDoc[] = [KEY0, MIN_D, MAX_D];
const LEX_ARGS: readonly ArgDoc[] = [KEY0, MIN_S, MAX_S];
const START_STOP: readonly ArgDoc[] = [KEY0, { name: 'start', type: 'integer' }, { name: 'stop', type: 'integer' }];
const BYSCORE_BYLEX: readonly ArgDoc[] = [
  { name: 'byscore', type: 'pure-token', token: 'BYSCORE' },
  { name: 'bylex', type: 'pure-token', token: 'BYLEX' },
];
const RANGE_COMPLEXITY = 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of ' +
  'elements returned.';
const BY_COMPLEXITY = 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of ' +
  'elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can ' +
  'consider it O(log(N)).';

/** What ZCOUNT and ZLEXCOUNT share. */
const COUNT_SPEC = {
  arity: 4, flags: ['readonly', 'fast'], acl: ['sortedset'], keySpecs: KS_RO_ACCESS, group: 'sorted-set',
  complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
} as const;
/** What ZRANGE and its deprecated variants share. */
const RANGE_SPEC = {
  arity: -4, flags: ['readonly'], acl: ['sortedset'], keySpecs: KS_RO_ACCESS, group: 'sorted-set',
} as const;
/** What the deprecated ZRANGEBYSCORE / ZRANGEBYLEX and their REV forms share. */
const BY_SPEC = { ...RANGE_SPEC, complexity: BY_COMPLEXITY, docFlags: ['deprecated'], deprecatedSince: '6.2.0' } as const;
/** What ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX share. */
const REMRANGE_SPEC = {
  arity: 4, flags: ['write'], acl: ['sortedset'], keySpecs: KS_RW_DELETE, group: 'sorted-set',
  complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements ' +
    'removed by the operation.',
} as const;

export const ZSET_RANGE_COMMANDS: readonly CommandSpec[] = [
  {
    ...COUNT_SPEC, name: 'zcount', handler: zcountCommand,
    summary: 'Count the members whose scores fall between two bounds.', since: '2.0.0',
    arguments: SCORE_ARGS,
  },
  {
    ...COUNT_SPEC, name: 'zlexcount', handler: zlexcountCommand,
    summary: 'Count the members between two lexicographical bounds.', since: '2.8.9',
    arguments: LEX_ARGS,
  },
  {
    ...RANGE_SPEC, name: 'zrange', handler: zrangeCommand,
    summary: 'Return members of a sorted set by rank, score or lexicographical range.', since: '1.2.0',
    complexity: RANGE_COMPLEXITY,
    history: [['6.2.0', 'Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.']],
    arguments: [
      KEY0,
      { name: 'start', type: 'string' },
      { name: 'stop', type: 'string' },
      { name: 'sortby', type: 'oneof', since: '6.2.0', flags: ['optional'], arguments: BYSCORE_BYLEX },
      { name: 'rev', type: 'pure-token', token: 'REV', since: '6.2.0', flags: ['optional'] },
      { ...LIMIT, since: '6.2.0' },
      WITHSCORES,
    ],
  },
  {
    name: 'zrangestore', arity: -5, flags: ['write', 'denyoom'], acl: ['sortedset'],
    keySpecs: [keyAt(1, ['OW', 'update']), keyAt(2, ['RO', 'access'])],
    summary: 'Save a range of a sorted set under a destination key.', since: '6.2.0', group: 'sorted-set',
    complexity: 'O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements ' +
      'stored into the destination key.',
    arguments: [
      { name: 'dst', type: 'key', key_spec_index: 0 },
      { name: 'src', type: 'key', key_spec_index: 1 },
      MIN_S,
      MAX_S,
      { name: 'sortby', type: 'oneof', flags: ['optional'], arguments: BYSCORE_BYLEX },
      { name: 'rev', type: 'pure-token', token: 'REV', flags: ['optional'] },
      LIMIT,
    ],
    handler: zrangestoreCommand,
  },
  {
    ...BY_SPEC, name: 'zrangebyscore', handler: zrangebyscoreCommand,
    summary: 'Return the members whose scores fall between two bounds, lowest first.', since: '1.0.5',
    history: [['2.0.0', 'Added the `WITHSCORES` modifier.']],
    replacedBy: '`ZRANGE` with the `BYSCORE` argument',
    arguments: [...SCORE_ARGS, { ...WITHSCORES, since: '2.0.0' }, LIMIT],
  },
  {
    ...BY_SPEC, name: 'zrevrangebyscore', handler: zrevrangebyscoreCommand,
    summary: 'Return the members whose scores fall between two bounds, highest first.', since: '2.2.0',
    history: [['2.1.6', '`min` and `max` can be exclusive.']],
    replacedBy: '`ZRANGE` with the `REV` and `BYSCORE` arguments',
    arguments: [KEY0, MAX_D, MIN_D, WITHSCORES, LIMIT],
  },
  {
    ...BY_SPEC, name: 'zrangebylex', handler: zrangebylexCommand,
    summary: 'Return the members between two lexicographical bounds, in ascending order.', since: '2.8.9',
    replacedBy: '`ZRANGE` with the `BYLEX` argument',
    arguments: [...LEX_ARGS, LIMIT],
  },
  {
    ...BY_SPEC, name: 'zrevrangebylex', handler: zrevrangebylexCommand,
    summary: 'Return the members between two lexicographical bounds, in descending order.', since: '2.8.9',
    replacedBy: '`ZRANGE` with the `REV` and `BYLEX` arguments',
    arguments: [KEY0, MAX_S, MIN_S, LIMIT],
  },
  {
    ...RANGE_SPEC, name: 'zrevrange', handler: zrevrangeCommand,
    summary: 'Return members of a sorted set by rank, highest score first.', since: '1.2.0',
    complexity: RANGE_COMPLEXITY,
    docFlags: ['deprecated'],
    deprecatedSince: '6.2.0',
    replacedBy: '`ZRANGE` with the `REV` argument',
    arguments: [...START_STOP, WITHSCORES],
  },
  {
    ...REMRANGE_SPEC, name: 'zremrangebyrank', handler: zremrangebyrankCommand,
    summary: 'Delete the members whose ranks fall between two positions.', since: '2.0.0',
    arguments: START_STOP,
  },
  {
    ...REMRANGE_SPEC, name: 'zremrangebyscore', handler: zremrangebyscoreCommand,
    summary: 'Delete the members whose scores fall between two bounds.', since: '1.2.0',
    arguments: SCORE_ARGS,
  },
  {
    ...REMRANGE_SPEC, name: 'zremrangebylex', handler: zremrangebylexCommand,
    summary: 'Delete the members between two lexicographical bounds.', since: '2.8.9',
    arguments: LEX_ARGS,
  },
];
