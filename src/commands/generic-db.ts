/* ==========================================================================
 * Generic (keyspace) family, part 2: commands that span databases or look
 * at the value object itself — COPY, MOVE, SWAPDB, FLUSHDB, FLUSHALL and
 * OBJECT ENCODING|REFCOUNT|IDLETIME|FREQ|HELP.
 *
 * COPY duplicates any value through RObj.dup() (strings are immutable JS
 * strings and are shared as is), so it works for every type a family adds.
 * ========================================================================== */

import { lfuDecayed, lruIdleSeconds } from '../server/evict';
import type { ArgDoc, CommandSpec } from './spec';
import type { Client } from '../server/client';
import { flushAccounts, type Db } from '../store/db';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { keyChanged, lookupRead, notify, NC } from '../server/keyspace';
import { encodingOf, FixedEncodingString, isSharedInt, type Value } from '../store/values';
import { is } from './args';
import { copyTtl, keyAt, KEYSPACE, KEYSPACE_DANGEROUS, lookupNoTouch, setMeta, signalKey } from './generic-core';

const INT_MIN = -2147483648, INT_MAX = 2147483647;
const INT_RANGE = 'ERR value is out of range, value must between -2147483648 and 2147483647';

/**
 * An int argument as Redis's getIntFromObjectOrReply: not an int64 ->
 * `notInt`; outside C int -> `outOfInt`. Returns null after replying.
 */
function intArg32(c: Client, arg: string, notInt: string, outOfInt: string): number | null {
  const n = parseInt64(arg);
  if (n === null) {
    c.error(notInt);
    return null;
  }
  if (n < INT_MIN || n > INT_MAX) {
    c.error(outOfInt);
    return null;
  }
  return n;
}

/** The Db with that number, or null after replying "DB index is out of range" (selectDb failing). */
function dbById(c: Client, id: number): Db | null {
  const dbs = c.server.dbs;
  if (id < 0 || id >= dbs.length) {
    c.error(E.DB_INDEX);
    return null;
  }
  return dbs[id];
}

/** A database index argument (COPY ... DB, MOVE): an int, then a valid number. */
function dbArg(c: Client, arg: string): Db | null {
  const id = intArg32(c, arg, E.NOT_INT, INT_RANGE);
  return id === null ? null : dbById(c, id);
}

// --- COPY / MOVE -----------------------------------------------------------------

/**
 * COPY source destination [DB db] [REPLACE]: options are parsed left to
 * right (the first bad one decides the error). The source is read with a
 * read lookup (stats), the destination with a write lookup; the copy gets a
 * fresh LRU clock and the source's TTL. One write, event copy_to.
 */
function copyCommand(c: Client, argv: string[]): void {
  const src = c.db;
  let dst = src;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    const a = argv[j];
    if (is(a, 'replace')) {
      replace = true;
    } else if (is(a, 'db') && j + 1 < argv.length) {
      const d = dbArg(c, argv[++j]);
      if (d === null) return;
      dst = d;
    } else {
      c.error(E.SYNTAX);
      return;
    }
  }
  const key = argv[1], newkey = argv[2];
  if (src === dst && key === newkey) {
    c.error(E.SAME_OBJECT);
    return;
  }
  const v = lookupRead(c, key);
  if (v === undefined) {
    c.w.int(0);
    return;
  }
  if (dst.lookup(newkey) !== undefined) {
    if (!replace) {
      c.w.int(0);
      return;
    }
    dst.delete(newkey);
  }
  // A shared small integer is copied into a private int object (refcount 1), as Redis does.
  const copy: Value = typeof v === 'string' ? (isSharedInt(v) ? new FixedEncodingString(v, 'int') : v) : v.dup();
  dst.add(newkey, copy);
  copyTtl(src, key, dst, newkey);
  keyChanged(c, dst, newkey, NC.GENERIC, 'copy_to');
  c.w.int(1);
}

/**
 * MOVE key db: move the value object (with TTL and LRU age) to another
 * database unless the key exists there. One write; both keys signalled;
 * events move_from (source db) then move_to (target db).
 */
function moveCommand(c: Client, argv: string[]): void {
  const src = c.db;
  const dst = dbArg(c, argv[2]);
  if (dst === null) return;
  if (src === dst) {
    c.error(E.SAME_OBJECT);
    return;
  }
  const key = argv[1];
  const v = src.lookup(key);
  if (v === undefined || dst.lookup(key) !== undefined) {
    c.w.int(0);
    return;
  }
  flushAccounts(); // stored in both databases for a moment: see RENAME
  dst.add(key, v);
  setMeta(dst, key, src.getMeta(key));
  copyTtl(src, key, dst, key);
  src.delete(key);
  keyChanged(c, src, key, NC.GENERIC, 'move_from');
  signalKey(c, dst, key);
  notify(c, dst, key, NC.GENERIC, 'move_to');
  c.w.int(1);
}

// --- SWAPDB ------------------------------------------------------------------------

/**
 * SWAPDB index1 index2: exchange the data of two databases. We swap the
 * *contents* (Db.swapContents), not the Db objects: clients keep pointing
 * at the Db of the number they selected and now see the other data, and
 * per-db state that belongs to the number (blocked and watched keys) stays
 * put — exactly Redis's dbSwapDatabases. The `swapped` hooks run after the
 * exchange (WATCH: a watched key is touched if it exists in either db, a
 * symmetric test; blocking: keys may have become ready). Swapping a db with
 * itself is a no-op that still counts as a write.
 */
function swapdbCommand(c: Client, argv: string[]): void {
  const id1 = intArg32(c, argv[1], 'ERR invalid first DB index', 'ERR invalid first DB index');
  if (id1 === null) return;
  const id2 = intArg32(c, argv[2], 'ERR invalid second DB index', 'ERR invalid second DB index');
  if (id2 === null) return;
  const a = dbById(c, id1);
  if (a === null) return;
  const b = dbById(c, id2);
  if (b === null) return;
  if (a !== b) {
    a.swapContents(b);
    const hooks = c.server.keyHooks.swapped;
    for (let i = 0; i < hooks.length; i++) hooks[i](a, b);
  }
  c.server.dirty++;
  c.w.ok();
}

// --- FLUSHDB / FLUSHALL ---------------------------------------------------------

/**
 * The flush mode: SYNC, ASYNC, or (no argument) lazyfree-lazy-user-flush.
 * Returns null after replying a syntax error.
 */
function flushLazily(c: Client, argv: string[]): boolean | null {
  if (argv.length === 1) return c.server.config.lazyfreeLazyUserFlush;
  if (argv.length === 2 && is(argv[1], 'sync')) return false;
  if (argv.length === 2 && is(argv[1], 'async')) return true;
  c.error(E.SYNTAX);
  return null;
}

/**
 * Empty `dbs`, telling the `flushed` hooks first (Redis's signalFlushedDb:
 * WATCH must see the keys that existed, tracking sends one invalidate-all).
 * There is no per-key signal or event, as in Redis. Both modes cost O(1) on
 * the command path: Db.clear() swaps in fresh tables and the old ones
 * become garbage that V8 reclaims incrementally and concurrently, which is
 * what ASYNC (a background free) achieves in Redis; SYNC cannot free
 * anything sooner in a garbage-collected heap. Returns the keys removed.
 */
function flushDbs(c: Client, dbs: readonly Db[], lazy: boolean): number {
  const hooks = c.server.keyHooks.flushed;
  for (let i = 0; i < hooks.length; i++) hooks[i](dbs, lazy);
  let removed = 0;
  for (let i = 0; i < dbs.length; i++) removed += dbs[i].clear();
  return removed;
}

/** FLUSHDB [ASYNC|SYNC]: dirty grows by the number of keys removed. */
function flushdbCommand(c: Client, argv: string[]): void {
  const lazy = flushLazily(c, argv);
  if (lazy === null) return;
  c.server.dirty += flushDbs(c, [c.db], lazy);
  c.w.ok();
}

/**
 * FLUSHALL [ASYNC|SYNC]: dirty grows by the number of keys removed (Redis
 * 7.0 propagates the command even when nothing was removed, without a
 * dirty++). Redis also writes an RDB snapshot here when save points are
 * configured (resetting dirty); that belongs to the persistence layer,
 * which Respite does not have yet.
 */
function flushallCommand(c: Client, argv: string[]): void {
  const lazy = flushLazily(c, argv);
  if (lazy === null) return;
  const srv = c.server;
  srv.dirty += flushDbs(c, srv.dbs, lazy);
  c.w.ok();
}

// --- OBJECT ------------------------------------------------------------------------

/**
 * OBJECT's key lookup (LOOKUP_NOTOUCH|LOOKUP_NONOTIFY): expires the key and
 * counts a hit/miss, but never updates its LRU clock, so OBJECT IDLETIME
 * does not reset what it measures. Replies null when the key is missing.
 */
function objectLookup(c: Client, key: string): Value | undefined {
  const v = lookupNoTouch(c, key, false); // no "keymiss" event for OBJECT (LOOKUP_NONOTIFY)
  if (v === undefined) c.w.null();
  return v;
}

function objectEncodingCommand(c: Client, argv: string[]): void {
  const v = objectLookup(c, argv[2]);
  if (v !== undefined) c.w.bulk(encodingOf(v));
}

/**
 * OBJECT REFCOUNT: Respite has no reference counts; it reports what Redis
 * reports for the same value: 2147483647 (OBJ_SHARED_REFCOUNT) for the
 * shared small integers (not for a COPY of one: see FixedEncodingString), 1 for
 * everything else.
 */
function objectRefcountCommand(c: Client, argv: string[]): void {
  const v = objectLookup(c, argv[2]);
  if (v === undefined) return;
  c.w.int(isSharedInt(v) ? INT_MAX : 1);
}

/** Redis's note appended to both policy-mismatch errors of OBJECT IDLETIME / FREQ. */
const POLICY_SWITCH_NOTE =
  'Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

/**
 * OBJECT IDLETIME: seconds since the last access, from the 24-bit LRU
 * clock (seconds) kept in the entry's metadata word, with the clock's
 * wrap-around handled as Redis's estimateObjectIdleTime does. Refused
 * (after the lookup) under an LFU policy, whose words hold counters.
 */
function objectIdletimeCommand(c: Client, argv: string[]): void {
  const key = argv[2];
  const v = objectLookup(c, key);
  if (v === undefined) return;
  if (c.server.lfu) {
    c.error('ERR An LFU maxmemory policy is selected, idle time not tracked. ' + POLICY_SWITCH_NOTE);
    return;
  }
  c.w.int(lruIdleSeconds(c.db.getMeta(key), c.server.lruClock));
}

/**
 * OBJECT FREQ: the key's LFU counter after decay (no increment), only
 * under an LFU maxmemory-policy; refused (after the lookup) otherwise.
 */
function objectFreqCommand(c: Client, argv: string[]): void {
  const key = argv[2];
  const v = objectLookup(c, key);
  if (v === undefined) return;
  const srv = c.server;
  if (!srv.lfu) {
    c.error('ERR An LFU maxmemory policy is not selected, access frequency not tracked. ' + POLICY_SWITCH_NOTE);
    return;
  }
  c.w.int(lfuDecayed(c.db.getMeta(key), srv.now, srv.config.lfuDecayTime));
}

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
];

/** OBJECT HELP: Redis's addReplyHelp layout (header names the command as typed, upper-cased). */
function objectHelpCommand(c: Client, argv: string[]): void {
  c.w.arrayLen(OBJECT_HELP.length + 1);
  c.w.simple(`${argv[0].toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`);
  for (let i = 0; i < OBJECT_HELP.length; i++) c.w.simple(OBJECT_HELP[i]);
}

// --- table ----------------------------------------------------------------------

const FLUSH_ARGS: readonly ArgDoc[] = [{
  name: 'async', type: 'oneof', flags: ['optional'],
  arguments: [
    { name: 'async', type: 'pure-token', token: 'ASYNC', since: '4.0.0' },
    { name: 'sync', type: 'pure-token', token: 'SYNC', since: '6.2.0' },
  ],
}];
const FLUSH_HISTORY: readonly (readonly [string, string])[] = [
  ['4.0.0', 'Added the `ASYNC` flushing mode modifier.'],
  ['6.2.0', 'Added the `SYNC` flushing mode modifier.'],
];
const ALL_SHARDS_SUCCEEDED = ['request_policy:all_shards', 'response_policy:all_succeeded'];
const OBJECT_KEY_ARG: readonly ArgDoc[] = [{ name: 'key', type: 'key', key_spec_index: 0 }];

/** OBJECT subcommands reading the key at argv[2]. */
function objectKeySub(name: string, summary: string, since: string, handler: (c: Client, argv: string[]) => void): CommandSpec {
  return {
    name, arity: 3, flags: ['readonly'], acl: KEYSPACE, tips: ['nondeterministic_output'],
    keySpecs: [keyAt(2, ['RO'])],
    summary, since, group: 'generic', complexity: 'O(1)',
    arguments: OBJECT_KEY_ARG,
    handler,
  };
}

export const GENERIC_DB_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'copy', arity: -3, flags: ['write', 'denyoom'], acl: KEYSPACE,
    keySpecs: [keyAt(1, ['RO', 'access']), keyAt(2, ['OW', 'update'])],
    summary: 'Duplicate the value of a key under another name, possibly in another database.', since: '6.2.0',
    group: 'generic',
    complexity: 'O(N) worst case for collections, where N is the number of nested items. O(1) for string values.',
    arguments: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      { name: 'destination-db', type: 'integer', token: 'DB', flags: ['optional'] },
      { name: 'replace', type: 'pure-token', token: 'REPLACE', flags: ['optional'] },
    ],
    handler: copyCommand,
  },
  {
    name: 'move', arity: 3, flags: ['write', 'fast'], acl: KEYSPACE,
    keySpecs: [keyAt(1, ['RW', 'access', 'update'])],
    summary: 'Transfer a key to another database.', since: '1.0.0', group: 'generic', complexity: 'O(1)',
    arguments: [{ name: 'key', type: 'key', key_spec_index: 0 }, { name: 'db', type: 'integer' }],
    handler: moveCommand,
  },
  {
    name: 'swapdb', arity: 3, flags: ['write', 'fast'], acl: KEYSPACE_DANGEROUS,
    summary: 'Exchange the contents of two databases.', since: '4.0.0', group: 'server',
    complexity: 'O(N) where N is the count of clients watching or blocking on keys from both databases.',
    arguments: [{ name: 'index1', type: 'integer' }, { name: 'index2', type: 'integer' }],
    handler: swapdbCommand,
  },
  {
    name: 'flushdb', arity: -1, flags: ['write'], acl: KEYSPACE_DANGEROUS, tips: ALL_SHARDS_SUCCEEDED,
    summary: 'Delete every key of the current database.', since: '1.0.0', group: 'server',
    complexity: 'O(N) where N is the number of keys in the selected database',
    history: FLUSH_HISTORY,
    arguments: FLUSH_ARGS,
    handler: flushdbCommand,
  },
  {
    name: 'flushall', arity: -1, flags: ['write'], acl: KEYSPACE_DANGEROUS, tips: ALL_SHARDS_SUCCEEDED,
    summary: 'Delete every key of every database.', since: '1.0.0', group: 'server',
    complexity: 'O(N) where N is the total number of keys in all databases',
    history: FLUSH_HISTORY,
    arguments: FLUSH_ARGS,
    handler: flushallCommand,
  },
  {
    name: 'object', arity: -2, flags: [],
    summary: 'Inspect how the server stores a key\'s value.', since: '2.2.3', group: 'generic',
    complexity: 'Depends on subcommand.',
    subcommands: [
      objectKeySub('encoding', 'Report the internal representation of a key\'s value.', '2.2.3', objectEncodingCommand),
      objectKeySub('idletime', 'Report the seconds since a key was last accessed.', '2.2.3', objectIdletimeCommand),
      {
        name: 'help', arity: 2, flags: ['loading', 'stale'], acl: KEYSPACE,
        summary: 'List the OBJECT subcommands.', since: '6.2.0', group: 'generic', complexity: 'O(1)',
        handler: objectHelpCommand,
      },
      objectKeySub('freq', 'Report the logarithmic access-frequency counter of a key.', '4.0.0', objectFreqCommand),
      objectKeySub('refcount', 'Report how many references the value of a key has.', '2.2.3', objectRefcountCommand),
    ],
  },
];
