/* ==========================================================================
 * Hash family, sampling and iteration: HRANDFIELD and HSCAN, plus the
 * read-lookup helper shared with hash.ts.
 *
 * HSCAN follows Redis's scanGenericCommand: a listpack-encoded hash is
 * returned whole in one call with cursor 0 (whatever the cursor was); a
 * hashtable is walked with the Dict's reverse-binary cursor, so every field
 * present for the whole iteration is returned at least once.
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64Big } from '../protocol/numbers';
import { lookupRead } from '../server/keyspace';
import { HashValue } from '../store/hash';
import { is } from './args';
import {
  KEY_SCAN_ARGS, KEY_SCAN_COMPLEXITY, collectScanPairs, replyEmptyScan, replyScanPairs, scanCursorArg,
} from './generic';

/** Read lookup (counts hits/misses): the hash, null if missing, false after WRONGTYPE. */
export function readHash(c: Client, key: string): HashValue | null | false {
  const v = lookupRead(c, key);
  if (v === undefined) return null;
  if (v instanceof HashValue) return v;
  c.error(E.WRONGTYPE);
  return false;
}

// --- HRANDFIELD ------------------------------------------------------------------

const LONG_MAX = 9223372036854775807n;

/** Reply field (and value) pairs: RESP2 flat, RESP3 an array of [field, value] pairs with WITHVALUES. */
function replyPairs(c: Client, fs: string[], vs: string[], withValues: boolean): void {
  const resp3 = c.w.proto === 3;
  c.w.arrayLen(withValues && !resp3 ? fs.length * 2 : fs.length);
  for (let i = 0; i < fs.length; i++) {
    if (withValues && resp3) c.w.arrayLen(2);
    c.w.bulk(fs[i]);
    if (withValues) c.w.bulk(vs[i]);
  }
}

/**
 * HRANDFIELD key [count [WITHVALUES]] (Redis's hrandfieldCommand). Without
 * count: one random field or null. A positive count returns distinct fields
 * (the whole hash when count >= size); a negative one |count| fields that
 * may repeat. Argument errors come before the key lookup.
 */
function hrandfieldCommand(c: Client, argv: string[]): void {
  if (argv.length === 2) {
    const h = readHash(c, argv[1]);
    if (h === false) return;
    if (h === null) {
      c.w.null();
      return;
    }
    c.w.bulk(randomField(h));
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
  let withValues = false;
  if (argv.length > 4 || (argv.length === 4 && !is(argv[3], 'withvalues'))) {
    c.error(E.SYNTAX);
    return;
  }
  if (argv.length === 4) {
    withValues = true;
    if (l < -LONG_MAX / 2n || l > LONG_MAX / 2n) {
      c.error('ERR value is out of range');
      return;
    }
  }
  const h = readHash(c, argv[1]);
  if (h === false) return;
  if (h === null || l === 0n) {
    c.w.arrayLen(0);
    return;
  }
  const size = h.size;
  const fs: string[] = [];
  const vs: string[] = [];
  if (l < 0n || l === 1n) {
    // Repeats allowed: each pick independent.
    const n = Number(l < 0n ? -l : l);
    const resp3 = c.w.proto === 3;
    c.w.arrayLen(withValues && !resp3 ? n * 2 : n);
    for (let i = 0; i < n; i++) {
      const f = randomField(h);
      if (withValues && resp3) c.w.arrayLen(2);
      c.w.bulk(f);
      if (withValues) c.w.bulk(h.get(f)!);
    }
    return;
  }
  h.pairs(fs, vs);
  const count = Number(l);
  if (count >= size) {
    replyPairs(c, fs, vs, withValues);
    return;
  }
  if (h.dict === null) {
    // Listpack: selection sampling keeps the listpack order (like lpRandomPairsUnique).
    const of: string[] = [];
    const ov: string[] = [];
    let need = count;
    for (let i = 0; i < size && need > 0; i++) {
      if (Math.random() * (size - i) < need) {
        of.push(fs[i]);
        ov.push(vs[i]);
        need--;
      }
    }
    replyPairs(c, of, ov, withValues);
    return;
  }
  // Hashtable: a partial Fisher-Yates shuffle picks `count` distinct pairs.
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (size - i));
    const tf = fs[i]; fs[i] = fs[j]; fs[j] = tf;
    const tv = vs[i]; vs[i] = vs[j]; vs[j] = tv;
  }
  fs.length = count;
  vs.length = count;
  replyPairs(c, fs, vs, withValues);
}

/** One uniformly chosen field of a non-empty hash. */
function randomField(h: HashValue): string {
  if (h.dict !== null) return h.dict.randomKey()!;
  return h.lf[Math.floor(Math.random() * h.lf.length)];
}

// --- HSCAN ------------------------------------------------------------------------

/**
 * HSCAN key cursor [MATCH pattern] [COUNT count]. The cursor is checked
 * first, then the key (a missing key replies an empty scan without looking
 * at the options), then the options. COUNT bounds the work per call: the
 * walk stops once 2*fields >= COUNT (Redis counts fields and values) or
 * after 10*COUNT buckets. MATCH filters on field names.
 */
function hscanCommand(c: Client, argv: string[]): void {
  const cursor = scanCursorArg(c, argv[2]);
  if (cursor < 0) return;
  const h = readHash(c, argv[1]);
  if (h === false) return;
  if (h === null) {
    replyEmptyScan(c);
    return;
  }
  const fs: string[] = [];
  const vs: string[] = [];
  const step = collectScanPairs(c, argv, cursor, h, fs, vs);
  if (step !== null) replyScanPairs(c, step.next, fs, vs, step.pattern);
}

// --- table --------------------------------------------------------------------

const KS_RO_ACCESS = [{
  flags: ['RO', 'access'],
  begin_search: { type: 'index', index: 1 },
  find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
}] as const;

export const HASH_SCAN_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'hrandfield', arity: -2, flags: ['readonly'], acl: ['hash'], keySpecs: KS_RO_ACCESS,
    tips: ['nondeterministic_output'],
    summary: 'Return one or more randomly chosen fields of a hash, optionally with their values.',
    since: '6.2.0', group: 'hash', complexity: 'O(N) where N is the number of fields returned',
    arguments: [
      { name: 'key', type: 'key', key_spec_index: 0 },
      {
        name: 'options', type: 'block', flags: ['optional'],
        arguments: [
          { name: 'count', type: 'integer' },
          { name: 'withvalues', type: 'pure-token', token: 'WITHVALUES', flags: ['optional'] },
        ],
      },
    ],
    handler: hrandfieldCommand,
  },
  {
    name: 'hscan', arity: -3, flags: ['readonly'], acl: ['hash'], keySpecs: KS_RO_ACCESS,
    tips: ['nondeterministic_output'],
    summary: 'Iterate over the fields and values of a hash with a cursor.', since: '2.8.0', group: 'hash',
    complexity: KEY_SCAN_COMPLEXITY,
    arguments: KEY_SCAN_ARGS,
    handler: hscanCommand,
  },
];
