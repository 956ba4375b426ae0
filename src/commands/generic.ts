/* ==========================================================================
 * Generic (keyspace) family, part 1: DEL, UNLINK, EXISTS, TYPE, TOUCH,
 * RANDOMKEY, DBSIZE, KEYS, SCAN, RENAME, RENAMENX.
 * Part 2 (generic-db.ts): COPY, MOVE, SWAPDB, FLUSHDB, FLUSHALL, OBJECT.
 *
 * These commands work on keys whatever their type, so they only touch the
 * Value through type-agnostic helpers (typeOf, encodingOf, RObj.dup). Each
 * lookup uses the flavour Redis uses for the same command (see
 * generic-core.ts), because the flavour is observable.
 * ========================================================================== */

import type { ArgDoc, CommandSpec } from './spec';
import type { Client } from '../server/client';
import { flushAccounts, type Db } from '../store/db';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { keyChanged, lookupRead, notify, NC } from '../server/keyspace';
import type { Dict } from '../store/dict';
import { GlobMatcher } from '../store/glob';
import { is } from './args';
import {
  allKeys, copyTtl, keyAt, KEYSPACE, KEYSPACE_DANGEROUS, lookupNoTouch, setMeta, signalKey, typeName,
} from './generic-core';
import { GENERIC_DB_COMMANDS } from './generic-db';

// --- DEL / UNLINK / EXISTS / TYPE / TOUCH --------------------------------------

/**
 * DEL and UNLINK (Redis's delGenericCommand): expired keys are expired
 * first (an "expired" event, not counted as deleted). Values are freed by
 * the GC either way, so lazyfree-lazy-user-del / UNLINK change nothing here:
 * dropping the reference is already O(1) on the command path.
 */
function delCommand(c: Client, argv: string[]): void {
  const db = c.db;
  let n = 0;
  for (let j = 1; j < argv.length; j++) {
    const key = argv[j];
    db.expireIfNeeded(key);
    if (db.delete(key)) {
      keyChanged(c, db, key, NC.GENERIC, 'del');
      n++;
    }
  }
  c.w.int(n);
}

/** EXISTS key...: counts every argument that exists, so repeated keys count again. */
function existsCommand(c: Client, argv: string[]): void {
  let n = 0;
  for (let j = 1; j < argv.length; j++) if (lookupNoTouch(c, argv[j]) !== undefined) n++;
  c.w.int(n);
}

function typeCommand(c: Client, argv: string[]): void {
  const v = lookupNoTouch(c, argv[1]);
  c.w.simple(v === undefined ? 'none' : typeName(v));
}

/** TOUCH key...: a read lookup per argument (updates LRU); replies how many exist. */
function touchCommand(c: Client, argv: string[]): void {
  let n = 0;
  for (let j = 1; j < argv.length; j++) if (lookupRead(c, argv[j]) !== undefined) n++;
  c.w.int(n);
}

function randomkeyCommand(c: Client): void {
  const k = c.db.randomKey();
  if (k === null) c.w.null();
  else c.w.bulk(k);
}

/** DBSIZE: every key in the table, including expired keys not yet reclaimed (as Redis). */
function dbsizeCommand(c: Client): void {
  c.w.int(c.db.size);
}

// --- KEYS / SCAN ---------------------------------------------------------------

/** True if the key is past its deadline (Redis: now > when), without deleting it. */
function isExpired(db: Db, key: string, now: number): boolean {
  const when = db.expires.get(key);
  return when !== undefined && when < now;
}

/**
 * KEYS pattern: every key matching the glob, skipping logically expired
 * keys without deleting them (Redis's keyIsExpired). "*" skips matching.
 */
function keysCommand(c: Client, argv: string[]): void {
  const db = c.db;
  const dict = db.dict;
  const pattern = argv[1];
  const m = pattern === '*' ? null : new GlobMatcher(pattern);
  const volatile = db.expires.size !== 0;
  const now = c.server.now;
  const out: string[] = [];
  const n = dict.slots;
  for (let i = 0; i < n; i++) {
    const k = dict.keyAt(i);
    if (k === null) continue;
    if (m !== null && !m.matches(k)) continue;
    if (volatile && isExpired(db, k, now)) continue;
    out.push(k);
  }
  c.w.bulkArray(out);
}

const ULONG_MAX = (1n << 64n) - 1n;

/**
 * Parse a SCAN cursor as Redis does with strtoul(): optional sign, decimal
 * digits, a negative value wraps modulo 2^64, a value beyond 2^64-1 or a
 * leading space or trailing garbage is invalid. Like the C code, "" (no
 * digits, nothing after) is cursor 0, and parsing stops at a NUL byte.
 * Returns the cursor's low 32 bits (Dict tables never exceed 2^32 buckets,
 * and Redis's own dictScan discards the bits above the table mask on the
 * first step, so the high bits cannot change the result), or -1 if invalid.
 */
export function parseScanCursor(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  const c0 = s.charCodeAt(0);
  if (c0 === 32 || (c0 >= 9 && c0 <= 13)) return -1;
  let i = 0;
  let neg = false;
  if (c0 === 43 || c0 === 45) {
    neg = c0 === 45;
    i = 1;
  }
  const start = i;
  while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === start) return c0 === 0 ? 0 : -1; // no conversion: end pointer is the start
  if (i < n && s.charCodeAt(i) !== 0) return -1;
  let v = BigInt(s.slice(start, i));
  if (v > ULONG_MAX) return -1;
  if (neg) v = (ULONG_MAX + 1n - v) & ULONG_MAX;
  return Number(v & 0xffffffffn);
}

/** SCAN-family options: COUNT (default 10), MATCH pattern, TYPE (SCAN only). */
export interface ScanOptions {
  count: number;
  pattern: string | null;
  type: string | null;
}

/**
 * Parse [MATCH pattern] [COUNT count] [TYPE type] from argv[from..] as
 * Redis's scanGenericCommand does (one parser for SCAN, HSCAN, SSCAN and
 * ZSCAN): a non-integer COUNT is "not an integer", COUNT < 1 and any
 * unknown or dangling token are syntax errors; TYPE only when `allowType`.
 * Returns null after replying the error.
 */
export function parseScanOptions(c: Client, argv: string[], from: number, allowType: boolean): ScanOptions | null {
  const o: ScanOptions = { count: 10, pattern: null, type: null };
  for (let i = from; i < argv.length; i += 2) {
    const a = argv[i];
    const more = i + 1 < argv.length;
    if (more && is(a, 'count')) {
      const n = parseInt64(argv[i + 1]);
      if (n === null) {
        c.error(E.NOT_INT);
        return null;
      }
      if (n < 1) {
        c.error(E.SYNTAX);
        return null;
      }
      o.count = n;
    } else if (more && is(a, 'match')) {
      o.pattern = argv[i + 1];
    } else if (allowType && more && is(a, 'type')) {
      o.type = argv[i + 1].toLowerCase();
    } else {
      c.error(E.SYNTAX);
      return null;
    }
  }
  return o;
}

/** The reply of HSCAN/SSCAN/ZSCAN on a missing key: cursor "0" and no elements. */
export function replyEmptyScan(c: Client): void {
  c.w.arrayLen(2);
  c.w.bulk('0');
  c.w.arrayLen(0);
}

/** Parse the cursor of SCAN/HSCAN/SSCAN/ZSCAN; -1 after replying "invalid cursor". */
export function scanCursorArg(c: Client, s: string): number {
  const cursor = parseScanCursor(s);
  if (cursor < 0) c.error('ERR invalid cursor');
  return cursor;
}

/** COMMAND DOCS arguments shared by the SCAN family: cursor [MATCH pattern] [COUNT count]. */
const SCAN_ARGS: readonly ArgDoc[] = [
  { name: 'cursor', type: 'integer' },
  { name: 'pattern', type: 'pattern', token: 'MATCH', flags: ['optional'] },
  { name: 'count', type: 'integer', token: 'COUNT', flags: ['optional'] },
];
/** Arguments of HSCAN, SSCAN and ZSCAN: key cursor [MATCH pattern] [COUNT count]. */
export const KEY_SCAN_ARGS: readonly ArgDoc[] = [{ name: 'key', type: 'key', key_spec_index: 0 }, ...SCAN_ARGS];
/** Complexity text of HSCAN, SSCAN and ZSCAN (Redis's, with its double period). */
export const KEY_SCAN_COMPLEXITY = 'O(1) for every call. O(N) for a complete iteration, including enough command ' +
  'calls for the cursor to return back to 0. N is the number of elements inside the collection..';

/** A field/value collection HSCAN and ZSCAN walk: a listpack (dict null) or a dict. */
export interface PairSource<V> {
  readonly dict: Dict<V> | null;
  pairs(ks: string[], vs: V[]): void;
}

/**
 * The HSCAN/ZSCAN step once the key was found: parse the options from
 * argv[3] (null after replying their error), then collect pairs into
 * ks / vs: a listpack whole (next cursor 0), a dict bucket by bucket from
 * `cursor` until 2*pairs >= COUNT (Redis counts keys and values), the walk
 * wraps, or 10*COUNT buckets were visited. Returns the next cursor and the
 * MATCH pattern, for replyScanPairs.
 */
export function collectScanPairs<V>(c: Client, argv: string[], cursor: number, src: PairSource<V>, ks: string[],
  vs: V[]): { next: number; pattern: string | null } | null {
  const opts = parseScanOptions(c, argv, 3, false);
  if (opts === null) return null;
  const d = src.dict;
  if (d === null) {
    src.pairs(ks, vs);
    return { next: 0, pattern: opts.pattern };
  }
  let next = cursor;
  let maxIterations = opts.count * 10;
  do {
    next = d.scan(next, ks, vs);
  } while (next !== 0 && maxIterations-- !== 0 && ks.length * 2 < opts.count);
  return { next, pattern: opts.pattern };
}

/**
 * Reply an HSCAN/ZSCAN result: [next, [k, v, ...]] with only the pairs
 * whose key matches `pattern` (null or "*" keeps all).
 */
export function replyScanPairs(c: Client, next: number, ks: readonly string[], vs: readonly string[],
  pattern: string | null): void {
  const m = pattern === null || pattern === '*' ? null : new GlobMatcher(pattern);
  let kept = ks.length;
  if (m !== null) {
    kept = 0;
    for (let i = 0; i < ks.length; i++) if (m.matches(ks[i])) kept++;
  }
  c.w.arrayLen(2);
  c.w.bulk(String(next));
  c.w.arrayLen(kept * 2);
  for (let i = 0; i < ks.length; i++) {
    if (m !== null && !m.matches(ks[i])) continue;
    c.w.bulk(ks[i]);
    c.w.bulk(vs[i]);
  }
}

/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] (Redis's
 * scanGenericCommand for the keyspace): walk buckets with the dict's
 * reverse-binary cursor until COUNT keys were collected, the walk wrapped,
 * or 10*COUNT buckets were visited; then filter by pattern, by type (a
 * no-touch read lookup, so it counts hits/misses and may expire the key),
 * and drop expired keys (deleting them).
 */
function scanCommand(c: Client, argv: string[]): void {
  const cursor = scanCursorArg(c, argv[1]);
  if (cursor < 0) return;
  const opts = parseScanOptions(c, argv, 2, true);
  if (opts === null) return;
  const { count, pattern, type } = opts;
  const db = c.db;
  const keys: string[] = [];
  let next = cursor;
  let maxIterations = count * 10;
  do {
    next = db.dict.scan(next, keys);
  } while (next !== 0 && maxIterations-- !== 0 && keys.length < count);

  const m = pattern === null || pattern === '*' ? null : new GlobMatcher(pattern);
  let kept = 0;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (m !== null && !m.matches(k)) continue;
    if (type !== null) {
      const v = lookupNoTouch(c, k);
      if ((v === undefined ? 'none' : typeName(v)) !== type) continue;
    }
    if (db.expireIfNeeded(k)) continue;
    keys[kept++] = k;
  }
  keys.length = kept;
  c.w.arrayLen(2);
  c.w.bulk(String(next));
  c.w.bulkArray(keys);
}

// --- RENAME / RENAMENX -----------------------------------------------------------

/**
 * RENAME / RENAMENX (Redis's renameGenericCommand). The value object moves
 * with its TTL and access metadata; an existing destination is overwritten
 * (RENAME) or makes RENAMENX reply 0. Renaming a key onto itself is a no-op
 * that still requires the key to exist. One write counted, both keys
 * signalled, events rename_from then rename_to.
 */
function renameGeneric(c: Client, argv: string[], nx: boolean): void {
  const db = c.db;
  const src = argv[1], dst = argv[2];
  const v = db.lookup(src);
  if (v === undefined) {
    c.error(E.NO_KEY);
    return;
  }
  if (src === dst) {
    if (nx) c.w.int(0);
    else c.w.ok();
    return;
  }
  if (db.lookup(dst) !== undefined) {
    if (nx) {
      c.w.int(0);
      return;
    }
    db.delete(dst);
  }
  const meta = db.getMeta(src);
  // The value is briefly stored under both names: settle its memory charge
  // first so the source releases exactly what the destination charges.
  flushAccounts();
  db.add(dst, v);
  setMeta(db, dst, meta);
  copyTtl(db, src, db, dst);
  db.delete(src);
  keyChanged(c, db, src, NC.GENERIC, 'rename_from');
  signalKey(c, db, dst);
  notify(c, db, dst, NC.GENERIC, 'rename_to');
  if (nx) c.w.int(1);
  else c.w.ok();
}

function renameCommand(c: Client, argv: string[]): void {
  renameGeneric(c, argv, false);
}

function renamenxCommand(c: Client, argv: string[]): void {
  renameGeneric(c, argv, true);
}

// --- table ----------------------------------------------------------------------

const MULTI_SHARD_SUM = ['request_policy:multi_shard', 'response_policy:agg_sum'];

const KEYS_ARG: readonly ArgDoc[] = [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }];
const KEY_ARG: readonly ArgDoc[] = [{ name: 'key', type: 'key', key_spec_index: 0 }];
const RENAME_ARGS: readonly ArgDoc[] = [
  { name: 'key', type: 'key', key_spec_index: 0 },
  { name: 'newkey', type: 'key', key_spec_index: 1 },
];

const LOCAL_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'del', arity: -2, flags: ['write'], acl: KEYSPACE, tips: MULTI_SHARD_SUM,
    keySpecs: [allKeys(['RM', 'delete'])],
    summary: 'Remove one or more keys.', since: '1.0.0', group: 'generic',
    complexity: 'O(N) where N is the number of keys that will be removed. When a key to remove holds a value other ' +
      'than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, ' +
      'set, sorted set or hash. Removing a single key that holds a string value is O(1).',
    arguments: KEYS_ARG,
    handler: delCommand,
  },
  {
    name: 'unlink', arity: -2, flags: ['write', 'fast'], acl: KEYSPACE, tips: MULTI_SHARD_SUM,
    keySpecs: [allKeys(['RM', 'delete'])],
    summary: 'Remove keys, reclaiming their memory in the background.', since: '4.0.0', group: 'generic',
    complexity: 'O(1) for each key removed regardless of its size. Then the command does O(N) work in a different ' +
      'thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.',
    arguments: KEYS_ARG,
    handler: delCommand,
  },
  {
    name: 'exists', arity: -2, flags: ['readonly', 'fast'], acl: KEYSPACE, tips: MULTI_SHARD_SUM,
    keySpecs: [allKeys(['RO'])],
    summary: 'Count how many of the given keys exist.', since: '1.0.0', group: 'generic',
    complexity: 'O(N) where N is the number of keys to check.',
    history: [['3.0.3', 'Accepts multiple `key` arguments.']],
    arguments: KEYS_ARG,
    handler: existsCommand,
  },
  {
    name: 'type', arity: 2, flags: ['readonly', 'fast'], acl: KEYSPACE,
    keySpecs: [keyAt(1, ['RO'])],
    summary: 'Report the data type of the value at a key.', since: '1.0.0', group: 'generic', complexity: 'O(1)',
    arguments: KEY_ARG,
    handler: typeCommand,
  },
  {
    name: 'rename', arity: 3, flags: ['write'], acl: KEYSPACE,
    keySpecs: [keyAt(1, ['RW', 'access', 'delete']), keyAt(2, ['OW', 'update'])],
    summary: 'Give a key a new name, replacing any key that had it.', since: '1.0.0', group: 'generic',
    complexity: 'O(1)',
    arguments: RENAME_ARGS,
    handler: renameCommand,
  },
  {
    name: 'renamenx', arity: 3, flags: ['write', 'fast'], acl: KEYSPACE,
    keySpecs: [keyAt(1, ['RW', 'access', 'delete']), keyAt(2, ['OW', 'insert'])],
    summary: 'Give a key a new name unless that name is already taken.', since: '1.0.0', group: 'generic',
    complexity: 'O(1)',
    history: [['3.2.0', 'The command no longer returns an error when source and destination names are the same.']],
    arguments: RENAME_ARGS,
    handler: renamenxCommand,
  },
  {
    name: 'touch', arity: -2, flags: ['readonly', 'fast'], acl: KEYSPACE, tips: MULTI_SHARD_SUM,
    keySpecs: [allKeys(['RO'])],
    summary: 'Mark keys as just accessed; replies how many of them exist.', since: '3.2.1', group: 'generic',
    complexity: 'O(N) where N is the number of keys that will be touched.',
    arguments: KEYS_ARG,
    handler: touchCommand,
  },
  {
    name: 'randomkey', arity: 1, flags: ['readonly'], acl: KEYSPACE,
    tips: ['request_policy:all_shards', 'nondeterministic_output'],
    summary: 'Pick a key of the current database at random.', since: '1.0.0', group: 'generic', complexity: 'O(1)',
    handler: randomkeyCommand,
  },
  {
    name: 'keys', arity: 2, flags: ['readonly'], acl: KEYSPACE_DANGEROUS,
    tips: ['request_policy:all_shards', 'nondeterministic_output_order'],
    summary: 'List every key whose name matches a glob pattern.', since: '1.0.0', group: 'generic',
    complexity: 'O(N) with N being the number of keys in the database, under the assumption that the key names in ' +
      'the database and the given pattern have limited length.',
    arguments: [{ name: 'pattern', type: 'pattern' }],
    handler: keysCommand,
  },
  {
    name: 'scan', arity: -2, flags: ['readonly'], acl: KEYSPACE,
    tips: ['nondeterministic_output', 'request_policy:special'],
    summary: 'Walk the keys of the current database a few at a time with a cursor.', since: '2.8.0',
    group: 'generic',
    complexity: 'O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor ' +
      'to return back to 0. N is the number of elements inside the collection.',
    history: [['6.0.0', 'Added the `TYPE` subcommand.']],
    arguments: [...SCAN_ARGS, { name: 'type', type: 'string', token: 'TYPE', since: '6.0.0', flags: ['optional'] }],
    handler: scanCommand,
  },
  {
    name: 'dbsize', arity: 1, flags: ['readonly', 'fast'], acl: KEYSPACE, tips: ['request_policy:all_shards', 'response_policy:agg_sum'],
    summary: 'Count the keys of the current database.', since: '1.0.0', group: 'server', complexity: 'O(1)',
    handler: dbsizeCommand,
  },
];

export const GENERIC_COMMANDS: readonly CommandSpec[] = [...LOCAL_COMMANDS, ...GENERIC_DB_COMMANDS];
