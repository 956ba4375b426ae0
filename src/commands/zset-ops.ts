/* ==========================================================================
 * Sorted-set family, multi-key algebra (Redis's zunionInterDiffGenericCommand):
 * ZUNION, ZINTER, ZDIFF, their STORE forms, and ZINTERCARD.
 *
 * Inputs may be sorted sets or plain sets (every set member scores 1);
 * missing keys are empty inputs. WEIGHTS multiply each input's scores and
 * AGGREGATE SUM|MIN|MAX combines a member's scores across inputs; a NaN
 * from inf*0 or inf+-inf becomes 0, as in Redis. Results come out ordered
 * by (score, member); a STORE result is listpack-encoded when it fits
 * (zsetConvertToListpackIfNeeded).
 * ========================================================================== */

import type { ArgDoc, CommandSpec, KeyRef, KeySpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseDouble, parseInt64 } from '../protocol/numbers';
import { keyChanged, lookupRead, notify, NC } from '../server/keyspace';
import { SetValue } from '../store/set';
import type { Value } from '../store/values';
import { ZSet, zsetCreate } from '../store/zset';
import { is } from './args';
import { atoi, numkeysGetKeys } from './keys';
import { keyAt, keysAfterCount, KEYS0, NUMKEYS, replyMembers, WITHSCORES } from './zset-common';

const UNION = 0, INTER = 1, DIFF = 2;
const SUM = 0, MIN = 1, MAX = 2;
const STORE_EVENTS = ['zunionstore', 'zinterstore', 'zdiffstore'];

/** One input: a zset, a set, or null for a missing key; with its weight. */
interface Src {
  z: ZSet | null;
  s: SetValue | null;
  weight: number;
}

function srcSize(x: Src): number {
  return x.z !== null ? x.z.size : x.s !== null ? x.s.size : 0;
}

/** Score of `m` in an input (1 for a set member), or undefined. */
function srcScore(x: Src, m: string): number | undefined {
  if (x.z !== null) return x.z.score(m);
  if (x.s !== null) return x.s.has(m) ? 1 : undefined;
  return undefined;
}

/** Members and scores of an input (sets score 1). */
function srcPairs(x: Src, ms: string[], ss: number[]): void {
  if (x.z !== null) x.z.pairs(ms, ss);
  else if (x.s !== null) {
    const a = x.s.members();
    for (let i = 0; i < a.length; i++) {
      ms.push(a[i]);
      ss.push(1);
    }
  }
}

/** Combine `v` into `t` (zunionInterAggregate); a NaN sum becomes 0. */
function aggregate(t: number, v: number, how: number): number {
  if (how === SUM) {
    const r = t + v;
    return r !== r ? 0 : r;
  }
  if (how === MIN) return v < t ? v : t;
  return v > t ? v : t;
}

/**
 * The shared body. `dst` is the STORE destination (null otherwise),
 * `at` the argv index of numkeys, `card` for ZINTERCARD. Checks in Redis's
 * order: numkeys integer, numkeys >= 1, enough arguments (syntax), every
 * key's type, then the options (WEIGHTS and AGGREGATE not for ZDIFF,
 * WITHSCORES only without STORE, LIMIT only for ZINTERCARD).
 */
function zsetOpGeneric(c: Client, argv: string[], dst: string | null, at: number, op: number, card: boolean): void {
  const setnum = parseInt64(argv[at]);
  if (setnum === null) {
    c.error(E.NOT_INT);
    return;
  }
  if (setnum < 1) {
    c.error(`ERR at least 1 input key is needed for '${c.cmd!.fullName}' command`);
    return;
  }
  if (setnum > argv.length - (at + 1)) {
    c.error(E.SYNTAX);
    return;
  }
  const src: Src[] = new Array<Src>(setnum);
  let j = at + 1;
  for (let i = 0; i < setnum; i++, j++) {
    // Redis 7.0.15 counts hits / misses and emits "keymiss" for the sources of the STORE forms too
    const v: Value | undefined = lookupRead(c, argv[j]);
    if (v === undefined) src[i] = { z: null, s: null, weight: 1 };
    else if (v instanceof ZSet) src[i] = { z: v, s: null, weight: 1 };
    else if (v instanceof SetValue) src[i] = { z: null, s: v, weight: 1 };
    else {
      c.error(E.WRONGTYPE);
      return;
    }
  }
  let how = SUM;
  let withScores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining > 0) {
    const a = argv[j];
    if (op !== DIFF && !card && remaining >= setnum + 1 && is(a, 'weights')) {
      j++; remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = parseDouble(argv[j]);
        if (w === null) {
          c.error('ERR weight value is not a float');
          return;
        }
        src[i].weight = w;
      }
    } else if (op !== DIFF && !card && remaining >= 2 && is(a, 'aggregate')) {
      const g = argv[j + 1];
      if (is(g, 'sum')) how = SUM;
      else if (is(g, 'min')) how = MIN;
      else if (is(g, 'max')) how = MAX;
      else {
        c.error(E.SYNTAX);
        return;
      }
      j += 2; remaining -= 2;
    } else if (dst === null && !card && is(a, 'withscores')) {
      withScores = true;
      j++; remaining--;
    } else if (card && remaining >= 2 && is(a, 'limit')) {
      const l = parseInt64(argv[j + 1]);
      if (l === null || l < 0) {
        c.error("ERR LIMIT can't be negative");
        return;
      }
      limit = l;
      j += 2; remaining -= 2;
    } else {
      c.error(E.SYNTAX);
      return;
    }
  }
  // Smallest inputs first (Redis sorts by cardinality for UNION and INTER).
  if (op !== DIFF) src.sort((x, y) => srcSize(x) - srcSize(y));

  const rm: string[] = [];
  const rs: number[] = [];
  if (op === INTER) {
    if (srcSize(src[0]) > 0) {
      const ms: string[] = [];
      const ss: number[] = [];
      srcPairs(src[0], ms, ss);
      let count = 0;
      for (let k = 0; k < ms.length; k++) {
        let score = src[0].weight * ss[k];
        if (score !== score) score = 0;
        let i = 1;
        for (; i < setnum; i++) {
          const v = srcScore(src[i], ms[k]);
          if (v === undefined) break;
          score = aggregate(score, v * src[i].weight, how);
        }
        if (i < setnum) continue;
        if (card) {
          count++;
          if (limit !== 0 && count >= limit) break;
        } else {
          rm.push(ms[k]);
          rs.push(score);
        }
      }
      if (card) {
        c.w.int(count);
        return;
      }
    } else if (card) {
      c.w.int(0);
      return;
    }
  } else if (op === UNION) {
    const acc = new Map<string, number>();
    for (let i = 0; i < setnum; i++) {
      if (srcSize(src[i]) === 0) continue;
      const ms: string[] = [];
      const ss: number[] = [];
      srcPairs(src[i], ms, ss);
      const w = src[i].weight;
      for (let k = 0; k < ms.length; k++) {
        let score = w * ss[k];
        if (score !== score) score = 0;
        const cur = acc.get(ms[k]);
        acc.set(ms[k], cur === undefined ? score : aggregate(cur, score, how));
      }
    }
    for (const [m, s] of acc) {
      rm.push(m);
      rs.push(s);
    }
  } else {
    const ms: string[] = [];
    const ss: number[] = [];
    srcPairs(src[0], ms, ss);
    for (let k = 0; k < ms.length; k++) {
      let i = 1;
      for (; i < setnum; i++) if (srcScore(src[i], ms[k]) !== undefined) break;
      if (i < setnum) continue;
      rm.push(ms[k]);
      rs.push(ss[k]);
    }
  }
  // Order by (score, member).
  const order = new Array<number>(rm.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((x, y) => (rs[x] < rs[y] ? -1 : rs[x] > rs[y] ? 1 : rm[x] < rm[y] ? -1 : rm[x] > rm[y] ? 1 : 0));
  const om = new Array<string>(order.length);
  const os = new Array<number>(order.length);
  let maxLen = 0;
  for (let i = 0; i < order.length; i++) {
    om[i] = rm[order[i]];
    os[i] = rs[order[i]];
    if (om[i].length > maxLen) maxLen = om[i].length;
  }
  if (dst === null) {
    replyMembers(c, om, os, withScores);
    return;
  }
  const db = c.db;
  if (om.length === 0) {
    c.w.int(0);
    if (db.delete(dst)) {
      keyChanged(c, db, dst, 0, '');
      notify(c, db, dst, NC.GENERIC, 'del');
    }
    return;
  }
  const z = zsetCreate(c.server, om.length, maxLen);
  for (let i = 0; i < om.length; i++) z.addNew(om[i], os[i]);
  db.set(dst, z, false);
  c.w.int(om.length);
  keyChanged(c, db, dst, NC.ZSET, STORE_EVENTS[op]);
}

function zunionCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, null, 1, UNION, false);
}

function zinterCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, null, 1, INTER, false);
}

function zdiffCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, null, 1, DIFF, false);
}

function zunionstoreCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, argv[1], 2, UNION, false);
}

function zinterstoreCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, argv[1], 2, INTER, false);
}

function zdiffstoreCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, argv[1], 2, DIFF, false);
}

function zintercardCommand(c: Client, argv: string[]): void {
  zsetOpGeneric(c, argv, null, 1, INTER, true);
}

/**
 * Keys of "dst numkeys key..." when the key specs cannot read numkeys
 * (Redis's zunionInterDiffStoreGetKeys): the numkeys sources (atoi) first,
 * then the destination, without flags; none when the count is out of range.
 */
function storeGetKeys(argv: readonly string[]): (number | KeyRef)[] {
  const n = atoi(argv[2]);
  if (n < 1 || n > argv.length - 3) return [];
  const out: (number | KeyRef)[] = [];
  for (let i = 0; i < n; i++) out.push(3 + i);
  out.push(1);
  return out;
}

// --- table ----------------------------------------------------------------------------------

const READ_KEYS: readonly KeySpec[] = [keysAfterCount(1, ['RO', 'access'])];
const STORE_KEYS: readonly KeySpec[] = [keyAt(1, ['OW', 'update']), keysAfterCount(2, ['RO', 'access'])];
const DESTINATION: ArgDoc = { name: 'destination', type: 'key', key_spec_index: 0 };
const STORE_KEYS_ARG: ArgDoc = { name: 'key', type: 'key', key_spec_index: 1, flags: ['multiple'] };
const WEIGHTS: ArgDoc = { name: 'weight', type: 'integer', token: 'WEIGHTS', flags: ['optional', 'multiple'] };
const AGGREGATE: ArgDoc = {
  name: 'aggregate', type: 'oneof', token: 'AGGREGATE', flags: ['optional'],
  arguments: [
    { name: 'sum', type: 'pure-token', token: 'SUM' },
    { name: 'min', type: 'pure-token', token: 'MIN' },
    { name: 'max', type: 'pure-token', token: 'MAX' },
  ],
};
const UNION_COMPLEXITY = 'O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being ' +
  'the number of elements in the resulting sorted set.';
const INTER_COMPLEXITY = 'O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the ' +
  'number of input sorted sets and M being the number of elements in the resulting sorted set.';
const DIFF_COMPLEXITY = 'O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N ' +
  'is the size of the first set, and K is the size of the result set.';

/** What ZUNION, ZINTER, ZDIFF and ZINTERCARD share. */
const READ_SPEC = {
  arity: -3, flags: ['readonly', 'movablekeys'], acl: ['sortedset'], keySpecs: READ_KEYS, group: 'sorted-set',
  getKeys: numkeysGetKeys(1, 2),
} as const;
/** What ZUNIONSTORE, ZINTERSTORE and ZDIFFSTORE share. */
const STORE_SPEC = {
  arity: -4, flags: ['write', 'denyoom', 'movablekeys'], acl: ['sortedset'], keySpecs: STORE_KEYS, group: 'sorted-set',
  getKeys: storeGetKeys,
} as const;

export const ZSET_OPS_COMMANDS: readonly CommandSpec[] = [
  {
    ...READ_SPEC, name: 'zunion', handler: zunionCommand,
    summary: 'Return the union of sorted sets, combining the scores of shared members.', since: '6.2.0',
    complexity: UNION_COMPLEXITY,
    arguments: [NUMKEYS, KEYS0, WEIGHTS, AGGREGATE, WITHSCORES],
  },
  {
    ...READ_SPEC, name: 'zinter', handler: zinterCommand,
    summary: 'Return the intersection of sorted sets, combining the scores of shared members.', since: '6.2.0',
    complexity: INTER_COMPLEXITY,
    arguments: [NUMKEYS, KEYS0, WEIGHTS, AGGREGATE, WITHSCORES],
  },
  {
    ...READ_SPEC, name: 'zdiff', handler: zdiffCommand,
    summary: 'Return the members of the first sorted set that the other keys do not hold.', since: '6.2.0',
    complexity: DIFF_COMPLEXITY,
    arguments: [NUMKEYS, KEYS0, WITHSCORES],
  },
  {
    ...STORE_SPEC, name: 'zunionstore', handler: zunionstoreCommand,
    summary: 'Save the union of sorted sets under a destination key.', since: '2.0.0',
    complexity: 'O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the ' +
      'number of elements in the resulting sorted set.',
    arguments: [DESTINATION, NUMKEYS, STORE_KEYS_ARG, WEIGHTS, AGGREGATE],
  },
  {
    ...STORE_SPEC, name: 'zinterstore', handler: zinterstoreCommand,
    summary: 'Save the intersection of sorted sets under a destination key.', since: '2.0.0',
    complexity: INTER_COMPLEXITY,
    arguments: [DESTINATION, NUMKEYS, STORE_KEYS_ARG, WEIGHTS, AGGREGATE],
  },
  {
    ...STORE_SPEC, name: 'zdiffstore', handler: zdiffstoreCommand,
    summary: 'Save the difference of the first sorted set and the others under a destination key.', since: '6.2.0',
    complexity: DIFF_COMPLEXITY,
    arguments: [DESTINATION, NUMKEYS, STORE_KEYS_ARG],
  },
  {
    ...READ_SPEC, name: 'zintercard', handler: zintercardCommand,
    summary: 'Count the members common to all the given sorted sets, optionally stopping at a limit.',
    since: '7.0.0',
    complexity: 'O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.',
    arguments: [NUMKEYS, KEYS0, { name: 'limit', type: 'integer', token: 'LIMIT', flags: ['optional'] }],
  },
];
