/* ==========================================================================
 * The request path: input loop, gatekeeper and call().
 *
 * processInput parses every complete command in the client's buffer and
 * runs each through processCommand — the one gatekeeper, checking in
 * Redis's order: lookup, arity, protected commands, authentication (later:
 * ACL, cluster redirection, OOM, pub/sub context, MULTI queueing) — then
 * call(), which takes the time snapshot, runs the handler and records
 * stats. Handlers never re-check what the gatekeeper checked.
 *
 * MULTI/EXEC, scripts and AOF loading run commands through processCommand /
 * call() with a captured client, so every path shares these rules.
 * ========================================================================== */

import { CMD, type CommandEntry } from '../commands/table';
import { E } from '../protocol/errors';
import type { ReplySink } from '../protocol/writer';
import { CF, ReplyMode, type Client } from './client';
import { LatencyHistogram } from './histogram';
import { isCrossProtocolAttack, securityWarning } from '../commands/security';
import { execCommandAbort, flagTransaction, queueMultiCommand, runsInsideMulti } from './multi';
import { feedMonitors } from './monitor';
import { slowCall } from './slowlog';
import { EvictResult } from './evict';
import { evictClients } from './client-evict';
// The module's binding, not the `performance` global: in Node that global is a lazy getter, run on every use.
import { performance } from 'node:perf_hooks';

/** Sink that drops replies (CLIENT REPLY OFF / SKIP). */
const NULL_SINK: ReplySink = { write: () => true };

/**
 * Hooks later subsystems install on the gatekeeper without editing it:
 * `beforeCall` may reject or divert (MULTI queueing, pub/sub context) by
 * returning true when it fully handled the command.
 */
export interface GateHooks {
  beforeCall: ((c: Client, e: CommandEntry, argv: string[]) => boolean) | null;
  afterCall: ((c: Client, e: CommandEntry, argv: string[]) => void) | null;
}

/** Parse and run every complete command in the client's input buffer. */
export function processInput(c: Client): void {
  const p = c.parser;
  const srv = c.server;
  // Timestamps chain through the batch: a command's start reading is the
  // previous command's end reading, so call() needs one clock read, not two.
  let t = performance.now();
  for (;;) {
    if (c.flags & (CF.CLOSE_AFTER_REPLY | CF.CLOSE_ASAP | CF.BLOCKED | CF.POSTPONED)) break;
    if (c.readPaused) break;
    const argv = p.next();
    if (argv === null) {
      if (p.error !== null) protocolError(c, p.error);
      break;
    }
    if (argv.length === 0) continue;
    if (isCrossProtocolAttack(argv)) {
      securityWarning(c); // no reply, connection closed (Redis: top of processCommand)
      break;
    }
    srv.chainStart = t;
    processCommand(c, argv);
    if (srv.chainStart < 0) t = srv.lastCallEnd; // call() consumed the reading: chain from its end
  }
  srv.chainStart = -1;
}

/** Reply with a protocol error and close after the reply, like Redis's setProtocolError. */
function protocolError(c: Client, msg: string): void {
  c.error(msg);
  c.flags |= CF.CLOSE_AFTER_REPLY;
  c.server.log.verbose(`Protocol error (${msg.replace(/^ERR Protocol error: /, '')}) from client: ${c.addr}`);
  c.parser.reset();
}

/** Sanitise a client-supplied string for an error line (no CR/LF), like Redis's rejectCommandFormat. */
function sanitize(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

/** Format Redis's unknown-command error for argv. */
export function unknownCommandError(argv: string[]): string {
  let args = '';
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += "'" + cstr(argv[i]).slice(0, 128 - args.length) + "' ";
  }
  return sanitize(`ERR unknown command '${cstr(argv[0]).slice(0, 128)}', with args beginning with: ${args}`);
}

/** A string as C's printf("%s") shows it: cut at the first NUL byte (Redis formats these errors with %s). */
function cstr(s: string): string {
  const z = s.indexOf('\0');
  return z < 0 ? s : s.slice(0, z);
}

/** Resolve argv to a command entry, replying with Redis's error when it fails. */
export function lookupCommand(c: Client, argv: string[]): CommandEntry | null {
  const base = c.server.table.lookup(argv[0]);
  if (base === undefined) {
    c.error(unknownCommandError(argv));
    return null;
  }
  if (base.subs === null || argv.length < 2) return base;
  const sub = base.subs.get(argv[1]) ?? base.subs.get(argv[1].toLowerCase());
  if (sub === undefined) {
    c.error(sanitize(`ERR unknown subcommand '${cstr(argv[1]).slice(0, 128)}'. Try ${argv[0].toUpperCase()} HELP.`));
    return null;
  }
  return sub;
}

/**
 * Whether a command must be refused while memory cannot be freed (Redis's
 * processCommand): denyoom commands, EXEC of a queue holding one, and
 * anything queued inside MULTI except EXEC / DISCARD / QUIT / RESET.
 */
function rejectOnOom(c: Client, e: CommandEntry): boolean {
  if (e.flagBits & CMD.DENYOOM) return true;
  const name = e.parent === null ? e.spec.name : '';
  if (name === 'exec') return (c.multiCmdFlags & CMD.DENYOOM) !== 0;
  return (c.flags & CF.MULTI) !== 0 && name !== 'discard' && name !== 'quit' && name !== 'reset';
}

/** The gatekeeper: run all generic checks, then call(). */
export function processCommand(c: Client, argv: string[]): void {
  c.argv = argv;
  const skip = c.skipNext;
  const silent = c.replyMode === ReplyMode.OFF || skip;
  c.skipNext = false;
  if (silent) {
    c.w.flush();
    const sink = c.w.sink;
    c.w.sink = NULL_SINK;
    try {
      gate(c, argv);
    } finally {
      // CLIENT REPLY ON answers even though it ran silenced.
      if (c.replyOnNow) c.replyOnNow = false;
      else c.w.discard();
      c.w.sink = sink;
      // Held by CLIENT PAUSE: the skip applies when the command really runs.
      if (skip && c.postponed === argv) c.skipNext = true;
    }
    return;
  }
  gate(c, argv);
  c.replyOnNow = false;
  // CLIENT CACHING applies to the next command only (kept across MULTI and CLIENT subcommands, as Redis).
  if (c.flags & CF.TRACKING_CACHING && !(c.flags & CF.MULTI) && !c.lastCmd.startsWith('client|')) {
    c.flags &= ~CF.TRACKING_CACHING;
  }
}

function gate(c: Client, argv: string[]): void {
  const srv = c.server;
  const e = lookupCommand(c, argv);
  // CLIENT LIST cmd=: set at lookup like Redis's c->lastcmd ("NULL" when unknown).
  c.lastCmd = e === null ? 'NULL' : e.fullName;
  if (e === null) {
    if (c.flags & CF.MULTI) flagTransaction(c);
    return;
  }
  c.cmd = e;
  const arity = e.arity;
  if ((arity > 0 && arity !== argv.length) || argv.length < -arity) {
    reject(c, e, E.ARITY(e.fullName));
    return;
  }
  const bits = e.flagBits;
  if (bits & CMD.PROTECTED && !protectedAllowed(c)) {
    reject(
      c, e,
      `ERR ${e.spec.name.toUpperCase()} command not allowed. If the enable-debug-command option is set to "local", ` +
        'you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.',
    );
    return;
  }
  if (!c.authenticated && !(bits & CMD.NO_AUTH)) {
    reject(c, e, E.NOAUTH);
    return;
  }
  if (c.flags & CF.MULTI && bits & CMD.NO_MULTI) {
    reject(c, e, 'ERR Command not allowed inside a transaction');
    return;
  }
  // maxmemory-clients: disconnect the biggest clients first (maybe this one: then no reply).
  const mc = srv.config.maxmemoryClients;
  if ((mc.bytes !== 0 || mc.percent !== 0) && evictClients(srv, c, true)) return;
  // maxmemory: evict keys; when that cannot make room, refuse what may grow memory.
  if (srv.config.maxmemory !== 0 && srv.eviction.perform() === EvictResult.FAIL && rejectOnOom(c, e)) {
    reject(c, e, E.OOM);
    return;
  }
  // Monitors (CF.SLAVE) may not touch the keyspace, as Redis refuses replicas.
  if (c.flags & CF.SLAVE && bits & (CMD.WRITE | CMD.READONLY | CMD.MAY_REPLICATE)) {
    reject(c, e, "ERR Replica can't interact with the keyspace");
    return;
  }
  // RESP2 subscribers may only (un)subscribe, PING, QUIT and RESET.
  if (c.flags & CF.PUBSUB && c.w.proto === 2 && !(e.parent === null && PUBSUB_CONTEXT.has(e.spec.name))) {
    reject(
      c, e,
      `ERR Can't execute '${e.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
    );
    return;
  }
  // CLIENT PAUSE: hold the command (it re-enters here when the pause ends).
  if (srv.pause.type !== 0 && srv.pause.mustHold(c, e)) {
    srv.pause.hold(c, argv);
    return;
  }
  if (srv.tracking.clients !== 0) srv.tracking.limitTable();
  const hooks = srv.gate;
  if (hooks.beforeCall !== null && hooks.beforeCall(c, e, argv)) return;
  if (c.flags & CF.MULTI && !runsInsideMulti(e)) {
    queueMultiCommand(c, e, argv);
    return;
  }
  call(c, e, argv);
  // Serve clients blocked on keys this command (or EXEC's queue) made ready.
  if (srv.blocking.hasReady) srv.blocking.handleReadyKeys();
}

/** Commands a RESP2 client in subscribed mode may run (Redis's processCommand check). */
const PUBSUB_CONTEXT = new Set(['ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset']);

/** enable-debug-command: yes everywhere, local for loopback / unix clients. */
function protectedAllowed(c: Client): boolean {
  const mode = c.server.config.enableDebugCommand;
  if (mode === 'yes') return true;
  if (mode === 'local') return isLocalClient(c);
  return false;
}

/** True for unix-socket and loopback TCP clients (protected mode, enable-*-command local). */
export function isLocalClient(c: Client): boolean {
  if (c.flags & CF.UNIX_SOCKET) return true;
  // Redis 7.0's islocalClient: exactly 127.0.0.1 or ::1 (127.0.0.2 is not local).
  const a = c.addr;
  return a.startsWith('127.0.0.1:') || a.startsWith('[::1]:') || c.socket === null;
}

/** Reject before execution: error reply plus rejected_calls. */
function reject(c: Client, e: CommandEntry, msg: string): void {
  e.stats.rejected++;
  // A rejected EXEC discards the transaction (Redis's execCommandAbort), in MULTI or not.
  if (e.parent === null && e.spec.name === 'exec') execCommandAbort(c, msg);
  else c.error(msg);
  if (c.flags & CF.MULTI) flagTransaction(c);
}

/**
 * Execute a command: time snapshot, handler, stats. Every executed command
 * (direct, MULTI body, script, replicated) passes here exactly once.
 */
export function call(c: Client, e: CommandEntry, argv: string[]): void {
  const srv = c.server;
  // Start reading: handed over by processInput's chain, else read now (nested
  // calls such as EXEC's queued commands, and calls from timers).
  let t0 = srv.chainStart;
  srv.chainStart = -1;
  if (t0 < 0) t0 = performance.now();
  // The command's time snapshot: wall clock derived from the monotonic reading
  // we take anyway for the latency stats (re-synced every read batch / tick).
  // Nested calls (EXEC's queue) keep the outermost command's snapshot, as Redis: no key may expire
  // half-way through a transaction.
  if (srv.callDepth === 0) srv.now = srv.wallBase + Math.floor(t0 - srv.perfBase);
  srv.noTouch = (c.flags & CF.NO_TOUCH) !== 0;
  const errorsBefore = c.errors;
  const outer = srv.callDepth++ === 0;
  if (outer) srv.currentClient = c;
  try {
    (e.spec.handler as (c: Client, a: string[]) => void)(c, argv);
  } catch (err) {
    handlerFailure(c, e, err);
  }
  srv.callDepth--;
  // Client-side caching: remember what a tracking client read; its own invalidations follow the reply.
  const tracking = srv.tracking;
  if (tracking.clients !== 0) {
    if (e.flagBits & CMD.READONLY && srv.currentClient !== null) tracking.afterRead(srv.currentClient, e, argv);
    if (outer && tracking.hasPending) tracking.flushPending(c);
  }
  if (outer) srv.currentClient = null;
  const t1 = performance.now();
  srv.lastCallEnd = t1;
  srv.noTouch = false;
  // MONITOR: fed after execution, blocked or not (monitor.ts).
  if (srv.monitors.length !== 0) feedMonitors(c, e, argv);
  // total_commands_processed counts a blocking command when it first runs (not when re-run to serve
  // it); its commandstats entry counts it once, when it is served or times out (blocking.ts).
  const blocking = srv.blocking;
  if (blocking.rerun !== c) srv.stats.totalCommands++;
  if (blocking.justBlocked) {
    blocking.justBlocked = false;
    return;
  }
  const us = (t1 - t0) * 1000;
  const st = e.stats;
  st.calls++;
  st.usec += us;
  if (srv.config.latencyTracking) recordLatency(st, us);
  if (c.errors !== errorsBefore) st.failed++;
  // SLOWLOG and latency monitor: one comparison unless the command was slow (slowlog.ts).
  if (us >= srv.slowCallUs) slowCall(c, e, argv, us);
  if (srv.gate.afterCall !== null) srv.gate.afterCall(c, e, argv);
}

/**
 * A handler threw (a bug, or an allocation the VM refused, e.g. a reply of
 * billions of elements). Nothing a client sends may take the server down:
 * log the stack, answer with an error and close this client only, because
 * its reply stream may hold half of a reply. Other clients and the data are
 * unaffected (handlers validate before they mutate).
 */
function handlerFailure(c: Client, e: CommandEntry, err: unknown): void {
  const msg = err instanceof Error ? err.message : String(err);
  c.server.log.warning(`Command '${e.fullName}' failed: ${err instanceof Error ? err.stack ?? msg : msg}`);
  c.error(`ERR internal error while running '${e.fullName}': ${msg}`);
  c.flags |= CF.CLOSE_AFTER_REPLY;
}

/** Add one call's duration (microseconds) to the command's latency histogram (INFO latencystats). */
function recordLatency(st: CommandEntry['stats'], us: number): void {
  let h = st.hist;
  if (h === null) h = st.hist = new LatencyHistogram();
  h.record(us * 1000);
}
