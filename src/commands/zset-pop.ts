/* ==========================================================================
 * Sorted-set family, removal from the ends, sampling and iteration:
 * ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER, ZSCAN.
 *
 * The pop worker (zsetPop) and the ZMPOP server (zmpopServe; arguments
 * parsed by mpop.ts) are exported for the blocking variants (zset-blocking.ts:
 * BZPOPMIN, BZPOPMAX, BZMPOP), which call them first and again once a key
 * is ready (with `only` = the ready key).
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import type { Db } from '../store/db';
import { E } from '../protocol/errors';
import { formatDouble, parseInt64, parseInt64Big } from '../protocol/numbers';
import { keyChanged, NC } from '../server/keyspace';
import { listpackScoreText, type ZSet } from '../store/zset';
import { is } from './args';
import { numkeysGetKeys } from './keys';
import { parseMpop, type MpopArgs } from './mpop';
import {
  KEY_SCAN_ARGS, KEY_SCAN_COMPLEXITY, collectScanPairs, replyEmptyScan, replyScanPairs, scanCursorArg,
} from './generic';
import {
  asZSet, readZSet, deleteIfEmpty, keyAt, keysAfterCount, KEY0, KS_RO_ACCESS, KEYS0, MIN_MAX, MPOP_COMPLEXITY, NUMKEYS,
  WITHSCORES,
} from './zset-common';

// --- pops -----------------------------------------------------------------------

/** Reply shapes of the pop commands. */
export const enum PopShape {
  /** ZPOPMIN/MAX without count (and with count in RESP2): flat member, score, ... */
  FLAT,
  /** ZPOPMIN/MAX with count in RESP3: an array of [member, score] pairs. */
  PAIRS,
  /** ZMPOP / BZMPOP: [key, [[member, score], ...]] in both protocols. */
  MPOP,
  /** BZPOPMIN / BZPOPMAX: [key, member, score]. */
  KEYED,
}

/**
 * Pop up to `count` members from the low end (or the high end when `max`)
 * of the non-empty zset `z` at `key`, reply them in `shape`, and apply the
 * side effects: event "zpopmin"/"zpopmax", dirty per popped member, and the
 * key's deletion ("del") when emptied. Redis's genericZpopCommand body.
 */
export function zsetPop(c: Client, db: Db, key: string, z: ZSet, max: boolean, count: number, shape: PopShape): void {
  const size = z.size;
  const n = count < size ? count : size;
  const w = c.w;
  const cur = z.cursor(max ? size - 1 : 0);
  if (shape === PopShape.KEYED) {
    w.arrayLen(3);
    w.bulk(key);
  } else if (shape === PopShape.MPOP) {
    w.arrayLen(2);
    w.bulk(key);
  }
  const nested = shape === PopShape.PAIRS || shape === PopShape.MPOP;
  if (shape !== PopShape.KEYED) w.arrayLen(nested ? n : n * 2);
  for (let i = 0; i < n; i++) {
    if (nested) w.arrayLen(2);
    w.bulk(cur.member);
    w.double(cur.score);
    cur.step(max);
  }
  if (max) z.deleteRange(size - n, size);
  else z.deleteRange(0, n);
  keyChanged(c, db, key, NC.ZSET, max ? 'zpopmax' : 'zpopmin');
  c.server.dirty += n - 1;
  deleteIfEmpty(c, key, z);
}

/**
 * ZPOPMIN / ZPOPMAX key [count]. More than one extra argument is a syntax
 * error; a count that is not a non-negative integer is "must be positive".
 * Missing key or count 0: an empty array.
 */
function zpopGeneric(c: Client, argv: string[], max: boolean): void {
  if (argv.length > 3) {
    c.error(E.SYNTAX);
    return;
  }
  let count = 1;
  if (argv.length === 3) {
    const v = parseInt64(argv[2]);
    if (v === null || v < 0) {
      c.error(E.POSITIVE);
      return;
    }
    count = v;
  }
  const key = argv[1];
  const z = asZSet(c, c.db.lookup(key));
  if (z === false) return;
  if (z === undefined || count === 0) {
    c.w.arrayLen(0);
    return;
  }
  zsetPop(c, c.db, key, z, max, count, argv.length === 3 && c.w.proto === 3 ? PopShape.PAIRS : PopShape.FLAT);
}

function zpopminCommand(c: Client, argv: string[]): void {
  zpopGeneric(c, argv, false);
}

function zpopmaxCommand(c: Client, argv: string[]): void {
  zpopGeneric(c, argv, true);
}

/**
 * Serve a ZMPOP (arguments from parseMpop with MAX|MIN: where = max) from
 * the first non-empty zset among the keys: reply [key, [[member, score]...]]. Returns true if it replied (served or
 * WRONGTYPE), false when every key was absent (the caller replies a null
 * array or blocks). With `only` (a woken BZMPOP), just that key is tried.
 */
export function zmpopServe(c: Client, argv: string[], a: MpopArgs, only: string | null = null): boolean {
  const db = c.db;
  for (let j = a.first; j < a.first + a.numkeys; j++) {
    const key = argv[j];
    if (only !== null && key !== only) continue;
    const z = asZSet(c, db.lookup(key));
    if (z === false) return true;
    if (z === undefined) continue;
    zsetPop(c, db, key, z, a.where, a.count, PopShape.MPOP);
    return true;
  }
  return false;
}

/** ZMPOP numkeys key... MIN|MAX [COUNT count]: [key, pairs] or a null array. */
function zmpopCommand(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 1, 'max', 'min');
  if (a === null) return;
  if (!zmpopServe(c, argv, a)) c.w.nullArray();
}

// --- ZRANDMEMBER ------------------------------------------------------------------

const LONG_MAX = 9223372036854775807n;
/** Beyond this many repeated picks the reply could not be built (Redis dies); see docs/compatibility.md. */
const MAX_REPEATS = 0x7fffffff;

/**
 * ZRANDMEMBER key [count [WITHSCORES]] (Redis's zrandmemberCommand).
 * Without count: one random member or nil. Count 0 or a missing key: an
 * empty array. A negative count gives |count| independent picks; a count
 * at least the size gives the whole zset (from the highest score down, as
 * Redis 7.0 replies it); a smaller one distinct random members. Argument
 * errors come before the key lookup.
 */
function zrandmemberCommand(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    const z = readZSet(c, argv[1]);
    if (z === false) return;
    if (z === undefined) c.w.null();
    else c.w.bulk(z.randomMember());
    return;
  }
  const l = parseInt64Big(argv[2]);
  if (l === null) {
    c.error(E.NOT_INT);
    return;
  }
  if (l < -LONG_MAX) {
    c.error(`ERR value is out of range, value must between ${-LONG_MAX} and ${LONG_MAX}`);
    return;
  }
  if (argv.length > 4 || (argv.length === 4 && !is(argv[3], 'withscores'))) {
    c.error(E.SYNTAX);
    return;
  }
  const withScores = argv.length === 4;
  if (withScores && (l < -LONG_MAX / 2n || l > LONG_MAX / 2n)) {
    c.error('ERR value is out of range');
    return;
  }
  const z = readZSet(c, argv[1]);
  if (z === false) return;
  if (z === undefined || l === 0n) {
    c.w.arrayLen(0);
    return;
  }
  const resp3 = c.w.proto === 3;
  const size = z.size;
  if (l < 0n) {
    if (-l > BigInt(MAX_REPEATS)) {
      c.error('ERR value is out of range');
      return;
    }
    const n = Number(-l);
    c.w.arrayLen(withScores && !resp3 ? n * 2 : n);
    for (let i = 0; i < n; i++) {
      const m = z.randomMember();
      if (withScores && resp3) c.w.arrayLen(2);
      c.w.bulk(m);
      if (withScores) c.w.double(z.score(m) as number);
    }
    return;
  }
  const count = Number(l);
  if (z.dict !== null && count * 3 <= size) {
    // Few picks from a big zset (Redis's CASE 4): random dict samples until
    // `count` distinct members, without copying the whole set.
    const picked = new Set<string>();
    while (picked.size < count) picked.add(z.randomMember());
    c.w.arrayLen(withScores && !resp3 ? count * 2 : count);
    for (const m of picked) {
      if (withScores && resp3) c.w.arrayLen(2);
      c.w.bulk(m);
      if (withScores) c.w.double(z.score(m) as number);
    }
    return;
  }
  const ms: string[] = [];
  const ss: number[] = [];
  z.pairs(ms, ss);
  let pick: number[];
  if (count >= size) {
    pick = new Array<number>(size);
    for (let i = 0; i < size; i++) pick[i] = size - 1 - i;
  } else if (z.dict === null) {
    // Listpack: selection sampling keeps the listpack order (lpRandomPairsUnique).
    pick = [];
    let need = count;
    for (let i = 0; i < size && need > 0; i++) {
      if (Math.random() * (size - i) < need) {
        pick.push(i);
        need--;
      }
    }
  } else {
    // Skiplist: a partial Fisher-Yates shuffle picks `count` distinct members.
    const idx = new Array<number>(size);
    for (let i = 0; i < size; i++) idx[i] = i;
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      const t = idx[i]; idx[i] = idx[j]; idx[j] = t;
    }
    idx.length = count;
    pick = idx;
  }
  c.w.arrayLen(withScores && !resp3 ? pick.length * 2 : pick.length);
  for (let i = 0; i < pick.length; i++) {
    if (withScores && resp3) c.w.arrayLen(2);
    c.w.bulk(ms[pick[i]]);
    if (withScores) c.w.double(ss[pick[i]]);
  }
}

// --- ZSCAN ----------------------------------------------------------------------------

/**
 * ZSCAN key cursor [MATCH pattern] [COUNT count]: the cursor is checked
 * first, then the key, then the options (scanGenericCommand). A listpack
 * zset is returned whole with cursor 0 and its scores as the listpack holds
 * them (integers print without exponent); a skiplist zset walks its dict
 * with the reverse-binary cursor, scores in %.17g.
 */
function zscanCommand(c: Client, argv: string[]): void {
  const cursor = scanCursorArg(c, argv[2]);
  if (cursor < 0) return;
  const z = readZSet(c, argv[1]);
  if (z === false) return;
  if (z === undefined) {
    replyEmptyScan(c);
    return;
  }
  const ms: string[] = [];
  const ss: number[] = [];
  const step = collectScanPairs(c, argv, cursor, z, ms, ss);
  if (step === null) return;
  const texts = new Array<string>(ss.length);
  for (let i = 0; i < ss.length; i++) texts[i] = z.dict === null ? listpackScoreText(ss[i]) : formatDouble(ss[i]);
  replyScanPairs(c, step.next, ms, texts, step.pattern);
}

// --- table ------------------------------------------------------------------------------

/** What ZPOPMIN and ZPOPMAX share. */
const ZPOP_SPEC = {
  arity: -2, flags: ['write', 'fast'], acl: ['sortedset'], keySpecs: [keyAt(1, ['RW', 'access', 'delete'])],
  since: '5.0.0', group: 'sorted-set',
  complexity: 'O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of ' +
    'elements popped.',
  arguments: [KEY0, { name: 'count', type: 'integer', flags: ['optional'] }],
} as const;

export const ZSET_POP_COMMANDS: readonly CommandSpec[] = [
  {
    ...ZPOP_SPEC, name: 'zpopmin', handler: zpopminCommand,
    summary: 'Remove and return the members with the smallest scores.',
  },
  {
    ...ZPOP_SPEC, name: 'zpopmax', handler: zpopmaxCommand,
    summary: 'Remove and return the members with the largest scores.',
  },
  {
    name: 'zmpop', arity: -4, flags: ['write', 'movablekeys'], acl: ['sortedset'],
    keySpecs: [keysAfterCount(1, ['RW', 'access', 'delete'])],
    summary: 'Remove and return members from the first non-empty sorted set of several keys.',
    since: '7.0.0', group: 'sorted-set', complexity: MPOP_COMPLEXITY,
    arguments: [
      NUMKEYS,
      KEYS0,
      MIN_MAX,
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    ],
    handler: zmpopCommand,
    getKeys: numkeysGetKeys(1, 2), // Redis's zmpopGetKeys
  },
  {
    name: 'zrandmember', arity: -2, flags: ['readonly'], acl: ['sortedset'], tips: ['nondeterministic_output'],
    keySpecs: KS_RO_ACCESS,
    summary: 'Return one or more randomly chosen members of a sorted set, optionally with scores.',
    since: '6.2.0', group: 'sorted-set', complexity: 'O(N) where N is the number of elements returned',
    arguments: [
      KEY0,
      {
        name: 'options', type: 'block', flags: ['optional'],
        arguments: [{ name: 'count', type: 'integer' }, WITHSCORES],
      },
    ],
    handler: zrandmemberCommand,
  },
  {
    name: 'zscan', arity: -3, flags: ['readonly'], acl: ['sortedset'], tips: ['nondeterministic_output'],
    keySpecs: KS_RO_ACCESS,
    summary: 'Iterate over the members and scores of a sorted set with a cursor.', since: '2.8.0', group: 'sorted-set',
    complexity: KEY_SCAN_COMPLEXITY,
    arguments: KEY_SCAN_ARGS,
    handler: zscanCommand,
  },
];
