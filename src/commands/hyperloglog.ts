/* ==========================================================================
 * HyperLogLog family: PFADD, PFCOUNT, PFMERGE, PFDEBUG, PFSELFTEST.
 *
 * HLLs are plain string values in Redis's exact byte format (store/hll.ts).
 * Commands that may modify one first "unshare" it into a RawString, like
 * Redis's dbUnshareStringValue (so OBJECT ENCODING says raw afterwards,
 * even when nothing changed), and then edit its bytes in place.
 *
 * Side effects follow Redis 7.0's hyperloglog.c:
 *  - PFADD: dirty += number of registers changed (+1 if the key was
 *    created), one "pfadd" event, reply 1 if anything changed;
 *  - PFCOUNT of one key refreshes the cached cardinality in the header when
 *    it is stale: that is a write (dirty++, WATCH/tracking signal) without
 *    an event; PFCOUNT of several keys only reads;
 *  - PFMERGE: the destination is also a source; the result is dense if any
 *    source is dense; always dirty++ and a "pfadd" event;
 *  - PFDEBUG GETREG/TODENSE converting sparse to dense: dirty++ only.
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import type { Db } from '../store/db';
import { E } from '../protocol/errors';
import { keyChanged, lookupRead, NC } from '../server/keyspace';
import { RawString, type Value } from '../store/values';
import {
  HLL_DENSE, HLL_HDR_SIZE, HLL_REGISTERS, cachedCard, createHll, denseGet, denseSet, hllAdd, hllCount, hllMerge,
  invalidateCache, isValidHll, rawCount, sparseDecode, sparseToDense, sparseSet, storeCard,
} from '../store/hll';
import { pfselftestCommand } from './hyperloglog-selftest';

const ERR_NOT_HLL = 'WRONGTYPE Key is not a valid HyperLogLog string value.';
const ERR_INVALID = 'INVALIDOBJ Corrupted HLL object detected';

// --- lookup helpers ------------------------------------------------------------

/**
 * Redis's isHLLObjectOrReply: true if `v` is a string holding a valid HLL
 * header; otherwise replies WRONGTYPE (the generic text for other types,
 * the HLL text for strings that are not HLLs) and returns false.
 */
function hllOrReply(c: Client, v: Value): v is string | RawString {
  if (typeof v === 'string') {
    if (isValidHll(v, v.length)) return true;
  } else if (v instanceof RawString) {
    if (isValidHll(v.buf, v.len)) return true;
  } else {
    c.error(E.WRONGTYPE);
    return false;
  }
  c.error(ERR_NOT_HLL);
  return false;
}

/**
 * Redis's dbUnshareStringValue: the value of `key` as a plain RawString we
 * may edit in place (a JS string or a RawString subclass is replaced by a
 * raw copy, keeping the TTL).
 */
function unshare(db: Db, key: string, v: string | RawString): RawString {
  if (typeof v !== 'string' && v.constructor === RawString) return v;
  const raw = RawString.from(typeof v === 'string' ? v : v.toString());
  db.replace(key, raw);
  return raw;
}

/** The bytes of a (validated) HLL value as a buffer and its length. */
function bytesOf(v: string | RawString): Buffer {
  return typeof v === 'string' ? Buffer.from(v, 'latin1') : v.buf;
}

/** Reply a cardinality: uint64 bits replied as a long long, like addReplyLongLong. */
function replyCard(c: Client, card: number | bigint): void {
  if (typeof card === 'number') c.w.int(card);
  else c.w.bigint(BigInt.asIntN(64, card));
}

// --- PFADD ---------------------------------------------------------------------------

/** PFADD key [element ...] -> 1 if the HLL was created or a register changed, else 0. */
function pfaddCommand(c: Client, argv: string[]): void {
  const db = c.db;
  const key = argv[1];
  const v = db.lookup(key);
  let o: RawString;
  let updated = 0;
  if (v === undefined) {
    o = createHll();
    db.add(key, o);
    updated++;
  } else {
    if (!hllOrReply(c, v)) return;
    o = unshare(db, key, v);
  }
  const maxBytes = c.server.config.hllSparseMaxBytes;
  for (let j = 2; j < argv.length; j++) {
    const r = hllAdd(o, argv[j], maxBytes);
    if (r === 1) updated++;
    else if (r < 0) {
      db.recost(key); // earlier elements may have grown it (no signal, as Redis)
      c.error(ERR_INVALID);
      return;
    }
  }
  if (updated) {
    invalidateCache(o);
    keyChanged(c, db, key, NC.STRING, 'pfadd');
    c.server.dirty += updated - 1;
  }
  c.w.int(updated ? 1 : 0);
}

// --- PFCOUNT -------------------------------------------------------------------------

/**
 * PFCOUNT key [key ...] -> estimated cardinality (of the union for several
 * keys; missing keys count as empty HLLs). See the banner for the
 * single-key cache refresh.
 */
function pfcountCommand(c: Client, argv: string[]): void {
  if (argv.length > 2) {
    const max = new Uint8Array(HLL_REGISTERS);
    for (let j = 1; j < argv.length; j++) {
      const v = lookupRead(c, argv[j]);
      if (v === undefined) continue;
      if (!hllOrReply(c, v)) return;
      if (!hllMerge(max, bytesOf(v), typeof v === 'string' ? v.length : v.len)) {
        c.error(ERR_INVALID);
        return;
      }
    }
    replyCard(c, rawCount(max));
    return;
  }
  const key = argv[1];
  const v = lookupRead(c, key);
  if (v === undefined) {
    c.w.int(0);
    return;
  }
  if (!hllOrReply(c, v)) return;
  const db = c.db;
  const o = unshare(db, key, v);
  let card = cachedCard(o.buf);
  if (card === -1) {
    const n = hllCount(o.buf, o.len);
    if (n === null) {
      c.error(ERR_INVALID);
      return;
    }
    card = n;
    storeCard(o.buf, card);
    keyChanged(c, db, key, 0, '');
  }
  replyCard(c, card);
}

// --- PFMERGE -------------------------------------------------------------------------

/**
 * PFMERGE destkey [sourcekey ...]: destkey = union of itself and the
 * sources (created if missing). The result is dense if any input is dense,
 * else the registers are set one by one into the sparse destination (which
 * may still promote itself past hll-sparse-max-bytes or a value > 32).
 */
function pfmergeCommand(c: Client, argv: string[]): void {
  const max = new Uint8Array(HLL_REGISTERS);
  let useDense = false;
  for (let j = 1; j < argv.length; j++) {
    const v = lookupRead(c, argv[j]);
    if (v === undefined) continue;
    if (!hllOrReply(c, v)) return;
    const b = bytesOf(v);
    if (b[4] === HLL_DENSE) useDense = true;
    if (!hllMerge(max, b, typeof v === 'string' ? v.length : v.len)) {
      c.error(ERR_INVALID);
      return;
    }
  }
  const db = c.db;
  const key = argv[1];
  const dv = db.lookup(key);
  let o: RawString;
  if (dv === undefined) {
    o = createHll();
    db.add(key, o);
  } else {
    o = unshare(db, key, dv as string | RawString); // validated above as a source
  }
  if (useDense && !sparseToDense(o)) {
    db.recost(key); // unshared / created above (no signal, as Redis)
    c.error(ERR_INVALID);
    return;
  }
  const maxBytes = c.server.config.hllSparseMaxBytes;
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const m = max[j];
    if (m === 0) continue;
    if (o.buf[4] === HLL_DENSE) {
      denseSet(o.buf, j, m);
    } else {
      sparseSet(o, j, m, maxBytes);
    }
  }
  invalidateCache(o);
  keyChanged(c, db, key, NC.STRING, 'pfadd');
  c.w.ok();
}

// --- PFDEBUG -------------------------------------------------------------------------

/**
 * PFDEBUG GETREG|DECODE|ENCODING|TODENSE key. The key is looked up and
 * validated (and unshared) before the subcommand is even recognised, as
 * in Redis; the subcommand name is compared up to its first NUL byte.
 */
function pfdebugCommand(c: Client, argv: string[]): void {
  let cmd = argv[1];
  const z = cmd.indexOf('\0');
  if (z >= 0) cmd = cmd.slice(0, z);
  const db = c.db;
  const key = argv[2];
  const v = db.lookup(key);
  if (v === undefined) {
    c.error('ERR The specified key does not exist');
    return;
  }
  if (!hllOrReply(c, v)) return;
  const o = unshare(db, key, v);
  switch (cmd.toLowerCase()) {
    case 'getreg': {
      if (o.buf[4] !== HLL_DENSE) {
        const ok = sparseToDense(o);
        db.recost(key); // converted in place: dirty++ only, no signal (as Redis)
        if (!ok) {
          c.error(ERR_INVALID);
          return;
        }
        c.server.dirty++;
      }
      c.w.arrayLen(HLL_REGISTERS);
      for (let j = 0; j < HLL_REGISTERS; j++) c.w.int(denseGet(o.buf, HLL_HDR_SIZE, j));
      return;
    }
    case 'decode':
      if (o.buf[4] === HLL_DENSE) {
        c.error('ERR HLL encoding is not sparse');
        return;
      }
      c.w.bulk(sparseDecode(o.buf, o.len));
      return;
    case 'encoding':
      c.w.simple(o.buf[4] === HLL_DENSE ? 'dense' : 'sparse');
      return;
    case 'todense': {
      let conv = 0;
      if (o.buf[4] !== HLL_DENSE) {
        const ok = sparseToDense(o);
        db.recost(key); // converted in place: dirty++ only, no signal (as Redis)
        if (!ok) {
          c.error(ERR_INVALID);
          return;
        }
        conv = 1;
        c.server.dirty++;
      }
      c.w.int(conv);
      return;
    }
    default:
      c.error(`ERR Unknown PFDEBUG subcommand '${cmd}'`);
  }
}

// --- table ---------------------------------------------------------------------------

const HLL_ACL = ['hyperloglog'] as const;
const KEY_ARG = { name: 'key', type: 'key', key_spec_index: 0 } as const;

export const HLL_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'pfadd', arity: -2, flags: ['write', 'denyoom', 'fast'], acl: HLL_ACL,
    keySpecs: [{
      flags: ['RW', 'insert'],
      begin_search: { type: 'index', index: 1 },
      find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
    }],
    summary: 'Add elements to a HyperLogLog, creating it if needed.', since: '2.8.9', group: 'hyperloglog',
    complexity: 'O(1) to add every element.',
    arguments: [KEY_ARG, { name: 'element', type: 'string', flags: ['optional', 'multiple'] }],
    handler: pfaddCommand,
  },
  {
    name: 'pfcount', arity: -2, flags: ['readonly'], acl: HLL_ACL,
    keySpecs: [{
      notes: 'RW because it may change the internal representation of the key, and propagate to replicas',
      flags: ['RW', 'access'],
      begin_search: { type: 'index', index: 1 },
      find_keys: { type: 'range', lastkey: -1, step: 1, limit: 0 },
    }],
    summary: 'Estimate the number of distinct elements seen by one HyperLogLog or by the union of several.',
    since: '2.8.9', group: 'hyperloglog',
    complexity: 'O(1) with a very small average constant time when called with a single key. O(N) with N being the number of keys, and much bigger constant times, when called with multiple keys.',
    arguments: [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }],
    handler: pfcountCommand,
  },
  {
    name: 'pfmerge', arity: -2, flags: ['write', 'denyoom'], acl: HLL_ACL,
    keySpecs: [
      {
        flags: ['RW', 'access', 'insert'],
        begin_search: { type: 'index', index: 1 },
        find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
      },
      {
        flags: ['RO', 'access'],
        begin_search: { type: 'index', index: 2 },
        find_keys: { type: 'range', lastkey: -1, step: 1, limit: 0 },
      },
    ],
    summary: 'Store in a key the union of several HyperLogLogs (the key itself included).',
    since: '2.8.9', group: 'hyperloglog', complexity: 'O(N) to merge N HyperLogLogs, but with high constant times.',
    arguments: [
      { name: 'destkey', type: 'key', key_spec_index: 0 },
      { name: 'sourcekey', type: 'key', key_spec_index: 1, flags: ['multiple'] },
    ],
    handler: pfmergeCommand,
  },
  {
    name: 'pfdebug', arity: 3, flags: ['write', 'denyoom', 'admin'], acl: HLL_ACL,
    keySpecs: [{
      flags: ['RW', 'access'],
      begin_search: { type: 'index', index: 2 },
      find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
    }],
    summary: 'Inspect or convert the internal representation of a HyperLogLog (debugging).',
    since: '2.8.9', group: 'hyperloglog', complexity: 'N/A', docFlags: ['syscmd'],
    arguments: [{ name: 'subcommand', type: 'string' }, KEY_ARG],
    handler: pfdebugCommand,
  },
  {
    name: 'pfselftest', arity: 1, flags: ['admin'], acl: HLL_ACL,
    summary: 'Run the internal consistency checks of the HyperLogLog implementation.',
    since: '2.8.9', group: 'hyperloglog', complexity: 'N/A', docFlags: ['syscmd'],
    handler: pfselftestCommand,
  },
];
