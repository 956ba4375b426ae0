/* ==========================================================================
 * Hash family: HSET, HSETNX, HMSET, HGET, HMGET, HGETALL, HKEYS, HVALS,
 * HDEL, HLEN, HSTRLEN, HEXISTS, HINCRBY, HINCRBYFLOAT (HRANDFIELD and
 * HSCAN live in hash-scan.ts).
 *
 * Values are HashValue objects (src/store/hash.ts). Writers convert a
 * listpack hash to a hashtable at Redis's thresholds (config
 * hash-max-listpack-entries / hash-max-listpack-value) and never back.
 * An emptied hash is deleted from the keyspace (HDEL emits "del").
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../protocol/numbers';
import { keyChanged, NC, notify } from '../server/keyspace';
import { HashValue } from '../store/hash';
import { addLD, formatLD, parseLD } from './string-float';
import { HASH_SCAN_COMMANDS, readHash } from './hash-scan';

// --- lookup helpers -------------------------------------------------------------

/**
 * Write lookup (Redis's hashTypeLookupWriteOrCreate): the existing hash, or
 * a new empty one added to the keyspace; false after WRONGTYPE. The caller
 * must put at least one field in a new hash before returning.
 */
function writeHash(c: Client, key: string): HashValue | false {
  const v = c.db.lookup(key);
  if (v === undefined) {
    const h = new HashValue();
    c.db.add(key, h);
    return h;
  }
  if (v instanceof HashValue) return v;
  c.error(E.WRONGTYPE);
  return false;
}

/** Set one field, then convert to a hashtable if the listpack limits are exceeded. Returns true if new. */
function setField(c: Client, h: HashValue, field: string, value: string): boolean {
  const isNew = h.set(field, value);
  if (h.dict === null) {
    const cfg = c.server.config;
    h.fitOrConvert(field, value, cfg.hashMaxListpackEntries, cfg.hashMaxListpackValue);
  }
  return isNew;
}

// --- HSET / HMSET / HSETNX -----------------------------------------------------

/** HSET / HMSET key field value [field value ...]: HSET replies the count of new fields, HMSET OK. */
function hsetGeneric(c: Client, argv: string[], hmset: boolean): void {
  if (argv.length % 2 === 1) {
    c.error(E.ARITY(c.cmd!.fullName));
    return;
  }
  const key = argv[1];
  const h = writeHash(c, key);
  if (h === false) return;
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) if (setField(c, h, argv[i], argv[i + 1])) created++;
  const pairs = (argv.length - 2) / 2;
  keyChanged(c, c.db, key, NC.HASH, 'hset');
  c.server.dirty += pairs - 1;
  if (hmset) c.w.ok();
  else c.w.int(created);
}

function hsetCommand(c: Client, argv: string[]): void {
  hsetGeneric(c, argv, false);
}

function hmsetCommand(c: Client, argv: string[]): void {
  hsetGeneric(c, argv, true);
}

/** HSETNX key field value: set only if the field is absent (1), else 0 and nothing changes. */
function hsetnxCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const h = writeHash(c, key);
  if (h === false) return;
  if (h.has(argv[2])) {
    c.w.int(0);
    return;
  }
  setField(c, h, argv[2], argv[3]);
  keyChanged(c, c.db, key, NC.HASH, 'hset');
  c.w.int(1);
}

// --- reads --------------------------------------------------------------------------

function hgetCommand(c: Client, argv: string[]): void {
  const h = readHash(c, argv[1]);
  if (h === false) return;
  const v = h === null ? undefined : h.get(argv[2]);
  if (v === undefined) c.w.null();
  else c.w.bulk(v);
}

/** HMGET key field...: a value or null per field (all null for a missing key). */
function hmgetCommand(c: Client, argv: string[]): void {
  const h = readHash(c, argv[1]);
  if (h === false) return;
  c.w.arrayLen(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const v = h === null ? undefined : h.get(argv[i]);
    if (v === undefined) c.w.null();
    else c.w.bulk(v);
  }
}

function hlenCommand(c: Client, argv: string[]): void {
  const h = readHash(c, argv[1]);
  if (h === false) return;
  c.w.int(h === null ? 0 : h.size);
}

function hstrlenCommand(c: Client, argv: string[]): void {
  const h = readHash(c, argv[1]);
  if (h === false) return;
  const v = h === null ? undefined : h.get(argv[2]);
  c.w.int(v === undefined ? 0 : v.length);
}

function hexistsCommand(c: Client, argv: string[]): void {
  const h = readHash(c, argv[1]);
  if (h === false) return;
  c.w.int(h !== null && h.has(argv[2]) ? 1 : 0);
}

/**
 * HGETALL / HKEYS / HVALS (Redis's genericHgetallCommand): in the hash's
 * order (insertion order while listpack-encoded). HGETALL is a map in RESP3.
 */
function hgetallGeneric(c: Client, argv: string[], keys: boolean, vals: boolean): void {
  const h = readHash(c, argv[1]);
  if (h === false) return;
  const fs: string[] = [];
  const vs: string[] = [];
  if (h !== null) h.pairs(fs, vs);
  if (keys && vals) {
    c.w.mapLen(fs.length);
    for (let i = 0; i < fs.length; i++) {
      c.w.bulk(fs[i]);
      c.w.bulk(vs[i]);
    }
  } else {
    c.w.bulkArray(keys ? fs : vs);
  }
}

function hgetallCommand(c: Client, argv: string[]): void {
  hgetallGeneric(c, argv, true, true);
}

function hkeysCommand(c: Client, argv: string[]): void {
  hgetallGeneric(c, argv, true, false);
}

function hvalsCommand(c: Client, argv: string[]): void {
  hgetallGeneric(c, argv, false, true);
}

// --- HDEL ---------------------------------------------------------------------------

/** HDEL key field...: count of removed fields; deletes the key (event "del") once empty. */
function hdelCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  const v = db.lookup(key);
  if (v === undefined) {
    c.w.int(0);
    return;
  }
  if (!(v instanceof HashValue)) {
    c.error(E.WRONGTYPE);
    return;
  }
  let deleted = 0;
  let removed = false;
  for (let i = 2; i < argv.length; i++) {
    if (v.delete(argv[i])) {
      deleted++;
      if (v.size === 0) {
        db.delete(key);
        removed = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    keyChanged(c, db, key, NC.HASH, 'hdel');
    if (removed) notify(c, db, key, NC.GENERIC, 'del');
    c.server.dirty += deleted - 1;
  }
  c.w.int(deleted);
}

// --- HINCRBY / HINCRBYFLOAT ---------------------------------------------------------

/**
 * HINCRBY key field increment: the increment is parsed first (so a bad
 * increment wins over WRONGTYPE, as in Redis); the field's value must be an
 * int64 ("hash value is not an integer"); overflow is an error and changes
 * nothing. A missing field counts as 0.
 */
function hincrbyCommand(c: Client, argv: string[]): void {
  const incr = parseInt64(argv[3]);
  if (incr === null) {
    c.error(E.NOT_INT);
    return;
  }
  const key = argv[1];
  const db = c.db;
  const existing = db.lookup(key);
  if (existing !== undefined && !(existing instanceof HashValue)) {
    c.error(E.WRONGTYPE);
    return;
  }
  let cur = 0;
  if (existing !== undefined) {
    const s = existing.get(argv[2]);
    if (s !== undefined) {
      const p = parseInt64(s);
      if (p === null) {
        c.error('ERR hash value is not an integer');
        return;
      }
      cur = p;
    }
  }
  let text: string;
  const sum = cur + incr;
  if (Number.isSafeInteger(sum) && Number.isSafeInteger(cur) && Number.isSafeInteger(incr)) {
    text = String(sum);
  } else {
    // parseInt64 is exact only below 2^53: redo the sum on the exact texts
    const big = BigInt(existing?.get(argv[2]) ?? '0') + BigInt(argv[3]);
    if (big > INT64_MAX || big < INT64_MIN) {
      c.error(E.OVERFLOW);
      return;
    }
    text = big.toString();
  }
  const h = existing ?? writeHash(c, key);
  if (h === false) return;
  setField(c, h, argv[2], text);
  keyChanged(c, db, key, NC.HASH, 'hincrby');
  if (text.length < 16) c.w.int(+text);
  else c.w.bigint(BigInt(text));
}

/**
 * HINCRBYFLOAT key field increment: long double arithmetic exactly like
 * INCRBYFLOAT (string-float.ts). The increment must be finite; the field's
 * value must parse as a long double ("hash value is not a float"); an
 * infinite sum is an error. Stores and replies the "%.17Lf"-style text.
 */
function hincrbyfloatCommand(c: Client, argv: string[]): void {
  const incr = parseLD(argv[3]);
  if (incr === null) {
    c.error(E.NOT_FLOAT);
    return;
  }
  if (incr.inf) {
    c.error('ERR value is NaN or Infinity');
    return;
  }
  const key = argv[1];
  const db = c.db;
  const existing = db.lookup(key);
  if (existing !== undefined && !(existing instanceof HashValue)) {
    c.error(E.WRONGTYPE);
    return;
  }
  let cur = parseLD('0')!;
  if (existing !== undefined) {
    const s = existing.get(argv[2]);
    if (s !== undefined) {
      const p = parseLD(s); // "inf" parses; the sum check below rejects it
      if (p === null) {
        c.error('ERR hash value is not a float');
        return;
      }
      cur = p;
    }
  }
  const sum = addLD(cur, incr);
  if (cur.inf || sum.inf) {
    c.error(E.INCR_NAN);
    return;
  }
  const text = formatLD(sum);
  const h = existing ?? writeHash(c, key);
  if (h === false) return;
  setField(c, h, argv[2], text);
  keyChanged(c, db, key, NC.HASH, 'hincrbyfloat');
  c.w.bulk(text);
}

// --- table --------------------------------------------------------------------

const KEY_ARG = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const FIELD_ARG = { name: 'field', type: 'string' } as const;
const FIELDS_ARG = { name: 'field', type: 'string', flags: ['multiple'] } as const;
const FIELD_VALUE_ARG = {
  name: 'field_value', type: 'block', flags: ['multiple'],
  arguments: [{ name: 'field', type: 'string' }, { name: 'value', type: 'string' }],
} as const;

/** Key spec at argv[1] with the given flags. */
function ks(...flags: ('RO' | 'RW' | 'access' | 'update' | 'insert' | 'delete')[]) {
  return [{
    flags,
    begin_search: { type: 'index', index: 1 },
    find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
  }] as const;
}

const HASH = ['hash'] as const;

export const HASH_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'hset', arity: -4, flags: ['write', 'denyoom', 'fast'], acl: HASH, keySpecs: ks('RW', 'update'),
    summary: 'Set one or more fields of a hash to the given values.', since: '2.0.0', group: 'hash',
    complexity: 'O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.',
    history: [['4.0.0', 'Accepts multiple `field` and `value` arguments.']],
    arguments: [KEY_ARG, FIELD_VALUE_ARG],
    handler: hsetCommand,
  },
  {
    name: 'hsetnx', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: HASH, keySpecs: ks('RW', 'insert'),
    summary: 'Set a hash field only when it is not present yet.', since: '2.0.0', group: 'hash', complexity: 'O(1)',
    arguments: [KEY_ARG, FIELD_ARG, { name: 'value', type: 'string' }],
    handler: hsetnxCommand,
  },
  {
    name: 'hget', arity: 3, flags: ['readonly', 'fast'], acl: HASH, keySpecs: ks('RO', 'access'),
    summary: 'Return the value of one hash field.', since: '2.0.0', group: 'hash', complexity: 'O(1)',
    arguments: [KEY_ARG, FIELD_ARG],
    handler: hgetCommand,
  },
  {
    name: 'hmget', arity: -3, flags: ['readonly', 'fast'], acl: HASH, keySpecs: ks('RO', 'access'),
    summary: 'Return the values of several hash fields.', since: '2.0.0', group: 'hash',
    complexity: 'O(N) where N is the number of fields being requested.',
    arguments: [KEY_ARG, FIELDS_ARG],
    handler: hmgetCommand,
  },
  {
    name: 'hmset', arity: -4, flags: ['write', 'denyoom', 'fast'], acl: HASH, keySpecs: ks('RW', 'update'),
    summary: 'Set several hash fields at once (older form of HSET).', since: '2.0.0', group: 'hash',
    complexity: 'O(N) where N is the number of fields being set.',
    docFlags: ['deprecated'], deprecatedSince: '4.0.0', replacedBy: '`HSET` with multiple field-value pairs',
    arguments: [KEY_ARG, FIELD_VALUE_ARG],
    handler: hmsetCommand,
  },
  {
    name: 'hgetall', arity: 2, flags: ['readonly'], acl: HASH, keySpecs: ks('RO', 'access'),
    tips: ['nondeterministic_output_order'],
    summary: 'Return every field and value of a hash.', since: '2.0.0', group: 'hash',
    complexity: 'O(N) where N is the size of the hash.',
    arguments: [KEY_ARG],
    handler: hgetallCommand,
  },
  {
    name: 'hdel', arity: -3, flags: ['write', 'fast'], acl: HASH, keySpecs: ks('RW', 'delete'),
    summary: 'Remove fields from a hash.', since: '2.0.0', group: 'hash',
    complexity: 'O(N) where N is the number of fields to be removed.',
    history: [['2.4.0', 'Accepts multiple `field` arguments.']],
    arguments: [KEY_ARG, FIELDS_ARG],
    handler: hdelCommand,
  },
  {
    name: 'hlen', arity: 2, flags: ['readonly', 'fast'], acl: HASH, keySpecs: ks('RO'),
    summary: 'Count the fields of a hash.', since: '2.0.0', group: 'hash', complexity: 'O(1)',
    arguments: [KEY_ARG],
    handler: hlenCommand,
  },
  {
    name: 'hstrlen', arity: 3, flags: ['readonly', 'fast'], acl: HASH, keySpecs: ks('RO'),
    summary: 'Return the byte length of a hash field\'s value.', since: '3.2.0', group: 'hash', complexity: 'O(1)',
    arguments: [KEY_ARG, FIELD_ARG],
    handler: hstrlenCommand,
  },
  {
    name: 'hexists', arity: 3, flags: ['readonly', 'fast'], acl: HASH, keySpecs: ks('RO'),
    summary: 'Tell whether a field is present in a hash.', since: '2.0.0', group: 'hash', complexity: 'O(1)',
    arguments: [KEY_ARG, FIELD_ARG],
    handler: hexistsCommand,
  },
  {
    name: 'hkeys', arity: 2, flags: ['readonly'], acl: HASH, keySpecs: ks('RO', 'access'),
    tips: ['nondeterministic_output_order'],
    summary: 'Return every field name of a hash.', since: '2.0.0', group: 'hash',
    complexity: 'O(N) where N is the size of the hash.',
    arguments: [KEY_ARG],
    handler: hkeysCommand,
  },
  {
    name: 'hvals', arity: 2, flags: ['readonly'], acl: HASH, keySpecs: ks('RO', 'access'),
    tips: ['nondeterministic_output_order'],
    summary: 'Return every value of a hash.', since: '2.0.0', group: 'hash',
    complexity: 'O(N) where N is the size of the hash.',
    arguments: [KEY_ARG],
    handler: hvalsCommand,
  },
  {
    name: 'hincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: HASH, keySpecs: ks('RW', 'access', 'update'),
    summary: 'Add an integer to the integer value of a hash field.', since: '2.0.0', group: 'hash', complexity: 'O(1)',
    arguments: [KEY_ARG, FIELD_ARG, { name: 'increment', type: 'integer' }],
    handler: hincrbyCommand,
  },
  {
    name: 'hincrbyfloat', arity: 4, flags: ['write', 'denyoom', 'fast'], acl: HASH, keySpecs: ks('RW', 'access', 'update'),
    summary: 'Add a floating point number to the value of a hash field.', since: '2.6.0', group: 'hash', complexity: 'O(1)',
    arguments: [KEY_ARG, FIELD_ARG, { name: 'increment', type: 'double' }],
    handler: hincrbyfloatCommand,
  },
  ...HASH_SCAN_COMMANDS,
];
