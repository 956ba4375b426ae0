/* ==========================================================================
 * Blocking sorted-set pops: BZPOPMIN, BZPOPMAX, BZMPOP.
 *
 * Same shape as the blocking list commands (list-blocking.ts): serve like
 * ZPOPMIN / ZMPOP when a key holds a zset, else block through
 * server/blocking.ts until a zset is added at one of the keys (the command
 * is then re-run for that key only), answering a null array on timeout or
 * at once inside EXEC. BZMPOP checks numkeys / MIN|MAX / COUNT before the
 * timeout, as Redis does.
 * ========================================================================== */

import type { ArgDoc, CommandSpec } from './spec';
import { CF, type Client } from '../server/client';
import { blockForKeys, parseBlockTimeout, serveFirstOrBlock, type ServeKey } from '../server/blocking';
import { ObjType } from '../store/values';
import { numkeysGetKeys } from './keys';
import { asZSet, keysAfterCount, KEYS0, MIN_MAX, MPOP_COMPLEXITY, NUMKEYS } from './zset-common';
import { PopShape, zmpopServe, zsetPop } from './zset-pop';
import { parseMpop } from './mpop';

/** Pop the lowest / highest member of the zset at `key` as [key, member, score]; false if absent. */
function serveZPop(c: Client, key: string, max: boolean): boolean {
  const z = asZSet(c, c.db.lookup(key));
  if (z === false) return true;
  if (z === undefined) return false;
  zsetPop(c, c.db, key, z, max, 1, PopShape.KEYED);
  return true;
}

function serveMin(c: Client, key: string): boolean { return serveZPop(c, key, false); }
function serveMax(c: Client, key: string): boolean { return serveZPop(c, key, true); }

/** BZPOPMIN / BZPOPMAX key [key ...] timeout: [key, member, score] from the first non-empty zset. */
function bzpopGeneric(c: Client, argv: string[], serve: ServeKey): void {
  const last = argv.length - 1;
  const deadline = parseBlockTimeout(c, argv[last]);
  if (deadline < 0) return;
  serveFirstOrBlock(c, argv, 1, last - 1, deadline, ObjType.ZSET, serve);
}

function bzpopminCommand(c: Client, argv: string[]): void { bzpopGeneric(c, argv, serveMin); }
function bzpopmaxCommand(c: Client, argv: string[]): void { bzpopGeneric(c, argv, serveMax); }

/** BZMPOP timeout numkeys key... MIN|MAX [COUNT count] */
function bzmpopCommand(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 2, 'max', 'min');
  if (a === null) return;
  const deadline = parseBlockTimeout(c, argv[1]);
  if (deadline < 0) return;
  if (zmpopServe(c, argv, a, c.server.blocking.blockReadyKey)) return;
  if (c.flags & CF.DENY_BLOCKING) {
    c.w.nullArray();
    return;
  }
  blockForKeys(c, argv.slice(a.first, a.first + a.numkeys), deadline, ObjType.ZSET, 'nullarray');
}

// --- table ------------------------------------------------------------------------

const BZPOP_ARGS: readonly ArgDoc[] = [
  KEYS0,
  { name: 'timeout', type: 'double' },
];
const BZPOP_SPEC = {
  arity: -3, flags: ['write', 'noscript', 'blocking', 'fast'], acl: ['sortedset'],
  keySpecs: [{
    flags: ['RW', 'access', 'delete'],
    begin_search: { type: 'index', index: 1 },
    find_keys: { type: 'range', lastkey: -2, step: 1, limit: 0 },
  }],
  since: '5.0.0', group: 'sorted-set',
  complexity: 'O(log(N)) with N being the number of elements in the sorted set.',
  history: [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']],
  arguments: BZPOP_ARGS,
} as const;

export const ZSET_BLOCKING_COMMANDS: readonly CommandSpec[] = [
  {
    ...BZPOP_SPEC, name: 'bzpopmin', handler: bzpopminCommand,
    summary: 'Pop the lowest-scored member of the first non-empty sorted set among the keys, waiting for one if none.',
  },
  {
    ...BZPOP_SPEC, name: 'bzpopmax', handler: bzpopmaxCommand,
    summary: 'Pop the highest-scored member of the first non-empty sorted set among the keys, waiting for one if none.',
  },
  {
    name: 'bzmpop', arity: -5, flags: ['write', 'blocking'], acl: ['sortedset'],
    keySpecs: [keysAfterCount(2, ['RW', 'access', 'delete'])],
    getKeys: numkeysGetKeys(2, 3),
    summary: 'Pop members from an end of the first non-empty sorted set among the keys, waiting for one if none.',
    since: '7.0.0', group: 'sorted-set',
    complexity: MPOP_COMPLEXITY,
    arguments: [
      { name: 'timeout', type: 'double' },
      NUMKEYS,
      KEYS0,
      MIN_MAX,
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    ],
    handler: bzmpopCommand,
  },
];
