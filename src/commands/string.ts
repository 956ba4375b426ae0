/* ==========================================================================
 * String family: GET, SET and friends.
 *
 * Values are latin1 JS strings (see store/values.ts); commands that mutate
 * in place produce a RawString. Every write ends with keyChanged() so WATCH,
 * tracking, notifications and the dirty counter stay consistent.
 * ========================================================================== */

import type { CommandSpec, KeySpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { keyChanged, notify, NC } from '../server/keyspace';
import { readString, replyString } from './args';

// --- shared key specs ---------------------------------------------------------

const KS_RO_ACCESS_1: KeySpec = {
  flags: ['RO', 'access'],
  begin_search: { type: 'index', index: 1 },
  find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
};

// --- SET option parsing ---------------------------------------------------------

const OBJ_NX = 1, OBJ_XX = 2, OBJ_EX = 4, OBJ_PX = 8, OBJ_KEEPTTL = 16, OBJ_GET = 32, OBJ_EXAT = 64, OBJ_PXAT = 128,
  OBJ_PERSIST = 256;
const EXPIRE_FLAGS = OBJ_EX | OBJ_PX | OBJ_EXAT | OBJ_PXAT;
const LLONG_MAX = 9223372036854775807;

/** Parsed [NX|XX] [GET] [EX|PX|EXAT|PXAT|KEEPTTL|PERSIST] options (SET and GETEX). */
export interface ExtendedArgs {
  flags: number;
  /** The raw expire argument, or null. */
  expire: string | null;
}

/**
 * Parse SET / GETEX options from argv[from..] exactly as Redis's
 * parseExtendedStringArgumentsOrReply does: conflicting or unknown tokens
 * are a syntax error. `forSet` enables NX/XX/GET/KEEPTTL, else PERSIST.
 * Returns null after replying an error.
 */
export function parseExtendedArgs(c: Client, argv: string[], from: number, forSet: boolean): ExtendedArgs | null {
  let flags = 0;
  let expire: string | null = null;
  for (let j = from; j < argv.length; j++) {
    const a = argv[j].toLowerCase();
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
 * null after replying Redis's error (not an integer, or invalid expire time
 * for non-positive values and overflow).
 */
export function expireDeadline(c: Client, arg: string, flags: number): number | null {
  let ms = parseInt64(arg);
  if (ms === null) {
    c.error(E.NOT_INT);
    return null;
  }
  const seconds = (flags & (OBJ_EX | OBJ_EXAT)) !== 0;
  if (ms <= 0 || (seconds && ms > LLONG_MAX / 1000)) {
    c.error(E.INVALID_EXPIRE(c.cmd!.fullName));
    return null;
  }
  if (seconds) ms *= 1000;
  if (flags & (OBJ_EX | OBJ_PX)) ms += c.server.now;
  if (ms <= 0 || ms > LLONG_MAX) {
    c.error(E.INVALID_EXPIRE(c.cmd!.fullName));
    return null;
  }
  return ms;
}

export const SET_FLAGS = { OBJ_NX, OBJ_XX, OBJ_GET, OBJ_KEEPTTL, OBJ_PERSIST, EXPIRE_FLAGS };

// --- handlers -----------------------------------------------------------------

function getCommand(c: Client, argv: string[]): void {
  const v = readString(c, argv[1]);
  if (v === false) return;
  if (v === null) c.w.null();
  else replyString(c, v);
}

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL] */
function setCommand(c: Client, argv: string[]): void {
  const opts = parseExtendedArgs(c, argv, 3, true);
  if (opts === null) return;
  const flags = opts.flags;
  let when = -1;
  if (opts.expire !== null) {
    const w = expireDeadline(c, opts.expire, flags);
    if (w === null) return;
    when = w;
  }
  const key = argv[1];
  const db = c.db;
  if (flags & OBJ_GET) {
    const old = readString(c, key);
    if (old === false) return;
    if (old === null) c.w.null();
    else replyString(c, old);
  }
  const found = db.exists(key);
  if ((flags & OBJ_NX && found) || (flags & OBJ_XX && !found)) {
    if (!(flags & OBJ_GET)) c.w.null();
    return;
  }
  db.set(key, argv[2], (flags & OBJ_KEEPTTL) !== 0);
  keyChanged(c, db, key, NC.STRING, 'set');
  if (when >= 0) {
    db.setExpire(key, when);
    notify(c, db, key, NC.GENERIC, 'expire');
  }
  if (!(flags & OBJ_GET)) c.w.ok();
}

// --- table --------------------------------------------------------------------

export const STRING_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'get', arity: 2, flags: ['readonly', 'fast'], acl: ['string'],
    keySpecs: [KS_RO_ACCESS_1],
    summary: 'Return the string stored at a key.', since: '1.0.0', group: 'string', complexity: 'O(1)',
    arguments: [{ name: 'key', type: 'key', key_spec_index: 0 }],
    handler: getCommand,
  },
  {
    name: 'set', arity: -3, flags: ['write', 'denyoom'], acl: ['string'],
    keySpecs: [{
      notes: 'RW and ACCESS due to the optional `GET` argument',
      flags: ['RW', 'access', 'update', 'variable_flags'],
      begin_search: { type: 'index', index: 1 },
      find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
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
      { name: 'key', type: 'key', key_spec_index: 0 },
      { name: 'value', type: 'string' },
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
];

