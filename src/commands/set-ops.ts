/* ==========================================================================
 * Set algebra (Redis's sinterGenericCommand / sunionDiffGenericCommand):
 * SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE,
 * plus the helpers the rest of the set family (set.ts) shares.
 *
 * Every source key is looked up and type-checked first (a wrong type
 * anywhere is an error even after a missing key). Results are built into a
 * fresh SetValue that starts as an intset, so a stored result gets the
 * encoding Redis would give it. *STORE overwrites the destination (dropping
 * its TTL, event "sinterstore" / "sunionstore" / "sdiffstore") or deletes
 * it when the result is empty (event "del" if it existed).
 * ========================================================================== */

import type { CommandSpec, KeySpec } from './spec';
import { numkeysGetKeys } from './keys';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { keyChanged, lookupRead, NC } from '../server/keyspace';
import { SetValue } from '../store/set';
import type { Value } from '../store/values';
import { is } from './args';

// --- helpers shared with set.ts --------------------------------------------------

/** The set at `v` (a lookup result), undefined if missing, or false after replying WRONGTYPE. */
export function asSet(c: Client, v: Value | undefined): SetValue | undefined | false {
  if (v === undefined || v instanceof SetValue) return v;
  c.error(E.WRONGTYPE);
  return false;
}

/** Reply a member list as a RESP3 set (array in RESP2). */
export function replySet(c: Client, members: readonly string[]): void {
  c.w.setLen(members.length);
  for (let i = 0; i < members.length; i++) c.w.bulk(members[i]);
}

/** Key spec: key(s) from argv[idx] to `lastkey` (0 = one key, -1 = all the rest). */
export function ksAt(idx: number, flags: KeySpec['flags'], lastkey = 0): KeySpec {
  return {
    flags,
    begin_search: { type: 'index', index: idx },
    find_keys: { type: 'range', lastkey, step: 1, limit: 0 },
  };
}

/**
 * Look up and type-check argv[from..to): the sets (null for missing keys),
 * or null after replying WRONGTYPE.
 */
function loadSets(c: Client, argv: string[], from: number, to: number): (SetValue | null)[] | null {
  const sets: (SetValue | null)[] = [];
  for (let j = from; j < to; j++) {
    const s = asSet(c, lookupRead(c, argv[j]));
    if (s === false) return null;
    sets.push(s === undefined ? null : s);
  }
  return sets;
}

/**
 * Store a computed result at `dst` (or delete `dst` when it is empty) and
 * reply its size, with Redis's events.
 */
function storeResult(c: Client, dst: string, res: SetValue, event: string): void {
  const db = c.db;
  const n = res.size;
  c.w.int(n);
  if (n > 0) {
    if (db.expires.size !== 0) db.expireIfNeeded(dst);
    db.set(dst, res, false);
    keyChanged(c, db, dst, NC.SET, event);
  } else if (db.delete(dst)) {
    keyChanged(c, db, dst, NC.GENERIC, 'del');
  }
}

// --- intersection -----------------------------------------------------------------

/**
 * Intersect the sets at argv[from..to). `mode`: 0 reply the members, 1
 * reply the count (stopping at `limit` when > 0), 2 store at `dst`. A
 * missing key makes the result empty; the smallest set is walked and each
 * member tested against the others.
 */
function sinterGeneric(c: Client, argv: string[], from: number, to: number, mode: 0 | 1 | 2, dst: string, limit: number): void {
  const sets = loadSets(c, argv, from, to);
  if (sets === null) return;
  const max = c.server.config.setMaxIntsetEntries;
  if (sets.indexOf(null) >= 0) {
    if (mode === 0) c.w.setLen(0);
    else if (mode === 1) c.w.int(0);
    else storeResult(c, dst, new SetValue(null), 'sinterstore');
    return;
  }
  const ss = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const base = ss[0].members();
  const out: string[] = [];
  for (let i = 0; i < base.length; i++) {
    const m = base[i];
    let j = 1;
    for (; j < ss.length; j++) if (ss[j] !== ss[0] && !ss[j].has(m)) break;
    if (j < ss.length) continue;
    out.push(m);
    if (mode === 1 && limit > 0 && out.length >= limit) break;
  }
  if (mode === 0) {
    replySet(c, out);
  } else if (mode === 1) {
    c.w.int(out.length);
  } else {
    const res = new SetValue(null);
    for (let i = 0; i < out.length; i++) res.add(out[i], max);
    storeResult(c, dst, res, 'sinterstore');
  }
}

function sinterCommand(c: Client, argv: string[]): void {
  sinterGeneric(c, argv, 1, argv.length, 0, '', 0);
}

function sinterstoreCommand(c: Client, argv: string[]): void {
  sinterGeneric(c, argv, 2, argv.length, 2, argv[1], 0);
}

/**
 * SINTERCARD numkeys key... [LIMIT limit]: numkeys must be a positive
 * integer not beyond the arguments given; LIMIT must be non-negative
 * (0 = no limit) and may repeat; anything else after the keys is a syntax
 * error.
 */
function sintercardCommand(c: Client, argv: string[]): void {
  const nk = parseInt64(argv[1]);
  if (nk === null || nk < 1) {
    c.error('ERR numkeys should be greater than 0');
    return;
  }
  if (nk > argv.length - 2) {
    c.error("ERR Number of keys can't be greater than number of args");
    return;
  }
  let limit = 0;
  for (let j = 2 + nk; j < argv.length; j++) {
    if (is(argv[j], 'limit') && j + 1 < argv.length) {
      const l = parseInt64(argv[++j]);
      if (l === null || l < 0) {
        c.error("ERR LIMIT can't be negative");
        return;
      }
      limit = l;
    } else {
      c.error(E.SYNTAX);
      return;
    }
  }
  sinterGeneric(c, argv, 2, 2 + nk, 1, '', limit);
}

// --- union and difference ----------------------------------------------------------

/**
 * Union (diff = false) or difference of the sets at argv[from..): missing
 * keys are empty sets. Replies the members as a set, or stores at `dst`
 * when it is not null.
 */
function sunionDiffGeneric(c: Client, argv: string[], from: number, dst: string | null, diff: boolean): void {
  const sets = loadSets(c, argv, from, argv.length);
  if (sets === null) return;
  const max = c.server.config.setMaxIntsetEntries;
  const res = new SetValue(null);
  if (!diff) {
    for (let j = 0; j < sets.length; j++) {
      const s = sets[j];
      if (s === null) continue;
      const ms = s.members();
      for (let i = 0; i < ms.length; i++) res.add(ms[i], max);
    }
  } else if (sets[0] !== null) {
    const first = sets[0];
    const ms = first.members();
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i];
      let j = 1;
      for (; j < sets.length; j++) {
        const s = sets[j];
        if (s !== null && (s === first || s.has(m))) break;
      }
      if (j === sets.length) res.add(m, max);
    }
  }
  if (dst === null) replySet(c, res.members());
  else storeResult(c, dst, res, diff ? 'sdiffstore' : 'sunionstore');
}

function sunionCommand(c: Client, argv: string[]): void {
  sunionDiffGeneric(c, argv, 1, null, false);
}

function sunionstoreCommand(c: Client, argv: string[]): void {
  sunionDiffGeneric(c, argv, 2, argv[1], false);
}

function sdiffCommand(c: Client, argv: string[]): void {
  sunionDiffGeneric(c, argv, 1, null, true);
}

function sdiffstoreCommand(c: Client, argv: string[]): void {
  sunionDiffGeneric(c, argv, 2, argv[1], true);
}

// --- command table ------------------------------------------------------------------

const KEYS0 = { name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] } as const;
const DST_KEYS = [
  { name: 'destination', type: 'key', key_spec_index: 0 },
  { name: 'key', type: 'key', key_spec_index: 1, flags: ['multiple'] },
] as const;
const INTER_COMPLEXITY = 'O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.';
const UNION_COMPLEXITY = 'O(N) where N is the total number of elements in all given sets.';

export const SET_OPS_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'sinter', arity: -2, flags: ['readonly'], acl: ['set'], keySpecs: [ksAt(1, ['RO', 'access'], -1)],
    tips: ['nondeterministic_output_order'],
    summary: 'Return the members common to all the given sets.', since: '1.0.0', group: 'set',
    complexity: INTER_COMPLEXITY, arguments: [KEYS0],
    handler: sinterCommand,
  },
  {
    name: 'sintercard', arity: -3, flags: ['readonly', 'movablekeys'], acl: ['set'],
    keySpecs: [{
      flags: ['RO', 'access'],
      begin_search: { type: 'index', index: 1 },
      find_keys: { type: 'keynum', keynumidx: 0, firstkey: 1, step: 1 },
    }],
    summary: 'Count the members common to all the given sets, optionally stopping at a limit.', since: '7.0.0',
    group: 'set', complexity: INTER_COMPLEXITY,
    arguments: [
      { name: 'numkeys', type: 'integer' },
      KEYS0,
      { name: 'limit', type: 'integer', token: 'LIMIT', flags: ['optional'] },
    ],
    handler: sintercardCommand,
    getKeys: numkeysGetKeys(1, 2),
  },
  {
    name: 'sinterstore', arity: -3, flags: ['write', 'denyoom'], acl: ['set'],
    keySpecs: [ksAt(1, ['RW', 'update']), ksAt(2, ['RO', 'access'], -1)],
    summary: 'Save the intersection of the given sets under a destination key.', since: '1.0.0', group: 'set',
    complexity: INTER_COMPLEXITY, arguments: DST_KEYS,
    handler: sinterstoreCommand,
  },
  {
    name: 'sunion', arity: -2, flags: ['readonly'], acl: ['set'], keySpecs: [ksAt(1, ['RO', 'access'], -1)],
    tips: ['nondeterministic_output_order'],
    summary: 'Return the members found in any of the given sets.', since: '1.0.0', group: 'set',
    complexity: UNION_COMPLEXITY, arguments: [KEYS0],
    handler: sunionCommand,
  },
  {
    name: 'sunionstore', arity: -3, flags: ['write', 'denyoom'], acl: ['set'],
    keySpecs: [ksAt(1, ['OW', 'update']), ksAt(2, ['RO', 'access'], -1)],
    summary: 'Save the union of the given sets under a destination key.', since: '1.0.0', group: 'set',
    complexity: UNION_COMPLEXITY, arguments: DST_KEYS,
    handler: sunionstoreCommand,
  },
  {
    name: 'sdiff', arity: -2, flags: ['readonly'], acl: ['set'], keySpecs: [ksAt(1, ['RO', 'access'], -1)],
    tips: ['nondeterministic_output_order'],
    summary: 'Return the members of the first set that none of the other sets hold.', since: '1.0.0', group: 'set',
    complexity: UNION_COMPLEXITY, arguments: [KEYS0],
    handler: sdiffCommand,
  },
  {
    name: 'sdiffstore', arity: -3, flags: ['write', 'denyoom'], acl: ['set'],
    keySpecs: [ksAt(1, ['OW', 'update']), ksAt(2, ['RO', 'access'], -1)],
    summary: 'Save the difference of the first set and the others under a destination key.', since: '1.0.0',
    group: 'set', complexity: UNION_COMPLEXITY, arguments: DST_KEYS,
    handler: sdiffstoreCommand,
  },
];
