/* ==========================================================================
 * Transactions family: MULTI, EXEC, DISCARD, WATCH, UNWATCH.
 *
 * Between MULTI and EXEC the gatekeeper queues the client's commands
 * (server/multi.ts); a command rejected at queue time flags the transaction
 * and EXEC answers EXECABORT. EXEC runs the queue through call() — each
 * command is counted in its own commandstats — with CF.DENY_BLOCKING set,
 * so blocking commands answer their timeout reply at once, and replies one
 * array holding every command's reply (runtime errors are elements, they do
 * not stop the rest). CF.MULTI stays set while the queue runs (CLIENT LIST
 * shows flags=x multi=N), as in Redis. Clients blocked on keys the queue
 * made ready are served by the gatekeeper after the whole EXEC.
 *
 * WATCH (server/watch.ts) makes EXEC answer a null array if a watched key
 * was modified, flushed, swapped or expired in between.
 * ========================================================================== */

import type { CommandSpec, KeySpec } from './spec';
import { CF, type Client } from '../server/client';
import { call } from '../server/dispatch';
import { discardTransaction } from '../server/multi';
import { watchState, watchStateIfAny } from '../server/watch';
import type { Server } from '../server/server';

// --- helpers ---------------------------------------------------------------------

/** The server's WATCH state, installing the MULTI/WATCH hooks on first use. */
function stateOf(c: Client) {
  return watchState(c.server, discardTransaction);
}

// --- handlers --------------------------------------------------------------------

/** MULTI: enter the queueing state. */
function multiCommand(c: Client): void {
  if (c.flags & CF.MULTI) {
    c.error('ERR MULTI calls can not be nested');
    return;
  }
  stateOf(c);
  c.flags |= CF.MULTI;
  c.w.ok();
}

/** DISCARD: drop the queue and every watch, leave MULTI. */
function discardCommand(c: Client): void {
  if (!(c.flags & CF.MULTI)) {
    c.error('ERR DISCARD without MULTI');
    return;
  }
  discardTransaction(c);
  c.w.ok();
}

/**
 * EXEC: run the queue atomically, or refuse: EXECABORT after a queue-time
 * error, a null array when a watched key was touched or has logically
 * expired since WATCH. Errors of the queued commands count in their own
 * stats, not as a failure of EXEC (Redis tracks errors per call, nested
 * ones included, so EXEC only fails for its own errors).
 */
function execCommand(c: Client): void {
  if (!(c.flags & CF.MULTI)) {
    c.error('ERR EXEC without MULTI');
    return;
  }
  const srv = c.server;
  const ws = watchStateIfAny(srv);
  if (ws !== null && ws.anyExpired(c)) c.flags |= CF.DIRTY_CAS;
  if (c.flags & (CF.DIRTY_CAS | CF.DIRTY_EXEC)) {
    if (c.flags & CF.DIRTY_EXEC) c.error('EXECABORT Transaction discarded because of previous errors.');
    else c.w.nullArray();
    discardTransaction(c);
    return;
  }
  const denied = (c.flags & CF.DENY_BLOCKING) !== 0;
  c.flags |= CF.DENY_BLOCKING;
  if (ws !== null) ws.unwatchAll(c); // nothing the queue does can fail it now
  const queue = c.mqueue;
  const execEntry = c.cmd;
  const errors = c.errors;
  c.w.arrayLen(queue.length);
  try {
    for (let i = 0; i < queue.length; i++) {
      const q = queue[i];
      c.cmd = q.e;
      call(c, q.e, q.argv); // nested: keeps EXEC's time snapshot (see dispatch.ts call())
    }
  } finally {
    if (!denied) c.flags &= ~CF.DENY_BLOCKING;
    c.cmd = execEntry;
    c.errors = errors;
    discardTransaction(c);
  }
}

/**
 * WATCH key [key ...]: watch keys of the current db. Not inside MULTI; a
 * no-op (still OK) when the client is already dirty, as in Redis.
 */
function watchCommand(c: Client, argv: string[]): void {
  if (c.flags & CF.MULTI) {
    c.error('ERR WATCH inside MULTI is not allowed');
    return;
  }
  if (c.flags & CF.DIRTY_CAS) {
    c.w.ok();
    return;
  }
  const ws = stateOf(c);
  for (let i = 1; i < argv.length; i++) ws.watch(c, argv[i]);
  c.w.ok();
}

/** UNWATCH: forget every watched key and the dirty mark. */
function unwatchCommand(c: Client): void {
  const ws = watchStateIfAny(c.server);
  if (ws !== null) ws.unwatchAll(c);
  c.flags &= ~CF.DIRTY_CAS;
  c.w.ok();
}

// --- table -----------------------------------------------------------------------

const CONTROL_FLAGS = ['noscript', 'loading', 'stale', 'fast', 'allow_busy'] as const;

const WATCH_KEYS: KeySpec = {
  flags: ['RO'],
  begin_search: { type: 'index', index: 1 },
  find_keys: { type: 'range', lastkey: -1, step: 1, limit: 0 },
};

export const MULTI_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'multi', arity: 1, flags: CONTROL_FLAGS, acl: ['transaction'],
    summary: 'Begin a transaction: the following commands are queued until EXEC.', since: '1.2.0',
    group: 'transactions', complexity: 'O(1)',
    handler: multiCommand,
  },
  {
    name: 'exec', arity: 1, flags: ['noscript', 'loading', 'stale', 'skip_slowlog'], acl: ['transaction'],
    summary: 'Run every command queued since MULTI, atomically.', since: '1.2.0', group: 'transactions',
    complexity: 'Depends on commands in the transaction',
    handler: execCommand,
  },
  {
    name: 'discard', arity: 1, flags: CONTROL_FLAGS, acl: ['transaction'],
    summary: 'Drop the commands queued since MULTI and leave the transaction.', since: '2.0.0',
    group: 'transactions', complexity: 'O(N), when N is the number of queued commands',
    handler: discardCommand,
  },
  {
    name: 'watch', arity: -2, flags: CONTROL_FLAGS, acl: ['transaction'],
    keySpecs: [WATCH_KEYS],
    summary: 'Make the next EXEC fail if any of these keys changes before it.', since: '2.2.0',
    group: 'transactions', complexity: 'O(1) for every key.',
    arguments: [{ name: 'key', type: 'key', key_spec_index: 0, flags: ['multiple'] }],
    handler: watchCommand,
  },
  {
    name: 'unwatch', arity: 1, flags: CONTROL_FLAGS, acl: ['transaction'],
    summary: 'Stop watching every key watched by this connection.', since: '2.2.0', group: 'transactions',
    complexity: 'O(1)',
    handler: unwatchCommand,
  },
];
