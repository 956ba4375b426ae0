/* ==========================================================================
 * Sorted-set family (Redis's t_zset.c): ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE,
 * ZMSCORE, ZRANK, ZREVRANK here; pops, ZRANDMEMBER and ZSCAN in
 * zset-pop.ts; range queries and range removals in zset-range.ts; the
 * multi-key algebra (ZUNION/ZINTER/ZDIFF[STORE], ZINTERCARD) in zset-ops.ts.
 *
 * Values are ZSet objects (store/zset.ts) with Redis 7.0's two encodings
 * (listpack / skiplist). Emptied zsets are deleted at once with a "del"
 * event after the command's own event, as Redis does.
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseDouble } from '../protocol/numbers';
import { keyChanged, NC } from '../server/keyspace';
import { ZSet, zsetAddNew } from '../store/zset';
import { is } from './args';
import {
  asZSet, readZSet, deleteIfEmpty, ERR_NAN, keyAt, KEY0, KS_RO_ACCESS, KS_RW_DELETE,
} from './zset-common';
import { ZSET_POP_COMMANDS } from './zset-pop';
import { ZSET_RANGE_COMMANDS } from './zset-range';
import { ZSET_OPS_COMMANDS } from './zset-ops';

// --- ZADD / ZINCRBY ----------------------------------------------------------------

const F_NX = 1, F_XX = 2, F_GT = 4, F_LT = 8, F_CH = 16, F_INCR = 32;

/**
 * Shared body of ZADD and ZINCRBY (Redis's zaddGenericCommand). Options are
 * read until the first non-option; then, in this order: pair count
 * (syntax error), NX+XX, GT/LT/NX combinations, INCR with several pairs,
 * every score (before touching the key), the key type. Each pair follows
 * zsetAdd: NX skips existing members, XX new ones, GT/LT keep the score
 * unless it moves the right way, INCR adds (NaN is an error and stops).
 * Replies the number added (+ changed with CH), or with INCR the new score
 * or nil when the pair was skipped. One "zadd"/"zincr" event when anything
 * changed; dirty counts every added or updated member.
 */
function zaddGeneric(c: Client, argv: string[], incrCmd: boolean): void {
  let flags = incrCmd ? F_INCR : 0;
  let idx = 2;
  // ZINCRBY reads options too (one shared parser in Redis): "ZINCRBY k gt m" is a syntax error.
  for (; idx < argv.length; idx++) {
    const a = argv[idx];
    if (a.length > 4) break;
    if (is(a, 'nx')) flags |= F_NX;
    else if (is(a, 'xx')) flags |= F_XX;
    else if (is(a, 'ch')) flags |= F_CH;
    else if (is(a, 'incr')) flags |= F_INCR;
    else if (is(a, 'gt')) flags |= F_GT;
    else if (is(a, 'lt')) flags |= F_LT;
    else break;
  }
  const elements = argv.length - idx;
  if (elements === 0 || elements % 2 !== 0) {
    c.error(E.SYNTAX);
    return;
  }
  const nx = (flags & F_NX) !== 0, xx = (flags & F_XX) !== 0, gt = (flags & F_GT) !== 0, lt = (flags & F_LT) !== 0;
  const incr = (flags & F_INCR) !== 0;
  if (nx && xx) {
    c.error('ERR XX and NX options at the same time are not compatible');
    return;
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    c.error('ERR GT, LT, and/or NX options at the same time are not compatible');
    return;
  }
  if (incr && elements > 2) {
    c.error('ERR INCR option supports a single increment-element pair');
    return;
  }
  const pairs = elements / 2;
  const scores: number[] = new Array<number>(pairs);
  for (let j = 0; j < pairs; j++) {
    const s = parseDouble(argv[idx + j * 2]);
    if (s === null) {
      c.error(E.NOT_FLOAT);
      return;
    }
    scores[j] = s;
  }
  const db = c.db;
  const key = argv[1];
  let z = asZSet(c, db.lookup(key));
  if (z === false) return;
  let added = 0, updated = 0, processed = 0;
  let score = 0;
  if (z === undefined) {
    if (xx) {
      replyZadd(c, incr, processed, score, (flags & F_CH) !== 0 ? added + updated : added);
      return;
    }
    z = new ZSet();
    const cfg = c.server.config;
    if (cfg.zsetMaxListpackEntries === 0 || argv[idx + 1].length > cfg.zsetMaxListpackValue) z.toSkiplist();
    db.add(key, z);
  }
  for (let j = 0; j < pairs; j++) {
    const member = argv[idx + j * 2 + 1];
    score = scores[j];
    const cur = z.score(member);
    if (cur !== undefined) {
      if (nx) continue;
      if (incr) {
        score += cur;
        if (score !== score) {
          c.error(ERR_NAN);
          return; // INCR has one pair: nothing was changed
        }
      }
      if ((lt && score >= cur) || (gt && score <= cur)) continue;
      processed++;
      if (score !== cur) {
        z.update(member, cur, score);
        updated++;
      }
    } else {
      if (xx) continue;
      zsetAddNew(c.server, z, member, score);
      added++;
      processed++;
    }
  }
  if (added + updated > 0) {
    keyChanged(c, db, key, NC.ZSET, incr ? 'zincr' : 'zadd');
    c.server.dirty += added + updated - 1; // one change per added / updated member
  }
  replyZadd(c, incr, processed, score, (flags & F_CH) !== 0 ? added + updated : added);
}

function replyZadd(c: Client, incr: boolean, processed: number, score: number, n: number): void {
  if (!incr) c.w.int(n);
  else if (processed > 0) c.w.double(score);
  else c.w.null();
}

function zaddCommand(c: Client, argv: string[]): void {
  zaddGeneric(c, argv, false);
}

/** ZINCRBY key increment member: ZADD INCR with a single pair. */
function zincrbyCommand(c: Client, argv: string[]): void {
  zaddGeneric(c, argv, true);
}

// --- ZREM ---------------------------------------------------------------------------

/** ZREM key member...: number removed; "zrem" then "del" if the zset emptied. */
function zremCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const z = asZSet(c, c.db.lookup(key));
  if (z === false) return;
  if (z === undefined) {
    c.w.int(0);
    return;
  }
  let removed = 0;
  for (let j = 2; j < argv.length && z.size > 0; j++) if (z.remove(argv[j])) removed++;
  if (removed > 0) {
    keyChanged(c, c.db, key, NC.ZSET, 'zrem');
    c.server.dirty += removed - 1;
    deleteIfEmpty(c, key, z);
  }
  c.w.int(removed);
}

// --- reads ----------------------------------------------------------------------------

function zcardCommand(c: Client, argv: string[]): void {
  const z = readZSet(c, argv[1]);
  if (z === false) return;
  c.w.int(z === undefined ? 0 : z.size);
}

/** ZSCORE key member: the score (RESP3 double) or nil. */
function zscoreCommand(c: Client, argv: string[]): void {
  const z = readZSet(c, argv[1]);
  if (z === false) return;
  const s = z === undefined ? undefined : z.score(argv[2]);
  if (s === undefined) c.w.null();
  else c.w.double(s);
}

/** ZMSCORE key member...: one score or nil per member (all nil for a missing key). */
function zmscoreCommand(c: Client, argv: string[]): void {
  const z = readZSet(c, argv[1]);
  if (z === false) return;
  c.w.arrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === undefined ? undefined : z.score(argv[j]);
    if (s === undefined) c.w.null();
    else c.w.double(s);
  }
}

/** ZRANK / ZREVRANK key member: 0-based position or nil. */
function rankGeneric(c: Client, argv: string[], rev: boolean): void {
  const z = readZSet(c, argv[1]);
  if (z === false) return;
  const r = z === undefined ? -1 : z.rank(argv[2], rev);
  if (r < 0) c.w.null();
  else c.w.int(r);
}

function zrankCommand(c: Client, argv: string[]): void {
  rankGeneric(c, argv, false);
}

function zrevrankCommand(c: Client, argv: string[]): void {
  rankGeneric(c, argv, true);
}

// --- table ------------------------------------------------------------------------------

const KS_RW_UPDATE = [keyAt(1, ['RW', 'update'])];
const KS_RW_ACCESS_UPDATE = [keyAt(1, ['RW', 'access', 'update'])];
const KS_RO = [keyAt(1, ['RO'])];
const MEMBER = { name: 'member', type: 'string' } as const;

const LOCAL_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'zadd', arity: -4, flags: ['write', 'denyoom', 'fast'], acl: ['sortedset'], keySpecs: KS_RW_UPDATE,
    summary: 'Insert members with scores into a sorted set, or change the scores of existing ones.',
    since: '1.2.0', group: 'sorted-set',
    complexity: 'O(log(N)) for each item added, where N is the number of elements in the sorted set.',
    history: [
      ['2.4.0', 'Accepts multiple elements.'],
      ['3.0.2', 'Added the `XX`, `NX`, `CH` and `INCR` options.'],
      ['6.2.0', 'Added the `GT` and `LT` options.'],
    ],
    arguments: [
      KEY0,
      {
        name: 'condition', type: 'oneof', since: '3.0.2', flags: ['optional'],
        arguments: [{ name: 'nx', type: 'pure-token', token: 'NX' }, { name: 'xx', type: 'pure-token', token: 'XX' }],
      },
      {
        name: 'comparison', type: 'oneof', since: '6.2.0', flags: ['optional'],
        arguments: [{ name: 'gt', type: 'pure-token', token: 'GT' }, { name: 'lt', type: 'pure-token', token: 'LT' }],
      },
      { name: 'change', type: 'pure-token', token: 'CH', since: '3.0.2', flags: ['optional'] },
      { name: 'increment', type: 'pure-token', token: 'INCR', since: '3.0.2', flags: ['optional'] },
      {
        name: 'score_member', type: 'block', flags: ['multiple'],
        arguments: [{ name: 'score', type: 'double' }, MEMBER],
      },
    ],
    handler: zaddCommand,
  },
  {
    name: 'zincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: ['sortedset'], keySpecs: KS_RW_ACCESS_UPDATE,
    summary: 'Add an increment to the score of one sorted-set member.', since: '1.2.0', group: 'sorted-set',
    complexity: 'O(log(N)) where N is the number of elements in the sorted set.',
    arguments: [KEY0, { name: 'increment', type: 'integer' }, MEMBER],
    handler: zincrbyCommand,
  },
  {
    name: 'zrem', arity: -3, flags: ['write', 'fast'], acl: ['sortedset'], keySpecs: KS_RW_DELETE,
    summary: 'Delete the given members from a sorted set.', since: '1.2.0', group: 'sorted-set',
    complexity: 'O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.',
    history: [['2.4.0', 'Accepts multiple elements.']],
    arguments: [KEY0, { name: 'member', type: 'string', flags: ['multiple'] }],
    handler: zremCommand,
  },
  {
    name: 'zcard', arity: 2, flags: ['readonly', 'fast'], acl: ['sortedset'], keySpecs: KS_RO,
    summary: 'Return how many members a sorted set holds.', since: '1.2.0', group: 'sorted-set', complexity: 'O(1)',
    arguments: [KEY0],
    handler: zcardCommand,
  },
  {
    name: 'zscore', arity: 3, flags: ['readonly', 'fast'], acl: ['sortedset'], keySpecs: KS_RO_ACCESS,
    summary: 'Return the score of one sorted-set member.', since: '1.2.0', group: 'sorted-set', complexity: 'O(1)',
    arguments: [KEY0, MEMBER],
    handler: zscoreCommand,
  },
  {
    name: 'zmscore', arity: -3, flags: ['readonly', 'fast'], acl: ['sortedset'], keySpecs: KS_RO_ACCESS,
    summary: 'Return the scores of several sorted-set members.', since: '6.2.0', group: 'sorted-set',
    complexity: 'O(N) where N is the number of members being requested.',
    arguments: [KEY0, { name: 'member', type: 'string', flags: ['multiple'] }],
    handler: zmscoreCommand,
  },
  {
    name: 'zrank', arity: 3, flags: ['readonly', 'fast'], acl: ['sortedset'], keySpecs: KS_RO_ACCESS,
    summary: 'Return the position of a member in a sorted set, counting from the lowest score.', since: '2.0.0',
    group: 'sorted-set', complexity: 'O(log(N))',
    arguments: [KEY0, MEMBER],
    handler: zrankCommand,
  },
  {
    name: 'zrevrank', arity: 3, flags: ['readonly', 'fast'], acl: ['sortedset'], keySpecs: KS_RO_ACCESS,
    summary: 'Return the position of a member in a sorted set, counting from the highest score.', since: '2.0.0',
    group: 'sorted-set', complexity: 'O(log(N))',
    arguments: [KEY0, MEMBER],
    handler: zrevrankCommand,
  },
];

export const ZSET_COMMANDS: readonly CommandSpec[] = [
  ...LOCAL_COMMANDS, ...ZSET_POP_COMMANDS, ...ZSET_RANGE_COMMANDS, ...ZSET_OPS_COMMANDS,
];
