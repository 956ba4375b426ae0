/* ==========================================================================
 * Blocking list commands: BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP.
 *
 * Each handler first tries to serve like its non-blocking twin (LPOP, LMOVE,
 * LMPOP); when every key is absent it blocks through server/blocking.ts,
 * which re-runs the handler when one of the keys receives a list (with
 * `blockReadyKey` naming it, so only that key is tried), or answers the null
 * reply on timeout. Inside EXEC (CF.DENY_BLOCKING) the null reply is given
 * at once. Argument checks follow Redis's order: BLMOVE checks directions
 * before the timeout, BLMPOP checks numkeys / direction / COUNT before it.
 * ========================================================================== */

import type { ArgDoc, CommandSpec, KeySpec } from './spec';
import type { Client } from '../server/client';
import { CF } from '../server/client';
import { blockForKeys, parseBlockTimeout, serveFirstOrBlock, type ServeKey } from '../server/blocking';
import { ObjType } from '../store/values';
import { numkeysGetKeys } from './keys';
import { asList, listElementsRemoved, listMove, mpopServe, whereArg } from './list-ops';
import { parseMpop } from './mpop';

// --- handlers -------------------------------------------------------------------

/** Pop one element of the list at `key` as [key, element] (LPOP's events); false if absent. */
function servePop(c: Client, key: string, head: boolean): boolean {
  const l = asList(c, c.db.lookup(key));
  if (l === false) return true;
  if (l === null || l.len === 0) return false;
  c.w.arrayLen(2);
  c.w.bulk(key);
  c.w.bulk(l.pop(head));
  listElementsRemoved(c, c.db, key, l, head, 1);
  return true;
}

function serveHead(c: Client, key: string): boolean { return servePop(c, key, true); }
function serveTail(c: Client, key: string): boolean { return servePop(c, key, false); }

/**
 * BLPOP / BRPOP key [key ...] timeout: [key, element] from the first
 * non-empty list, WRONGTYPE at the first non-list key met before it.
 */
function bpopGeneric(c: Client, argv: string[], serve: ServeKey): void {
  const last = argv.length - 1;
  const deadline = parseBlockTimeout(c, argv[last]);
  if (deadline < 0) return;
  serveFirstOrBlock(c, argv, 1, last - 1, deadline, ObjType.LIST, serve);
}

function blpopCommand(c: Client, argv: string[]): void { bpopGeneric(c, argv, serveHead); }
function brpopCommand(c: Client, argv: string[]): void { bpopGeneric(c, argv, serveTail); }

/**
 * BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout: LMOVE, or block
 * while the source is absent (the destination's type is only checked when
 * there is something to move).
 */
function bmoveGeneric(c: Client, argv: string[], timeoutArg: string, fromHead: boolean, toHead: boolean): void {
  const deadline = parseBlockTimeout(c, timeoutArg);
  if (deadline < 0) return;
  const src = asList(c, c.db.lookup(argv[1]));
  if (src === false) return;
  if (src !== null && src.len !== 0) {
    listMove(c, c.db, argv[1], src, argv[2], fromHead, toHead);
    return;
  }
  if (c.flags & CF.DENY_BLOCKING) {
    c.w.null();
    return;
  }
  blockForKeys(c, [argv[1]], deadline, ObjType.LIST, 'nullarray'); // Redis: any list timeout is a null array
}

function blmoveCommand(c: Client, argv: string[]): void {
  const from = whereArg(c, argv[3]);
  if (from === null) return;
  const to = whereArg(c, argv[4]);
  if (to === null) return;
  bmoveGeneric(c, argv, argv[5], from, to);
}

function brpoplpushCommand(c: Client, argv: string[]): void {
  bmoveGeneric(c, argv, argv[3], false, true);
}

/** BLMPOP timeout numkeys key... LEFT|RIGHT [COUNT count] */
function blmpopCommand(c: Client, argv: string[]): void {
  const a = parseMpop(c, argv, 2, 'left', 'right');
  if (a === null) return;
  const deadline = parseBlockTimeout(c, argv[1]);
  if (deadline < 0) return;
  if (mpopServe(c, argv, a, c.server.blocking.blockReadyKey)) return;
  if (c.flags & CF.DENY_BLOCKING) {
    c.w.nullArray();
    return;
  }
  blockForKeys(c, argv.slice(a.first, a.first + a.numkeys), deadline, ObjType.LIST, 'nullarray');
}

// --- table ------------------------------------------------------------------------

/** A single key at argv[index] with the given key-spec flags. */
function ks(index: number, lastkey: number, flags: KeySpec['flags']): KeySpec {
  return {
    flags,
    begin_search: { type: 'index', index },
    find_keys: { type: 'range', lastkey, step: 1, limit: 0 },
  };
}

const LEFT_RIGHT: readonly ArgDoc[] = [
  { name: 'left', type: 'pure-token', token: 'LEFT' },
  { name: 'right', type: 'pure-token', token: 'RIGHT' },
];
const TIMEOUT: ArgDoc = { name: 'timeout', type: 'double' };
const BPOP_ARGS: readonly ArgDoc[] = [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }, TIMEOUT];
const BPOP_KEYS: readonly KeySpec[] = [ks(1, -2, ['RW', 'access', 'delete'])];
const BMOVE_KEYS: readonly KeySpec[] = [ks(1, 0, ['RW', 'access', 'delete']), ks(2, 0, ['RW', 'insert'])];
const SRC_DST: readonly ArgDoc[] = [
  { name: 'source', type: 'key', key_spec_index: 0 },
  { name: 'destination', type: 'key', key_spec_index: 1 },
];
const TIMEOUT_HISTORY: readonly [string, string][] = [['6.0.0', '`timeout` is interpreted as a double instead of an integer.']];

export const LIST_BLOCKING_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'blpop', arity: -3, flags: ['write', 'noscript', 'blocking'], acl: ['list'],
    keySpecs: BPOP_KEYS,
    summary: 'Pop the first element of the first non-empty list among the keys, waiting for one if all are empty.',
    since: '2.0.0', group: 'list', complexity: 'O(N) where N is the number of provided keys.',
    history: TIMEOUT_HISTORY,
    arguments: BPOP_ARGS,
    handler: blpopCommand,
  },
  {
    name: 'brpop', arity: -3, flags: ['write', 'noscript', 'blocking'], acl: ['list'],
    keySpecs: BPOP_KEYS,
    summary: 'Pop the last element of the first non-empty list among the keys, waiting for one if all are empty.',
    since: '2.0.0', group: 'list', complexity: 'O(N) where N is the number of provided keys.',
    history: TIMEOUT_HISTORY,
    arguments: BPOP_ARGS,
    handler: brpopCommand,
  },
  {
    name: 'blmove', arity: 6, flags: ['write', 'denyoom', 'noscript', 'blocking'], acl: ['list'],
    keySpecs: BMOVE_KEYS,
    summary: 'Move an element from an end of one list to an end of another, waiting while the source is empty.',
    since: '6.2.0', group: 'list', complexity: 'O(1)',
    arguments: [
      ...SRC_DST,
      { name: 'wherefrom', type: 'oneof', arguments: LEFT_RIGHT },
      { name: 'whereto', type: 'oneof', arguments: LEFT_RIGHT },
      TIMEOUT,
    ],
    handler: blmoveCommand,
  },
  {
    name: 'brpoplpush', arity: 4, flags: ['write', 'denyoom', 'noscript', 'blocking'], acl: ['list'],
    keySpecs: BMOVE_KEYS,
    summary: 'Move the last element of a list to the head of another, waiting while the source is empty.',
    since: '2.2.0', group: 'list', complexity: 'O(1)',
    docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`BLMOVE` with the `RIGHT` and `LEFT` arguments',
    history: TIMEOUT_HISTORY,
    arguments: [...SRC_DST, TIMEOUT],
    handler: brpoplpushCommand,
  },
  {
    name: 'blmpop', arity: -5, flags: ['write', 'blocking'], acl: ['list'],
    keySpecs: [{
      flags: ['RW', 'access', 'delete'],
      begin_search: { type: 'index', index: 2 },
      find_keys: { type: 'keynum', keynumidx: 0, firstkey: 1, step: 1 },
    }],
    getKeys: numkeysGetKeys(2, 3),
    summary: 'Pop elements from an end of the first non-empty list among the keys, waiting for one if all are empty.',
    since: '7.0.0', group: 'list',
    complexity: 'O(N+M) where N is the number of provided keys and M is the number of elements returned.',
    arguments: [
      TIMEOUT,
      { name: 'numkeys', type: 'integer' },
      { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] },
      { name: 'where', type: 'oneof', arguments: LEFT_RIGHT },
      { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
    ],
    handler: blmpopCommand,
  },
];
