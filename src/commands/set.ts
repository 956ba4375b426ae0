/* ==========================================================================
 * Set family (Redis's t_set.c): SADD, SREM, SMEMBERS, SISMEMBER,
 * SMISMEMBER, SCARD, SPOP, SRANDMEMBER, SMOVE, SSCAN here; the multi-set
 * operations (SINTER*, SUNION*, SDIFF*) live in set-ops.ts.
 *
 * Values are SetValue objects (store/set.ts) with Redis 7.0's two encodings
 * (intset / hashtable). Empty sets are deleted from the keyspace at once,
 * with a "del" event after the command's own event, as Redis does.
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64, parseInt64Big } from '../protocol/numbers';
import { keyChanged, lookupRead, notify, NC } from '../server/keyspace';
import { GlobMatcher } from '../store/glob';
import { SetValue } from '../store/set';
import {
  KEY_SCAN_ARGS, KEY_SCAN_COMPLEXITY, parseScanOptions, replyEmptyScan, scanCursorArg,
} from './generic';
import { SET_OPS_COMMANDS, asSet, replySet, ksAt } from './set-ops';

// --- shared helpers -------------------------------------------------------------

/** Delete `key` if its set became empty ("del" event, as Redis does after the command's own event). */
function deleteIfEmpty(c: Client, key: string, s: SetValue): void {
  if (s.size !== 0) return;
  c.db.delete(key);
  notify(c, c.db, key, NC.GENERIC, 'del');
}

// --- SADD / SREM ----------------------------------------------------------------

/** SADD key member...: number of new members; creates the set with the encoding of its first member. */
function saddCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  let s = asSet(c, db.lookup(key));
  if (s === false) return;
  if (s === undefined) {
    s = new SetValue(argv[2]);
    db.add(key, s);
  }
  const max = c.server.config.setMaxIntsetEntries;
  let added = 0;
  for (let j = 2; j < argv.length; j++) if (s.add(argv[j], max)) added++;
  if (added > 0) {
    keyChanged(c, db, key, NC.SET, 'sadd');
    c.server.dirty += added - 1; // Redis counts one change per new member
  }
  c.w.int(added);
}

/** SREM key member...: number removed; an emptied set is deleted ("srem" then "del"). */
function sremCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const s = asSet(c, c.db.lookup(key));
  if (s === false) return;
  if (s === undefined) {
    c.w.int(0);
    return;
  }
  let removed = 0;
  for (let j = 2; j < argv.length && s.size > 0; j++) if (s.remove(argv[j])) removed++;
  if (removed > 0) {
    keyChanged(c, c.db, key, NC.SET, 'srem');
    c.server.dirty += removed - 1; // one change per removed member, as Redis counts
    deleteIfEmpty(c, key, s);
  }
  c.w.int(removed);
}

// --- read-only queries ---------------------------------------------------------------

function smembersCommand(c: Client, argv: string[]): void {
  const s = asSet(c, lookupRead(c, argv[1]));
  if (s === false) return;
  if (s === undefined) c.w.setLen(0);
  else replySet(c, s.members());
}

function sismemberCommand(c: Client, argv: string[]): void {
  const s = asSet(c, lookupRead(c, argv[1]));
  if (s === false) return;
  c.w.int(s !== undefined && s.has(argv[2]) ? 1 : 0);
}

/** SMISMEMBER key member...: one 0/1 per member (all 0 for a missing key). */
function smismemberCommand(c: Client, argv: string[]): void {
  const s = asSet(c, lookupRead(c, argv[1]));
  if (s === false) return;
  c.w.arrayLen(argv.length - 2);
  for (let j = 2; j < argv.length; j++) c.w.int(s !== undefined && s.has(argv[j]) ? 1 : 0);
}

function scardCommand(c: Client, argv: string[]): void {
  const s = asSet(c, lookupRead(c, argv[1]));
  if (s === false) return;
  c.w.int(s === undefined ? 0 : s.size);
}

// --- SPOP / SRANDMEMBER ---------------------------------------------------------------

/**
 * `count` distinct random members of `s` (count < size). Few picks sample
 * at random with a dedup set; many picks shuffle a snapshot partially.
 */
function distinctRandom(s: SetValue, count: number): string[] {
  if (count * 3 > s.size) {
    const all = s.members();
    for (let i = 0; i < count; i++) {
      const j = i + ((Math.random() * (all.length - i)) | 0);
      const t = all[i]; all[i] = all[j]; all[j] = t;
    }
    all.length = count;
    return all;
  }
  const seen = new Set<string>();
  while (seen.size < count) seen.add(s.random());
  return [...seen];
}

/**
 * SPOP key [count]. Without count: one random member removed (nil if none).
 * With count (non-negative; any bad value is "must be positive"): a RESP3
 * set of up to count removed members; asking for the whole set returns it
 * in iteration order and deletes the key. Events "spop" then "del".
 */
function spopCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  if (argv.length > 3) {
    c.error(E.SYNTAX);
    return;
  }
  if (argv.length === 3) {
    const n = parseInt64(argv[2]);
    if (n === null || n < 0) {
      c.error(E.POSITIVE);
      return;
    }
    const s = asSet(c, db.lookup(key));
    if (s === false) return;
    if (s === undefined || n === 0) {
      c.w.setLen(0);
      return;
    }
    keyChanged(c, db, key, NC.SET, 'spop');
    c.server.dirty += Math.min(n, s.size) - 1; // one change per popped member, as Redis counts
    if (n >= s.size) {
      replySet(c, s.members());
      db.delete(key);
      notify(c, db, key, NC.GENERIC, 'del');
      return;
    }
    const picked = distinctRandom(s, n);
    for (let i = 0; i < picked.length; i++) s.remove(picked[i]);
    // Redis rebuilds the set from the kept members when few remain (its intset width resets).
    if ((s.size) * 5 <= n) s.resetWidth();
    replySet(c, picked);
    return;
  }
  const s = asSet(c, db.lookup(key));
  if (s === false) return;
  if (s === undefined) {
    c.w.null();
    return;
  }
  const m = s.random();
  s.remove(m);
  c.w.bulk(m);
  keyChanged(c, db, key, NC.SET, 'spop');
  deleteIfEmpty(c, key, s);
}

const LONG_MIN_TEXT = '-9223372036854775808';
/** Beyond this many repeated picks the reply could not be built in memory; see docs/compatibility.md. */
const MAX_REPEATS = 0x7fffffff;

/**
 * SRANDMEMBER key [count]. Without count: a random member or nil. With a
 * count: an array; positive = distinct members (the whole set when count
 * >= size), negative = |count| picks that may repeat.
 */
function srandmemberCommand(c: Client, argv: string[]): void {
  if (argv.length > 3) {
    c.error(E.SYNTAX);
    return;
  }
  if (argv.length === 2) {
    const s = asSet(c, lookupRead(c, argv[1]));
    if (s === false) return;
    if (s === undefined) c.w.null();
    else c.w.bulk(s.random());
    return;
  }
  const t = argv[2];
  let n: number;
  if (t.length >= 19) {
    const b = parseInt64Big(t);
    if (b === null) {
      c.error(E.NOT_INT);
      return;
    }
    if (t === LONG_MIN_TEXT) {
      c.error('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
      return;
    }
    n = Number(b);
  } else {
    const v = parseInt64(t);
    if (v === null) {
      c.error(E.NOT_INT);
      return;
    }
    n = v;
  }
  const s = asSet(c, lookupRead(c, argv[1]));
  if (s === false) return;
  if (s === undefined || n === 0) {
    c.w.arrayLen(0);
    return;
  }
  if (n < 0) {
    if (-n > MAX_REPEATS) {
      c.error('ERR value is out of range');
      return;
    }
    c.w.arrayLen(-n);
    for (let i = 0; i < -n; i++) c.w.bulk(s.random());
    return;
  }
  if (n >= s.size) {
    c.w.bulkArray(s.members());
    return;
  }
  c.w.bulkArray(distinctRandom(s, n));
}

// --- SMOVE ------------------------------------------------------------------------------

/**
 * SMOVE source destination member: 1 if moved. A missing source is 0 even
 * when the destination has the wrong type; same source and destination
 * just reports membership. Events "srem" (+"del") on the source, "sadd" on
 * the destination when the member was new there.
 */
function smoveCommand(c: Client, argv: string[]): void {
  const src = argv[1], dst = argv[2], m = argv[3];
  const db = c.db;
  const sv = db.lookup(src);
  const dv = db.lookup(dst);
  if (sv === undefined) {
    c.w.int(0);
    return;
  }
  const ss = asSet(c, sv);
  if (ss === false || ss === undefined) return;
  let ds = asSet(c, dv);
  if (ds === false) return;
  if (ss === ds) {
    c.w.int(ss.has(m) ? 1 : 0);
    return;
  }
  if (!ss.remove(m)) {
    c.w.int(0);
    return;
  }
  keyChanged(c, db, src, NC.SET, 'srem');
  deleteIfEmpty(c, src, ss);
  if (ds === undefined) {
    ds = new SetValue(m);
    db.add(dst, ds);
  }
  if (ds.add(m, c.server.config.setMaxIntsetEntries)) keyChanged(c, db, dst, NC.SET, 'sadd');
  c.w.int(1);
}

// --- SSCAN ------------------------------------------------------------------------------

/**
 * SSCAN key cursor [MATCH pattern] [COUNT count]. The cursor is checked
 * first, then the key (a missing key is an empty scan whatever the
 * options), then the options. An intset is returned whole with cursor 0;
 * a hashtable is walked with the dict's reverse-binary cursor.
 */
function sscanCommand(c: Client, argv: string[]): void {
  const cursor = scanCursorArg(c, argv[2]);
  if (cursor < 0) return;
  const s = asSet(c, lookupRead(c, argv[1]));
  if (s === false) return;
  if (s === undefined) {
    replyEmptyScan(c);
    return;
  }
  const opts = parseScanOptions(c, argv, 3, false);
  if (opts === null) return;
  const { count, pattern } = opts;
  let out: string[];
  let next = 0;
  if (s.dict === null) {
    out = s.members();
  } else {
    out = [];
    next = cursor;
    let maxIterations = count * 10;
    do {
      next = s.dict.scan(next, out);
    } while (next !== 0 && maxIterations-- !== 0 && out.length < count);
  }
  if (pattern !== null && pattern !== '*') {
    const g = new GlobMatcher(pattern);
    let kept = 0;
    for (let i = 0; i < out.length; i++) if (g.matches(out[i])) out[kept++] = out[i];
    out.length = kept;
  }
  c.w.arrayLen(2);
  c.w.bulk(String(next));
  c.w.bulkArray(out);
}

// --- command table ------------------------------------------------------------------------

const KEY0 = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const MEMBERS = { name: 'member', type: 'string', flags: ['multiple'] } as const;

const LOCAL_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'sadd', arity: -3, flags: ['write', 'denyoom', 'fast'], acl: ['set'], keySpecs: [ksAt(1, ['RW', 'insert'])],
    summary: 'Put one or more members into a set, creating it if needed.', since: '1.0.0', group: 'set',
    complexity: 'O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.',
    history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    arguments: [KEY0, MEMBERS],
    handler: saddCommand,
  },
  {
    name: 'srem', arity: -3, flags: ['write', 'fast'], acl: ['set'], keySpecs: [ksAt(1, ['RW', 'delete'])],
    summary: 'Take one or more members out of a set; an emptied set is deleted.', since: '1.0.0', group: 'set',
    complexity: 'O(N) where N is the number of members to be removed.',
    history: [['2.4.0', 'Accepts multiple `member` arguments.']],
    arguments: [KEY0, MEMBERS],
    handler: sremCommand,
  },
  {
    name: 'smembers', arity: 2, flags: ['readonly'], acl: ['set'], keySpecs: [ksAt(1, ['RO', 'access'])],
    tips: ['nondeterministic_output_order'],
    summary: 'List every member of a set.', since: '1.0.0', group: 'set',
    complexity: 'O(N) where N is the set cardinality.',
    arguments: [KEY0],
    handler: smembersCommand,
  },
  {
    name: 'sismember', arity: 3, flags: ['readonly', 'fast'], acl: ['set'], keySpecs: [ksAt(1, ['RO'])],
    summary: 'Tell whether a value belongs to a set.', since: '1.0.0', group: 'set', complexity: 'O(1)',
    arguments: [KEY0, { name: 'member', type: 'string' }],
    handler: sismemberCommand,
  },
  {
    name: 'smismember', arity: -3, flags: ['readonly', 'fast'], acl: ['set'], keySpecs: [ksAt(1, ['RO', 'access'])],
    summary: 'Tell, for each of several values, whether it belongs to a set.', since: '6.2.0', group: 'set',
    complexity: 'O(N) where N is the number of elements being checked for membership',
    arguments: [KEY0, MEMBERS],
    handler: smismemberCommand,
  },
  {
    name: 'scard', arity: 2, flags: ['readonly', 'fast'], acl: ['set'], keySpecs: [ksAt(1, ['RO'])],
    summary: 'Count the members of a set.', since: '1.0.0', group: 'set', complexity: 'O(1)',
    arguments: [KEY0],
    handler: scardCommand,
  },
  {
    name: 'spop', arity: -2, flags: ['write', 'fast'], acl: ['set'], keySpecs: [ksAt(1, ['RW', 'access', 'delete'])],
    tips: ['nondeterministic_output'],
    summary: 'Remove and return one or more randomly chosen members of a set.', since: '1.0.0', group: 'set',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the value of the passed count.',
    history: [['3.2.0', 'Added the `count` argument.']],
    arguments: [KEY0, { name: 'count', type: 'integer', since: '3.2.0', flags: ['optional'] }],
    handler: spopCommand,
  },
  {
    name: 'srandmember', arity: -2, flags: ['readonly'], acl: ['set'], keySpecs: [ksAt(1, ['RO', 'access'])],
    tips: ['nondeterministic_output'],
    summary: 'Return randomly chosen members of a set without removing them.', since: '1.0.0', group: 'set',
    complexity: 'Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.',
    history: [['2.6.0', 'Added the optional `count` argument.']],
    arguments: [KEY0, { name: 'count', type: 'integer', since: '2.6.0', flags: ['optional'] }],
    handler: srandmemberCommand,
  },
  {
    name: 'smove', arity: 4, flags: ['write', 'fast'], acl: ['set'],
    keySpecs: [ksAt(1, ['RW', 'access', 'delete']), ksAt(2, ['RW', 'insert'])],
    summary: 'Transfer a member from one set to another.', since: '1.0.0', group: 'set', complexity: 'O(1)',
    arguments: [
      { name: 'source', type: 'key', key_spec_index: 0 },
      { name: 'destination', type: 'key', key_spec_index: 1 },
      { name: 'member', type: 'string' },
    ],
    handler: smoveCommand,
  },
  {
    name: 'sscan', arity: -3, flags: ['readonly'], acl: ['set'], keySpecs: [ksAt(1, ['RO', 'access'])],
    tips: ['nondeterministic_output'],
    summary: 'Walk the members of a set a few at a time with a cursor.', since: '2.8.0', group: 'set',
    complexity: KEY_SCAN_COMPLEXITY,
    arguments: KEY_SCAN_ARGS,
    handler: sscanCommand,
  },
];

export const SET_COMMANDS: readonly CommandSpec[] = [...LOCAL_COMMANDS, ...SET_OPS_COMMANDS];
