/* ==========================================================================
 * Expire family: EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT (with NX|XX|GT|LT),
 * TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST.
 *
 * Deadlines are absolute unix milliseconds kept in the db's expiry index
 * (store/db.ts). Relative forms add the command's time snapshot
 * (c.server.now), so a command sees one consistent "now".
 *
 * Numbers are int64 as in Redis. The common path stays on plain JS numbers;
 * only arguments whose result could leave the exact double range (|x| near
 * 2^53) take a BigInt path, so the overflow checks and far-future deadlines
 * (EXPIREAT k 9223372036854775) match Redis to the last digit.
 *
 * Reclaiming keys that nobody touches is the cron's job (server/cron.ts).
 * ========================================================================== */

import type { CommandSpec, KeySpec, ArgDoc } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { parseInt64 } from '../protocol/numbers';
import { keyChanged, lookupRead, NC } from '../server/keyspace';
import { is } from './args';

// --- constants ----------------------------------------------------------------

const EXPIRE_NX = 1, EXPIRE_XX = 2, EXPIRE_GT = 4, EXPIRE_LT = 8;
const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Largest |argument| for which unit conversion plus a unix-ms base stays exact in a double. */
const FAST_LIMIT_S = 9e12;
const FAST_LIMIT_MS = 8e15;

/**
 * The exact deadline of the last computeDeadline() call when it lies
 * beyond 2^53, else null. Module state instead of a returned object keeps
 * the hot path allocation-free; handlers are synchronous, so it cannot be
 * clobbered between the computation and its use.
 */
let exactWhen: bigint | null = null;

// --- option and deadline parsing ------------------------------------------------

/**
 * Copy of an argument as Redis prints it inside an error line: a C string
 * (cut at the first NUL byte) with CR/LF turned into spaces. `atEnd`: the
 * argument ends the line, and addReplyErrorFormat first trims CR/LF off
 * the end of the whole line (so trailing ones vanish instead).
 */
function errorArg(s: string, atEnd = false): string {
  const nul = s.indexOf('\0');
  if (nul >= 0) s = s.slice(0, nul);
  if (atEnd) s = s.replace(/[\r\n]+$/, '');
  return s.replace(/[\r\n]/g, ' ');
}

/**
 * Parse the NX|XX|GT|LT options from argv[3..] like Redis's
 * parseExtendedExpireArgumentsOrReply: unknown tokens first (in order),
 * then the incompatibility checks. Returns the flag mask, or -1 after
 * replying the error.
 */
function parseExpireFlags(c: Client, argv: string[]): number {
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const a = argv[j];
    if (is(a, 'nx')) flags |= EXPIRE_NX;
    else if (is(a, 'xx')) flags |= EXPIRE_XX;
    else if (is(a, 'gt')) flags |= EXPIRE_GT;
    else if (is(a, 'lt')) flags |= EXPIRE_LT;
    else {
      // Redis formats it with addReplyErrorFormat, which first trims CR/LF off
      // both ends of the whole line, then turns the inner ones into spaces.
      c.error('ERR Unsupported option ' + errorArg(a, true));
      return -1;
    }
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    c.error('ERR NX and XX, GT or LT options at the same time are not compatible');
    return -1;
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) {
    c.error('ERR GT and LT options at the same time are not compatible');
    return -1;
  }
  return flags;
}

/**
 * Absolute deadline (ms) for argument `arg` in `unit` ms (1 or 1000) added
 * to `base` (0 for the *AT forms). Mirrors expireGenericCommand: not an
 * integer -> NOT_INT; seconds outside LLONG_MIN/1000..LLONG_MAX/1000, or a
 * sum above LLONG_MAX -> invalid expire time. Negative results are allowed
 * (they mean "already expired"). Returns null after replying an error;
 * sets `exactWhen` when the result is beyond 2^53.
 */
function computeDeadline(c: Client, arg: string, unit: number, base: number): number | null {
  exactWhen = null;
  const n = parseInt64(arg);
  if (n === null) {
    c.error(E.NOT_INT);
    return null;
  }
  if (n <= (unit === 1000 ? FAST_LIMIT_S : FAST_LIMIT_MS) && n >= -(unit === 1000 ? FAST_LIMIT_S : FAST_LIMIT_MS)) {
    return n * unit + base;
  }
  let w = BigInt(arg);
  if (unit === 1000) {
    if (w > LLONG_MAX / 1000n || w < LLONG_MIN / 1000n) {
      c.error(E.INVALID_EXPIRE(c.cmd!.fullName));
      return null;
    }
    w *= 1000n;
  }
  const b = BigInt(base);
  if (w > LLONG_MAX - b) {
    c.error(E.INVALID_EXPIRE(c.cmd!.fullName));
    return null;
  }
  w += b;
  const when = Number(w);
  if (when > MAX_SAFE) exactWhen = w;
  return when;
}

/**
 * Compare deadline `a` (with its exact value `aExact` if beyond 2^53)
 * against a stored deadline `b` (number or exact bigint): <0, 0 or >0.
 * Doubles that differ already order correctly; only equal doubles above
 * 2^53 need the exact comparison.
 */
function compareDeadline(a: number, aExact: bigint | null, b: number | bigint): number {
  const bn = typeof b === 'bigint' ? Number(b) : b;
  if (a !== bn || a <= MAX_SAFE) return a < bn ? -1 : a > bn ? 1 : 0;
  const ab = aExact !== null ? aExact : BigInt(a);
  const bb = typeof b === 'bigint' ? b : BigInt(b);
  return ab < bb ? -1 : ab > bb ? 1 : 0;
}

// --- handlers -----------------------------------------------------------------

/**
 * EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT key time [NX|XX|GT|LT].
 * Like Redis's expireGenericCommand: options, then the number, then the
 * key. A missing key replies 0. A key without TTL counts as an infinite
 * TTL for GT/LT (GT never applies, LT always does). A deadline that is
 * already past deletes the key (event 'del', not counted as expired);
 * otherwise the deadline is set (event 'expire'). Replies 1 when applied.
 */
function expireGeneric(c: Client, argv: string[], unit: number, relative: boolean): void {
  const flags = parseExpireFlags(c, argv);
  if (flags < 0) return;
  const srv = c.server;
  const when = computeDeadline(c, argv[2], unit, relative ? srv.now : 0);
  if (when === null) return;
  const exact = exactWhen;
  const key = argv[1];
  const db = c.db;
  if (db.lookup(key) === undefined) {
    c.w.int(0);
    return;
  }
  if (flags !== 0) {
    const cur = db.getExpireExact(key);
    const hasTtl = cur !== -1;
    if (flags & EXPIRE_NX && hasTtl) return c.w.int(0);
    if (flags & EXPIRE_XX && !hasTtl) return c.w.int(0);
    if (flags & EXPIRE_GT && (!hasTtl || compareDeadline(when, exact, cur) <= 0)) return c.w.int(0);
    if (flags & EXPIRE_LT && hasTtl && compareDeadline(when, exact, cur) >= 0) return c.w.int(0);
  }
  // Redis skips the immediate delete while loading or on a replica; our
  // stand-in for both is the host's expireEnabled switch.
  if (when <= srv.now && srv.expireEnabled) {
    db.delete(key);
    keyChanged(c, db, key, NC.GENERIC, 'del');
  } else {
    if (exact !== null) db.setExpire(key, when, exact);
    else db.setExpire(key, when);
    keyChanged(c, db, key, NC.GENERIC, 'expire');
  }
  c.w.int(1);
}

function expireCommand(c: Client, argv: string[]): void { expireGeneric(c, argv, 1000, true); }
function pexpireCommand(c: Client, argv: string[]): void { expireGeneric(c, argv, 1, true); }
function expireatCommand(c: Client, argv: string[]): void { expireGeneric(c, argv, 1000, false); }
function pexpireatCommand(c: Client, argv: string[]): void { expireGeneric(c, argv, 1, false); }

/**
 * TTL / PTTL / EXPIRETIME / PEXPIRETIME: -2 for a missing key, -1 without
 * TTL, else the remaining (or absolute) time, clamped at 0; seconds are
 * rounded as Redis does, (ms + 500) / 1000. The lookup counts a keyspace
 * hit/miss but does not touch the key's LRU/LFU (Redis's LOOKUP_NOTOUCH).
 */
function ttlGeneric(c: Client, key: string, ms: boolean, abs: boolean): void {
  const srv = c.server;
  const prevNoTouch = srv.noTouch;
  srv.noTouch = true;
  const v = lookupRead(c, key);
  srv.noTouch = prevNoTouch;
  if (v === undefined) return c.w.int(-2);
  const w = c.db.getExpireExact(key);
  if (w === -1) return c.w.int(-1);
  if (typeof w === 'number' && w <= MAX_SAFE) {
    let ttl = abs ? w : w - srv.now;
    if (ttl < 0) ttl = 0;
    c.w.int(ms ? ttl : Math.floor((ttl + 500) / 1000));
    return;
  }
  let ttl = typeof w === 'bigint' ? w : BigInt(w);
  if (!abs) ttl -= BigInt(srv.now);
  if (ttl < 0n) ttl = 0n;
  c.w.bigint(ms ? ttl : (ttl + 500n) / 1000n);
}

function ttlCommand(c: Client, argv: string[]): void { ttlGeneric(c, argv[1], false, false); }
function pttlCommand(c: Client, argv: string[]): void { ttlGeneric(c, argv[1], true, false); }
function expiretimeCommand(c: Client, argv: string[]): void { ttlGeneric(c, argv[1], false, true); }
function pexpiretimeCommand(c: Client, argv: string[]): void { ttlGeneric(c, argv[1], true, true); }

/** PERSIST key: drop the TTL; 1 if there was one (event 'persist'), else 0. */
function persistCommand(c: Client, argv: string[]): void {
  const key = argv[1];
  const db = c.db;
  if (db.lookup(key) === undefined || !db.persist(key)) return c.w.int(0);
  keyChanged(c, db, key, NC.GENERIC, 'persist');
  c.w.int(1);
}

// --- table --------------------------------------------------------------------

const KS_RW_UPDATE: KeySpec = {
  flags: ['RW', 'update'],
  begin_search: { type: 'index', index: 1 },
  find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
};

const KS_RO_ACCESS: KeySpec = {
  flags: ['RO', 'access'],
  begin_search: { type: 'index', index: 1 },
  find_keys: { type: 'range', lastkey: 0, step: 1, limit: 0 },
};

const KEY_ARG: ArgDoc = { name: 'key', type: 'key', key_spec_index: 0 };

const CONDITION_ARG: ArgDoc = {
  name: 'condition', type: 'oneof', since: '7.0.0', flags: ['optional'],
  arguments: [
    { name: 'nx', type: 'pure-token', token: 'NX' },
    { name: 'xx', type: 'pure-token', token: 'XX' },
    { name: 'gt', type: 'pure-token', token: 'GT' },
    { name: 'lt', type: 'pure-token', token: 'LT' },
  ],
};

const OPTIONS_HISTORY: readonly (readonly [string, string])[] = [
  ['7.0.0', 'Added options: `NX`, `XX`, `GT` and `LT`.'],
];

const TTL_HISTORY: readonly (readonly [string, string])[] = [['2.8.0', 'Added the -2 reply.']];

export const EXPIRE_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'expire', arity: -3, flags: ['write', 'fast'], acl: ['keyspace'], keySpecs: [KS_RW_UPDATE],
    summary: 'Give a key a time to live, in seconds from now.', since: '1.0.0', group: 'generic',
    complexity: 'O(1)', history: OPTIONS_HISTORY,
    arguments: [KEY_ARG, { name: 'seconds', type: 'integer' }, CONDITION_ARG],
    handler: expireCommand,
  },
  {
    name: 'pexpire', arity: -3, flags: ['write', 'fast'], acl: ['keyspace'], keySpecs: [KS_RW_UPDATE],
    summary: 'Give a key a time to live, in milliseconds from now.', since: '2.6.0', group: 'generic',
    complexity: 'O(1)', history: OPTIONS_HISTORY,
    arguments: [KEY_ARG, { name: 'milliseconds', type: 'integer' }, CONDITION_ARG],
    handler: pexpireCommand,
  },
  {
    name: 'expireat', arity: -3, flags: ['write', 'fast'], acl: ['keyspace'], keySpecs: [KS_RW_UPDATE],
    summary: 'Make a key expire at an absolute Unix time in seconds.', since: '1.2.0', group: 'generic',
    complexity: 'O(1)', history: OPTIONS_HISTORY,
    arguments: [KEY_ARG, { name: 'unix-time-seconds', type: 'unix-time' }, CONDITION_ARG],
    handler: expireatCommand,
  },
  {
    name: 'pexpireat', arity: -3, flags: ['write', 'fast'], acl: ['keyspace'], keySpecs: [KS_RW_UPDATE],
    summary: 'Make a key expire at an absolute Unix time in milliseconds.', since: '2.6.0', group: 'generic',
    complexity: 'O(1)', history: OPTIONS_HISTORY,
    arguments: [KEY_ARG, { name: 'unix-time-milliseconds', type: 'unix-time' }, CONDITION_ARG],
    handler: pexpireatCommand,
  },
  {
    name: 'ttl', arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace'], keySpecs: [KS_RO_ACCESS],
    tips: ['nondeterministic_output'],
    summary: 'Report the seconds a key has left to live.', since: '1.0.0', group: 'generic',
    complexity: 'O(1)', history: TTL_HISTORY, arguments: [KEY_ARG],
    handler: ttlCommand,
  },
  {
    name: 'pttl', arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace'], keySpecs: [KS_RO_ACCESS],
    tips: ['nondeterministic_output'],
    summary: 'Report the milliseconds a key has left to live.', since: '2.6.0', group: 'generic',
    complexity: 'O(1)', history: TTL_HISTORY, arguments: [KEY_ARG],
    handler: pttlCommand,
  },
  {
    name: 'expiretime', arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace'], keySpecs: [KS_RO_ACCESS],
    summary: 'Report the Unix time in seconds at which a key will expire.', since: '7.0.0', group: 'generic',
    complexity: 'O(1)', arguments: [KEY_ARG],
    handler: expiretimeCommand,
  },
  {
    name: 'pexpiretime', arity: 2, flags: ['readonly', 'fast'], acl: ['keyspace'], keySpecs: [KS_RO_ACCESS],
    summary: 'Report the Unix time in milliseconds at which a key will expire.', since: '7.0.0',
    group: 'generic', complexity: 'O(1)', arguments: [KEY_ARG],
    handler: pexpiretimeCommand,
  },
  {
    name: 'persist', arity: 2, flags: ['write', 'fast'], acl: ['keyspace'], keySpecs: [KS_RW_UPDATE],
    summary: 'Remove the time to live of a key, making it permanent.', since: '2.2.0', group: 'generic',
    complexity: 'O(1)', arguments: [KEY_ARG],
    handler: persistCommand,
  },
];
