/* ==========================================================================
 * MONITOR: every executed command, streamed to the clients that asked.
 *
 * Redis 7.0 feeds monitors from call(), after the command ran (so SELECT
 * shows its new database), with the arguments as the client sent them,
 * secrets redacted. Not shown: commands flagged admin or skip_monitor
 * (EVAL & co. feed the script's text themselves), commands rejected before
 * execution (unknown, arity, auth...), commands merely queued by MULTI
 * (they show when EXEC runs them, before the EXEC line), and the re-run
 * that serves a blocked command (it showed when it blocked).
 *
 * Line format (replicationFeedMonitors):
 *   +<unix secs>.<6-digit µs> [<db> <addr>] "arg" "arg" ...\r\n
 * with addr "lua" for script calls, "unix:<socket path>" for unix-socket
 * clients, else the peer "ip:port"; each argument quoted as sdscatrepr does.
 *
 * A monitor gets CF.MONITOR | CF.SLAVE (CLIENT LIST flag O; the gatekeeper
 * then refuses its keyspace commands like Redis does for replicas). RESET
 * and disconnection end monitoring. Lines go into the monitors' writers and
 * are flushed once on setImmediate, with the output-buffer limit checked
 * then (a monitor that does not read is closed like a slow subscriber).
 * ========================================================================== */

import { CMD, type CommandEntry } from '../commands/table';
import { repr } from '../config/table';
import { parseInt64 } from '../protocol/numbers';
import { CF, ReplyMode, type Client } from './client';
import { checkOutputLimit } from './pubsub';
import type { Server } from './server';
import { updateSlowCallThreshold } from './slowlog';

/** What Redis shows in place of a secret argument. */
export const REDACTED = '(redacted)';

/** Config parameters whose CONFIG SET value is redacted (Redis's SENSITIVE_CONFIG). */
const SENSITIVE_CONFIGS = new Set(['requirepass', 'masterauth', 'masteruser']);

/** Monitors touched since the last flush, per server. */
const pending = new WeakMap<Server, Set<Client>>();

/**
 * Wire MONITOR, SLOWLOG and the latency monitor into a new server: drop a
 * monitor on RESET / disconnect, and compute call()'s slow-path threshold.
 */
export function installIntrospection(srv: Server): void {
  srv.closeHooks.push(stopMonitor);
  srv.resetHooks.push(stopMonitor);
  updateSlowCallThreshold(srv);
}

/** MONITOR: make `c` a monitor (the caller checked it is not one already). */
export function startMonitor(c: Client): void {
  c.flags |= CF.MONITOR | CF.SLAVE;
  c.server.monitors.push(c);
}

/** Forget `c` as a monitor (RESET clears its flags itself; a closing client just goes). */
function stopMonitor(c: Client): void {
  const list = c.server.monitors;
  const i = list.indexOf(c);
  if (i < 0) return;
  list.splice(i, 1);
  c.flags &= ~(CF.MONITOR | CF.SLAVE);
}

/**
 * call()'s hook, reached only while someone monitors: feed the command that
 * just ran unless Redis hides it (admin / skip_monitor, or the re-run that
 * serves a blocked client).
 */
export function feedMonitors(c: Client, e: CommandEntry, argv: readonly string[]): void {
  if (e.flagBits & (CMD.ADMIN | CMD.SKIP_MONITOR)) return;
  const srv = c.server;
  if (srv.blocking.rerun === c) return;
  feedMonitorsLine(c, c.db.id, redactedArgv(e, argv) ?? argv, false);
}

/**
 * Send one monitor line for `argv` run by `c` in database `dbId` to every
 * monitor. `fromScript` marks commands called by a script ("lua" address);
 * EVAL-like commands call this themselves, before running the script.
 */
export function feedMonitorsLine(c: Client, dbId: number, argv: readonly string[], fromScript: boolean): void {
  const srv = c.server;
  const monitors = srv.monitors;
  if (monitors.length === 0) return;
  const line = monitorLine(c, dbId, argv, fromScript);
  let set = pending.get(srv);
  if (set === undefined) {
    set = new Set();
    pending.set(srv, set);
  }
  const first = set.size === 0;
  for (let i = 0; i < monitors.length; i++) {
    const m = monitors[i];
    if (m.flags & CF.CLOSE_ASAP || m.replyMode === ReplyMode.OFF) continue;
    m.w.raw(line);
    set.add(m);
  }
  if (first && set.size !== 0) setImmediate(flushMonitors, srv);
}

/** Flush the monitors written to since the last flush and check their output-buffer limits. */
function flushMonitors(srv: Server): void {
  const set = pending.get(srv);
  if (set === undefined) return;
  const list = [...set];
  set.clear();
  for (const m of list) {
    if (m.flags & CF.CLOSE_ASAP || m.socket === null) continue;
    m.w.flush();
    checkOutputLimit(m);
  }
}

/** The monitor line for a command (see the header for the format). */
export function monitorLine(c: Client, dbId: number, argv: readonly string[], fromScript: boolean): string {
  const srv = c.server;
  const us = Math.floor((srv.wallBase + (performance.now() - srv.perfBase)) * 1000);
  const secs = Math.floor(us / 1e6);
  const frac = String(us - secs * 1e6).padStart(6, '0');
  let addr: string;
  if (fromScript) addr = 'lua';
  else if (c.flags & CF.UNIX_SOCKET) addr = 'unix:' + srv.config.unixsocket;
  else addr = c.addr !== '' ? c.addr : '?:0';
  let out = `+${secs}.${frac} [${dbId} ${addr}]`;
  for (let j = 0; j < argv.length; j++) out += ' ' + repr(argv[j]);
  return out + '\r\n';
}

// --- redaction ----------------------------------------------------------------------

/**
 * The arguments as MONITOR and SLOWLOG must show them, with secrets replaced
 * by "(redacted)" — or null when nothing is secret. Redis redacts inside
 * the command handlers (redactClientCommandArgument) while they parse, so
 * an argument is only redacted if parsing got that far; this follows each
 * handler's parse order:
 *   AUTH          every argument, unless there are too many (syntax error)
 *   HELLO         AUTH's username and password, once the protocol version
 *                 parsed and until the first bad option
 *   MIGRATE       AUTH password / AUTH2 username password, until KEYS or a
 *                 bad option
 *   CONFIG SET    values of sensitive parameters (any pair, even after an
 *                 unknown name), when the argument count is right
 *   ACL SETUSER   everything after the command
 */
export function redactedArgv(e: CommandEntry, argv: readonly string[]): string[] | null {
  switch (e.fullName) {
    case 'auth':
      return argv.length > 3 ? null : redact(argv, range(1, argv.length));
    case 'hello':
      return redactHello(argv);
    case 'migrate':
      return redactMigrate(argv);
    case 'config|set':
      return redactConfigSet(argv);
    case 'acl|setuser':
      return argv.length >= 3 ? redact(argv, range(2, argv.length)) : null;
    default:
      return null;
  }
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

/** A copy of argv with the given positions redacted (null when there are none). */
function redact(argv: readonly string[], positions: readonly number[]): string[] | null {
  if (positions.length === 0) return null;
  const out = argv.slice();
  for (const p of positions) out[p] = REDACTED;
  return out;
}

/** HELLO [protover [AUTH user pass] [SETNAME name]]: follows helloCommand's parse. */
function redactHello(argv: readonly string[]): string[] | null {
  if (argv.length < 2) return null;
  const ver = parseInt64(argv[1]);
  if (ver === null || ver < 2 || ver > 3) return null;
  const pos: number[] = [];
  for (let j = 2; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j].toLowerCase();
    if (opt === 'auth' && more >= 2) {
      pos.push(j + 1, j + 2);
      j += 2;
    } else if (opt === 'setname' && more >= 1) {
      j++;
    } else {
      break;
    }
  }
  return redact(argv, pos);
}

/** MIGRATE host port key db timeout [COPY] [REPLACE] [AUTH pw | AUTH2 user pw] [KEYS ...]. */
function redactMigrate(argv: readonly string[]): string[] | null {
  const pos: number[] = [];
  for (let j = 6; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j].toLowerCase();
    if (opt === 'copy' || opt === 'replace') continue;
    if (opt === 'auth') {
      if (more < 1) break;
      pos.push(++j);
    } else if (opt === 'auth2') {
      if (more < 2) break;
      pos.push(j + 1, j + 2);
      j += 2;
    } else {
      break; // KEYS (the rest are keys) or a syntax error
    }
  }
  return redact(argv, pos);
}

/** CONFIG SET name value [name value ...]: every sensitive parameter's value. */
function redactConfigSet(argv: readonly string[]): string[] | null {
  if (argv.length < 4 || argv.length % 2 !== 0) return null;
  const pos: number[] = [];
  for (let j = 2; j < argv.length; j += 2) {
    if (SENSITIVE_CONFIGS.has(argv[j].toLowerCase())) pos.push(j + 1);
  }
  return redact(argv, pos);
}
