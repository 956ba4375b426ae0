/* ==========================================================================
 * DEBUG: the introspection and test helpers of Redis's DEBUG command that
 * apply to Respite. DEBUG is protected (enable-debug-command, checked by the
 * gatekeeper). Like Redis, it is one command dispatching on its first
 * argument and the argument count; any other subcommand, or a known one
 * with the wrong number of arguments, gets Redis's
 * "unknown subcommand or wrong number of arguments for '<sub>'" error.
 *
 * Implemented: HELP, OBJECT, SLEEP, SET-ACTIVE-EXPIRE, POPULATE, PROTOCOL,
 * ERROR, LOG, CHANGE-REPL-ID, CONFIG-REWRITE-FORCE-ALL, DIGEST and
 * DIGEST-VALUE (debug-digest.ts). The others (RELOAD, JMAP-style allocator commands, crash helpers, listpack /
 * quicklist dumps...) need subsystems Respite does not have and answer as
 * unknown.
 * ========================================================================== */

import type { CommandSpec } from './spec';
import type { Client } from '../server/client';
import { E } from '../protocol/errors';
import { encodingOf, isSharedInt } from '../store/values';
import { rdbValueSize } from '../store/rdb-size';
import { ListValue } from '../store/list';
import { changeReplicationId } from '../server/info';
import { rewriteConfig, rewriteErrorText } from '../config/rewrite';
import { parseInt64 } from '../protocol/numbers';
import { is } from './args';
import { debugDigest, debugDigestValue } from './debug-digest';

const SHARED_REFCOUNT = 2147483647;
const LRU_CLOCK_MAX = (1 << 24) - 1;

const HELP = [
  'CHANGE-REPL-ID',
  '    Change the replication IDs of the instance.',
  '    Dangerous: should be used only for testing the replication subsystem.',
  'CONFIG-REWRITE-FORCE-ALL',
  '    Like CONFIG REWRITE but writes all configuration options, including',
  '    keywords not listed in original configuration file or default values.',
  'DIGEST',
  '    Output a hex signature representing the current DB content.',
  'DIGEST-VALUE <key> [<key> ...]',
  '    Output a hex signature of the values of all the specified keys.',
  'ERROR <string>',
  '    Return a Redis protocol error with <string> as message. Useful for clients',
  '    unit tests to simulate Redis errors.',
  'LOG <message>',
  '    Write <message> to the server log.',
  'OBJECT <key>',
  '    Show low level info about `key` and associated value.',
  'POPULATE <count> [<prefix>] [<size>]',
  '    Create <count> string keys named key:<num>. If <prefix> is specified then',
  '    it is used instead of the \'key\' prefix. These are not propagated to',
  '    replicas. Cluster slots are not respected so keys not belonging to the',
  '    current node can be created in cluster mode.',
  'PROTOCOL <type>',
  '    Reply with a test value of the specified type. <type> can be: string,',
  '    integer, double, bignum, null, array, set, map, attrib, push, verbatim,',
  '    true, false.',
  'SET-ACTIVE-EXPIRE <0|1>',
  '    Setting it to 0 disables expiring keys in background when they are not',
  '    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the',
  '    default.',
  'SLEEP <seconds>',
  '    Stop the server for <seconds>. Decimals allowed.',
];

/** C strtod on the longest valid prefix (0 when none): DEBUG SLEEP's parsing. */
export function strtodPrefix(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(?:(inf(?:inity)?|nan)|(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?))/i.exec(s);
  if (m === null) return 0;
  const sign = m[1] === '-' ? -1 : 1;
  if (m[2] !== undefined) return m[2].toLowerCase() === 'nan' ? NaN : sign * Infinity;
  return sign * Number(m[3]);
}

/** C atoi: optional blanks and sign, then digits (0 when none). */
function atoi(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m === null ? 0 : parseInt(m[1], 10) | 0;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * DEBUG SLEEP: stop the whole server (the event loop) for the time, like
 * Redis's nanosleep. The time is truncated to whole microseconds; like
 * Redis on x86-64, NaN, negative or out-of-range values do not sleep.
 */
function debugSleep(c: Client, arg: string): void {
  const us = Math.trunc(strtodPrefix(arg) * 1e6);
  if (us > 0 && us < 2 ** 63) Atomics.wait(sleepCell, 0, 0, us / 1000);
  c.w.ok();
}

/** DEBUG OBJECT key: Redis's one-line low-level description (no expiry check, no LRU touch). */
function debugObject(c: Client, key: string): void {
  const db = c.db;
  const slot = db.dict.find(key);
  if (slot < 0) {
    c.error(E.NO_KEY);
    return;
  }
  const v = db.dict.valAt(slot);
  const enc = encodingOf(v);
  const refcount = isSharedInt(v) ? SHARED_REFCOUNT : 1;
  const size = rdbValueSize(v);
  const lru = db.getMeta(key) & LRU_CLOCK_MAX;
  const clock = Math.floor(Date.now() / 1000) & LRU_CLOCK_MAX;
  const idle = clock >= lru ? clock - lru : clock + (LRU_CLOCK_MAX - lru);
  // No pointers in JS: "at" is the entry's slot in the keyspace table.
  // Lists append their quicklist node statistics, as Redis does for OBJ_ENCODING_QUICKLIST.
  const extra = v instanceof ListValue ? v.debugFields() : '';
  c.w.simple(`Value at:0x${slot.toString(16)} refcount:${refcount} encoding:${enc} ` +
    `serializedlength:${size < 0 ? 0 : size} lru:${lru} lru_seconds_idle:${idle}${extra}`);
}

/** DEBUG POPULATE count [prefix] [size]: string keys prefix:N = "value:N" (NUL-padded / cut to size). */
function debugPopulate(c: Client, argv: string[]): void {
  const count = parseInt64(argv[2]);
  if (count === null || count < 0) {
    c.error(E.POSITIVE);
    return;
  }
  let size = 0;
  if (argv.length === 5) {
    const s = parseInt64(argv[4]);
    if (s === null || s < 0) {
      c.error(E.POSITIVE);
      return;
    }
    size = s;
  }
  const prefix = argv.length >= 4 ? argv[3] : 'key';
  const db = c.db;
  const hooks = c.server.keyHooks.modified;
  for (let j = 0; j < count; j++) {
    // Redis formats the key into a 128-byte buffer: at most 127 bytes survive.
    const key = `${prefix}:${j}`.slice(0, 127);
    if (db.exists(key)) continue;
    let val = `value:${j}`;
    if (size !== 0) val = size <= val.length ? val.slice(0, size) : val + '\0'.repeat(size - val.length);
    db.add(key, val);
    for (let i = 0; i < hooks.length; i++) hooks[i](db, key);
  }
  c.w.ok();
}

const PROTOCOL_TYPES = 'string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false';

/** DEBUG PROTOCOL type: a sample reply of each RESP type (RESP2 shows its fallbacks). */
function debugProtocol(c: Client, name: string): void {
  const w = c.w;
  const resp3 = w.proto === 3;
  switch (name.toLowerCase()) {
    case 'string': w.bulk('Hello World'); break;
    case 'integer': w.int(12345); break;
    case 'double': w.double(3.141); break;
    case 'bignum':
      if (resp3) w.raw('(1234567999999999999999999999999999999\r\n');
      else w.bulk('1234567999999999999999999999999999999');
      break;
    case 'null': w.null(); break;
    case 'array': w.arrayLen(3); for (let j = 0; j < 3; j++) w.int(j); break;
    case 'set': w.setLen(3); for (let j = 0; j < 3; j++) w.int(j); break;
    case 'map': w.mapLen(3); for (let j = 0; j < 3; j++) { w.int(j); w.bool(j === 1); } break;
    case 'attrib':
      if (resp3) w.raw('|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n');
      w.bulk('Some real reply following the attribute');
      break;
    case 'push':
      if (!resp3) {
        c.error('ERR RESP2 is not supported by this command');
        return;
      }
      w.pushLen(2);
      w.bulk('server-cpu-usage');
      w.int(42);
      w.bulk('Some real reply following the push reply');
      break;
    case 'verbatim': w.verbatim('This is a verbatim\nstring'); break;
    case 'true': w.bool(true); break;
    case 'false': w.bool(false); break;
    default:
      c.error(`ERR Wrong protocol type name. Please use one of the following: ${PROTOCOL_TYPES}`);
  }
}

/** DEBUG CONFIG-REWRITE-FORCE-ALL: CONFIG REWRITE writing every parameter. */
function debugRewriteForceAll(c: Client): void {
  const srv = c.server;
  if (srv.configFile === '') {
    // Redis passes a NULL path to fopen, which fails with EFAULT.
    c.error('ERR CONFIG-REWRITE-FORCE-ALL failed: Bad address');
    return;
  }
  try {
    rewriteConfig(srv.configFile, srv.config, true);
  } catch (e) {
    c.error(`ERR CONFIG-REWRITE-FORCE-ALL failed: ${rewriteErrorText(e)}`);
    return;
  }
  c.w.ok();
}

/** DEBUG <subcommand> ...: dispatch on the subcommand and the argument count. */
function debugCommand(c: Client, argv: string[]): void {
  const sub = argv[1];
  const n = argv.length;
  if (is(sub, 'help') && n === 2) {
    c.w.arrayLen(HELP.length + 3);
    c.w.simple('DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    for (const l of HELP) c.w.simple(l);
    c.w.simple('HELP');
    c.w.simple('    Prints this help.');
  } else if (is(sub, 'object') && n === 3) {
    debugObject(c, argv[2]);
  } else if (is(sub, 'sleep') && n === 3) {
    debugSleep(c, argv[2]);
  } else if (is(sub, 'set-active-expire') && n === 3) {
    c.server.config.activeExpireEnabled = atoi(argv[2]) !== 0;
    c.w.ok();
  } else if (is(sub, 'populate') && n >= 3 && n <= 5) {
    debugPopulate(c, argv);
  } else if (is(sub, 'protocol') && n === 3) {
    debugProtocol(c, argv[2]);
  } else if (is(sub, 'error') && n === 3) {
    // Written as raw protocol, like Redis: not counted in errorstats / failed_calls.
    c.w.error(argv[2].replace(/[\r\n]/g, ' '));
  } else if (is(sub, 'log') && n === 3) {
    c.server.log.warning(`DEBUG LOG: ${argv[2]}`);
    c.w.ok();
  } else if (is(sub, 'change-repl-id') && n === 2) {
    c.server.log.warning('Changing replication IDs after receiving DEBUG change-repl-id');
    changeReplicationId(c.server);
    c.w.ok();
  } else if (is(sub, 'config-rewrite-force-all') && n === 2) {
    debugRewriteForceAll(c);
  } else if (is(sub, 'digest') && n === 2) {
    debugDigest(c);
  } else if (is(sub, 'digest-value') && n >= 2) {
    debugDigestValue(c, argv);
  } else {
    c.error(`ERR unknown subcommand or wrong number of arguments for '${sub.slice(0, 128).replace(/[\r\n]/g, ' ')}'. Try DEBUG HELP.`);
  }
}

export const DEBUG_COMMAND: CommandSpec = {
  name: 'debug', arity: -2, flags: ['admin', 'noscript', 'loading', 'stale', 'protected'],
  summary: 'Low-level introspection and testing helpers (protected).', since: '1.0.0', group: 'server',
  complexity: 'Depends on subcommand.', docFlags: ['syscmd'],
  handler: debugCommand,
};
