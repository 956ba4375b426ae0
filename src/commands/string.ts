/* ==========================================================================
 * String family: GET, SET and friends.
 *
 * Values are latin1 JS strings (see store/values.ts); commands that mutate
 * in place produce a RawString. Every write ends with keyChanged() so WATCH,
 * tracking, notifications and the dirty counter stay consistent.
 *
 * This file holds the SET/GET variants, MGET/MSET and the family's table;
 * the rest of the family lives beside it and is re-exported here:
 *   string-range.ts  APPEND, STRLEN, GETRANGE, SUBSTR, SETRANGE
 *   string-num.ts    INCR, DECR, INCRBY, DECRBY, INCRBYFLOAT
 *   string-float.ts  exact x87 long double arithmetic for INCRBYFLOAT
 *   string-lcs.ts    LCS
 * ========================================================================== */

import type { CommandSpec, KeySpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64, parseInt64Big } from '../protocol/numbers';
import { keyChanged, lookupRead, notify, NC } from '../server/keyspace';
import { isString } from '../store/values';
import { readString, replyString } from './args';
import { STRING_RANGE_COMMANDS } from './string-range';
import { STRING_NUM_COMMANDS } from './string-num';
import { LCS_COMMANDS } from './string-lcs';

// --- shared key specs ---------------------------------------------------------

/** A single key at argv[1] with the given key-spec flags. */
function ks1(flags: KeySpec['flags'], notes?: string): KeySpec {
  const spec: KeySpec = {
    flags,
    begin_search: { type: 'index', index: 1 },
    find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
  };
  return notes === undefined ? spec : { notes, ...spec };
}

// --- SET option parsing ---------------------------------------------------------

const OBJ_NX = 1, OBJ_XX = 2, OBJ_EX = 4, OBJ_PX = 8, OBJ_KEEPTTL = 16, OBJ_GET = 32, OBJ_EXAT = 64, OBJ_PXAT = 128,
  OBJ_PERSIST = 256;
const EXPIRE_FLAGS = OBJ_EX | OBJ_PX | OBJ_EXAT | OBJ_PXAT;
const LLONG_MAX_BIG = 9223372036854775807n;

/** Parsed [NX|XX] [GET] [EX|PX|EXAT|PXAT|KEEPTTL|PERSIST] options (SET and GETEX). */
export interface ExtendedArgs {
  flags: number;
  /** The raw expire argument, or null. */
  expire: string | null;
}

/**
 * Parse SET / GETEX options from argv[from..] exactly as Redis's
 * parseExtendedStringArgumentsOrReply does: conflicting or unknown tokens
 * are a syntax error; a repeated EX/PX/... simply wins. Like C's string
 * compare, an option is read up to its first NUL byte. `forSet` enables
 * NX/XX/GET/KEEPTTL, else PERSIST. Returns null after replying an error.
 */
export function parseExtendedArgs(c: Client, argv: string[], from: number, forSet: boolean): ExtendedArgs | null {
  let flags = 0;
  let expire: string | null = null;
  for (let j = from; j < argv.length; j++) {
    let a = argv[j];
    const z = a.indexOf('\0');
    if (z >= 0) a = a.slice(0, z);
    a = a.toLowerCase();
    const next = j + 1 < argv.length ? argv[j + 1] : null;
    if (forSet && a === 'nx' && !(flags & OBJ_XX)) flags |= OBJ_NX;
    else if (forSet && a === 'xx' && !(flags & OBJ_NX)) flags |= OBJ_XX;
    else if (forSet && a === 'get') flags |= OBJ_GET;
    else if (forSet && a === 'keepttl' && !(flags & (OBJ_PERSIST | EXPIRE_FLAGS))) flags |= OBJ_KEEPTTL;
    else if (!forSet && a === 'persist' && !(flags & (EXPIRE_FLAGS | OBJ_KEEPTTL))) flags |= OBJ_PERSIST;
    else if (a === 'ex' && !(flags & (OBJ_KEEPTTL | OBJ_PERSIST | OBJ_PX | OBJ_EXAT | OBJ_PXAT)) && next !== null) {
      flags |= OBJ_EX; expire = next; j++;
    } else if (a === 'px' && !(flags & (OBJ_KEEPTTL | OBJ_PERSIST | OBJ_EX | OBJ_EXAT | OBJ_PXAT)) && next !== null) {
      flags |= OBJ_PX; expire = next; j++;
    } else if (a === 'exat' && !(flags & (OBJ_KEEPTTL | OBJ_PERSIST | OBJ_EX | OBJ_PX | OBJ_PXAT)) && next !== null) {
      flags |= OBJ_EXAT; expire = next; j++;
    } else if (a === 'pxat' && !(flags & (OBJ_KEEPTTL | OBJ_PERSIST | OBJ_EX | OBJ_PX | OBJ_EXAT)) && next !== null) {
      flags |= OBJ_PXAT; expire = next; j++;
    } else {
      c.error(E.SYNTAX);
      return null;
    }
  }
  return { flags, expire };
}

/**
 * Turn an EX/PX/EXAT/PXAT argument into an absolute unix-ms deadline, or
 * null after replying Redis's error: not an integer, or "invalid expire
 * time" for non-positive values and for int64 overflow of seconds*1000 or
 * of now+relative. Short arguments take an exact plain-number path; long
 * ones are checked with BigInt so the overflow edge is exact.
 */
export function expireDeadline(c: Client, arg: string, flags: number): number | null {
  const seconds = (flags & (OBJ_EX | OBJ_EXAT)) !== 0;
  const relative = (flags & (OBJ_EX | OBJ_PX)) !== 0;
  exactDeadline = null;
  if (arg.length <= 12) {
    const v = parseInt64(arg);
    if (v === null) {
      c.error(E.NOT_INT);
      return null;
    }
    if (v <= 0) {
      c.error(E.INVALID_EXPIRE(c.cmd!.fullName));
      return null;
    }
    return (seconds ? v * 1000 : v) + (relative ? c.server.now : 0);
  }
  let v = parseInt64Big(arg);
  if (v === null) {
    c.error(E.NOT_INT);
    return null;
  }
  if (v <= 0n || (seconds && v > LLONG_MAX_BIG / 1000n)) {
    c.error(E.INVALID_EXPIRE(c.cmd!.fullName));
    return null;
  }
  if (seconds) v *= 1000n;
  if (relative) v += BigInt(c.server.now);
  if (v > LLONG_MAX_BIG) { // C's signed addition wraps negative here
    c.error(E.INVALID_EXPIRE(c.cmd!.fullName));
    return null;
  }
  const when = Number(v);
  if (when > Number.MAX_SAFE_INTEGER) exactDeadline = v;
  return when;
}

/**
 * The exact int64 deadline of the last expireDeadline() call when it is
 * beyond 2^53 (a double cannot hold it), else null; passed on to
 * db.setExpire so PTTL/PEXPIRETIME/RENAME keep every digit, as in Redis.
 */
let exactDeadline: bigint | null = null;

export const SET_FLAGS = { OBJ_NX, OBJ_XX, OBJ_GET, OBJ_KEEPTTL, OBJ_PERSIST, EXPIRE_FLAGS };

// --- SET and its variants -----------------------------------------------------

/** Reply a GET-style result: the string, nil, or (false) WRONGTYPE already replied. */
function replyGet(c: Client, key: string): boolean {
  const v = readString(c, key);
  if (v === false) return false;
  if (v === null) c.w.null();
  else replyString(c, v);
  return true;
}

/**
 * Redis's setGenericCommand: validate the expire (if any), reply the old
 * value for GET, honour NX/XX, store `val` (dropping the TTL unless
 * KEEPTTL), then set the new TTL. `counted` selects SETNX's :1/:0 replies
 * instead of +OK/nil. Events: "set", plus "expire" when a TTL is set.
 */
function setGeneric(c: Client, flags: number, key: string, val: string, expire: string | null, counted: boolean): void {
  let when = -1;
  let exact: bigint | null = null;
  if (expire !== null) {
    const w = expireDeadline(c, expire, flags);
    if (w === null) return;
    when = w;
    exact = exactDeadline;
  }
  if (flags & OBJ_GET && !replyGet(c, key)) return;
  const db = c.db;
  if (flags & (OBJ_NX | OBJ_XX)) {
    const found = db.exists(key);
    if ((flags & OBJ_NX && found) || (flags & OBJ_XX && !found)) {
      if (!(flags & OBJ_GET)) {
        if (counted) c.w.int(0);
        else c.w.null();
      }
      return;
    }
  } else if (db.expires.size !== 0) {
    // Redis's lookupKeyWrite expires a stale key first (expired event and stat),
    // even when the result does not matter; without NX/XX that is all it is for.
    db.expireIfNeeded(key);
  }
  db.set(key, val, (flags & OBJ_KEEPTTL) !== 0);
  keyChanged(c, db, key, NC.STRING, 'set');
  if (when >= 0) {
    if (exact !== null) db.setExpire(key, when, exact);
    else db.setExpire(key, when);
    notify(c, db, key, NC.GENERIC, 'expire');
  }
  if (!(flags & OBJ_GET)) {
    if (counted) c.w.int(1);
    else c.w.ok();
  }
}

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL] */
function setCommand(c: Client, argv: string[]): void {
  if (argv.length === 3) {
    setGeneric(c, 0, argv[1], argv[2], null, false); // the common case: no options to parse
    return;
  }
  const opts = parseExtendedArgs(c, argv, 3, true);
  if (opts === null) return;
  setGeneric(c, opts.flags, argv[1], argv[2], opts.expire, false);
}

/** SETNX key value -> 1 if set, 0 if the key existed. */
function setnxCommand(c: Client, argv: string[]): void {
  setGeneric(c, OBJ_NX, argv[1], argv[2], null, true);
}

/** SETEX key seconds value */
function setexCommand(c: Client, argv: string[]): void {
  setGeneric(c, OBJ_EX, argv[1], argv[3], argv[2], false);
}

/** PSETEX key milliseconds value */
function psetexCommand(c: Client, argv: string[]): void {
  setGeneric(c, OBJ_PX, argv[1], argv[3], argv[2], false);
}

// --- GET and its variants -----------------------------------------------------

function getCommand(c: Client, argv: string[]): void {
  replyGet(c, argv[1]);
}

/**
 * GETEX key [EX|PX|EXAT|PXAT t | PERSIST]: the value, then the TTL change.
 * Options are parsed first, but the expire value is validated only once
 * the key is known to hold a string (a missing key is just nil). An
 * absolute time already in the past deletes the key ("del" event), like
 * Redis (except on a replica or while loading, where expiry is disabled).
 */
function getexCommand(c: Client, argv: string[]): void {
  const opts = parseExtendedArgs(c, argv, 2, false);
  if (opts === null) return;
  const key = argv[1];
  const v = readString(c, key);
  if (v === false) return;
  if (v === null) {
    c.w.null();
    return;
  }
  const flags = opts.flags;
  let when = -1;
  let exact: bigint | null = null;
  if (opts.expire !== null) {
    const w = expireDeadline(c, opts.expire, flags);
    if (w === null) return;
    when = w;
    exact = exactDeadline;
  }
  replyString(c, v);
  const db = c.db;
  if (flags & (OBJ_EXAT | OBJ_PXAT) && when <= c.server.now && c.server.expireEnabled) {
    db.delete(key);
    keyChanged(c, db, key, NC.GENERIC, 'del');
  } else if (when >= 0) {
    if (exact !== null) db.setExpire(key, when, exact);
    else db.setExpire(key, when);
    keyChanged(c, db, key, NC.GENERIC, 'expire');
  } else if (flags & OBJ_PERSIST) {
    if (db.persist(key)) keyChanged(c, db, key, NC.GENERIC, 'persist');
  }
}

/** GETDEL key: the value, then the key is deleted ("del" event). */
function getdelCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const v = readString(c, key);
  if (v === false) return;
  if (v === null) {
    c.w.null();
    return;
  }
  replyString(c, v);
  c.db.delete(key);
  keyChanged(c, c.db, key, NC.GENERIC, 'del');
}

/** GETSET key value: the old value (or nil); the new value replaces it and drops any TTL. */
function getsetCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  if (!replyGet(c, key)) return;
  c.db.set(key, argv[2], false);
  keyChanged(c, c.db, key, NC.STRING, 'set');
}

// --- multi-key ------------------------------------------------------------------

/** MGET key...: one entry per key; missing keys and non-strings are nil. */
function mgetCommand(c: Client, argv: string[]): void {
  c.w.arrayLen(argv.length - 1);
  for (let j = 1; j < argv.length; j++) {
    const v = lookupRead(c, argv[j]);
    if (v === undefined || !isString(v)) c.w.null();
    else replyString(c, v);
  }
}

/**
 * MSET / MSETNX: an odd number of key/value arguments is an arity error.
 * MSETNX sets nothing when any key exists. Each key is set (TTL dropped)
 * with its own "set" event and dirty count; a key given twice ends with
 * its last value.
 */
function msetGeneric(c: Client, argv: string[], nx: boolean): void {
  if (argv.length % 2 === 0) {
    c.error(E.ARITY(c.cmd!.fullName));
    return;
  }
  const db = c.db;
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (db.exists(argv[j])) {
        c.w.int(0);
        return;
      }
    }
  }
  for (let j = 1; j < argv.length; j += 2) {
    db.set(argv[j], argv[j + 1], false);
    keyChanged(c, db, argv[j], NC.STRING, 'set');
  }
  if (nx) c.w.int(1);
  else c.w.ok();
}

function msetCommand(c: Client, argv: string[]): void {
  msetGeneric(c, argv, false);
}

function msetnxCommand(c: Client, argv: string[]): void {
  msetGeneric(c, argv, true);
}

// --- table --------------------------------------------------------------------

const KEY_ARG = { name: 'key', type: 'key', key_spec_index: 0 } as const;
const VALUE_ARG = { name: 'value', type: 'string' } as const;
const KEY_VALUE_BLOCK = {
  name: 'key_value', type: 'block', flags: ['multiple'],
  arguments: [KEY_ARG, VALUE_ARG],
} as const;

const OWN_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'get', arity: 2, flags: ['readonly', 'fast'], acl: ['string'],
    keySpecs: [ks1(['RO', 'access'])],
    summary: 'Return the string stored at a key.', since: '1.0.0', group: 'string', complexity: 'O(1)',
    arguments: [KEY_ARG],
    handler: getCommand,
  },
  {
    name: 'set', arity: -3, flags: ['write', 'denyoom'], acl: ['string'],
    keySpecs: [ks1(['RW', 'access', 'update', 'variable_flags'], 'RW and ACCESS due to the optional `GET` argument')],
    // Redis's setGetKeys: the key is only read (RW + access) when a GET token follows the value.
    getKeys: (argv) => [{
      pos: 1,
      flags: argv.slice(3).some((a) => a.split('\0', 1)[0].toLowerCase() === 'get')
        ? ['RW', 'access', 'update'] : ['OW', 'update'],
    }],
    summary: 'Store a string at a key, with optional expiry and conditions.', since: '1.0.0', group: 'string',
    complexity: 'O(1)',
    history: [
      ['2.6.12', 'Added the `EX`, `PX`, `NX` and `XX` options.'],
      ['6.0.0', 'Added the `KEEPTTL` option.'],
      ['6.2.0', 'Added the `GET`, `EXAT` and `PXAT` option.'],
      ['7.0.0', 'Allowed the `NX` and `GET` options to be used together.'],
    ],
    arguments: [
      KEY_ARG,
      VALUE_ARG,
      {
        name: 'condition', type: 'oneof', since: '2.6.12', flags: ['optional'],
        arguments: [
          { name: 'nx', type: 'pure-token', token: 'NX' },
          { name: 'xx', type: 'pure-token', token: 'XX' },
        ],
      },
      { name: 'get', type: 'pure-token', token: 'GET', since: '6.2.0', flags: ['optional'] },
      {
        name: 'expiration', type: 'oneof', flags: ['optional'],
        arguments: [
          { name: 'seconds', type: 'integer', token: 'EX', since: '2.6.12' },
          { name: 'milliseconds', type: 'integer', token: 'PX', since: '2.6.12' },
          { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT', since: '6.2.0' },
          { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT', since: '6.2.0' },
          { name: 'keepttl', type: 'pure-token', token: 'KEEPTTL', since: '6.0.0' },
        ],
      },
    ],
    handler: setCommand,
  },
  {
    name: 'setnx', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['string'],
    keySpecs: [ks1(['OW', 'insert'])],
    summary: 'Store a string at a key only when the key is absent.', since: '1.0.0', group: 'string',
    complexity: 'O(1)',
    arguments: [KEY_ARG, VALUE_ARG],
    handler: setnxCommand,
  },
  {
    name: 'setex', arity: 4, flags: ['write', 'denyoom'], acl: ['string'],
    keySpecs: [ks1(['OW', 'update'])],
    summary: 'Store a string at a key with a time to live in seconds.', since: '2.0.0', group: 'string',
    complexity: 'O(1)',
    arguments: [KEY_ARG, { name: 'seconds', type: 'integer' }, VALUE_ARG],
    handler: setexCommand,
  },
  {
    name: 'psetex', arity: 4, flags: ['write', 'denyoom'], acl: ['string'],
    keySpecs: [ks1(['OW', 'update'])],
    summary: 'Store a string at a key with a time to live in milliseconds.', since: '2.6.0', group: 'string',
    complexity: 'O(1)',
    arguments: [KEY_ARG, { name: 'milliseconds', type: 'integer' }, VALUE_ARG],
    handler: psetexCommand,
  },
  {
    name: 'getex', arity: -2, flags: ['write', 'fast'], acl: ['string'],
    keySpecs: [ks1(['RW', 'access', 'update'], 'RW and UPDATE because it changes the TTL')],
    summary: 'Return the string at a key and optionally change or remove its time to live.', since: '6.2.0',
    group: 'string', complexity: 'O(1)',
    arguments: [
      KEY_ARG,
      {
        name: 'expiration', type: 'oneof', flags: ['optional'],
        arguments: [
          { name: 'seconds', type: 'integer', token: 'EX' },
          { name: 'milliseconds', type: 'integer', token: 'PX' },
          { name: 'unix-time-seconds', type: 'unix-time', token: 'EXAT' },
          { name: 'unix-time-milliseconds', type: 'unix-time', token: 'PXAT' },
          { name: 'persist', type: 'pure-token', token: 'PERSIST' },
        ],
      },
    ],
    handler: getexCommand,
  },
  {
    name: 'getdel', arity: 2, flags: ['write', 'fast'], acl: ['string'],
    keySpecs: [ks1(['RW', 'access', 'delete'])],
    summary: 'Return the string at a key and remove the key.', since: '6.2.0', group: 'string',
    complexity: 'O(1)',
    arguments: [KEY_ARG],
    handler: getdelCommand,
  },
  {
    name: 'getset', arity: 3, flags: ['write', 'denyoom', 'fast'], acl: ['string'],
    keySpecs: [ks1(['RW', 'access', 'update'])],
    summary: 'Replace the string at a key and return the previous one.', since: '1.0.0', group: 'string',
    complexity: 'O(1)',
    docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`SET` with the `!GET` argument',
    arguments: [KEY_ARG, VALUE_ARG],
    handler: getsetCommand,
  },
  {
    name: 'mget', arity: -2, flags: ['readonly', 'fast'], acl: ['string'],
    tips: ['request_policy:multi_shard'],
    keySpecs: [{
      flags: ['RO', 'access'],
      begin_search: { type: 'index', index: 1 },
      find_keys: { type: 'range', lastkey: -1, step: 1, limit: 0 },
    }],
    summary: 'Return the strings stored at several keys.', since: '1.0.0', group: 'string',
    complexity: 'O(N) where N is the number of keys to retrieve.',
    arguments: [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }],
    handler: mgetCommand,
  },
  {
    name: 'mset', arity: -3, flags: ['write', 'denyoom'], acl: ['string'],
    tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    keySpecs: [{
      flags: ['OW', 'update'],
      begin_search: { type: 'index', index: 1 },
      find_keys: { type: 'range', lastkey: -1, step: 2, limit: 0 },
    }],
    summary: 'Store strings at several keys at once.', since: '1.0.1', group: 'string',
    complexity: 'O(N) where N is the number of keys to set.',
    arguments: [KEY_VALUE_BLOCK],
    handler: msetCommand,
  },
  {
    name: 'msetnx', arity: -3, flags: ['write', 'denyoom'], acl: ['string'],
    tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    keySpecs: [{
      flags: ['OW', 'insert'],
      begin_search: { type: 'index', index: 1 },
      find_keys: { type: 'range', lastkey: -1, step: 2, limit: 0 },
    }],
    summary: 'Store strings at several keys, only if none of them exists.', since: '1.0.1', group: 'string',
    complexity: 'O(N) where N is the number of keys to set.',
    arguments: [KEY_VALUE_BLOCK],
    handler: msetnxCommand,
  },
];

export const STRING_COMMANDS: readonly CommandSpec[] = [
  ...OWN_COMMANDS,
  ...STRING_RANGE_COMMANDS,
  ...STRING_NUM_COMMANDS,
  ...LCS_COMMANDS,
];
