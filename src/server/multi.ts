/* ==========================================================================
 * MULTI state: the per-client command queue and the transaction flags.
 *
 * The gatekeeper (dispatch.ts) queues every command of a client in MULTI
 * except the transaction controls, and flags the transaction when a command
 * is rejected at queue time (EXEC then answers EXECABORT), as Redis's
 * queueMultiCommand / flagTransaction. EXEC itself lives in the MULTI family
 * (commands/multi.ts); WATCH bookkeeping in watch.ts.
 * ========================================================================== */

import type { CommandEntry } from '../commands/table';
import { CF, type Client } from './client';
import { watchStateIfAny } from './watch';

/** One queued command: its resolved entry and arguments. */
export interface QueuedCommand {
  e: CommandEntry;
  argv: string[];
}

/** Commands that run immediately inside MULTI instead of being queued. */
const MULTI_CONTROL = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** True if `e` is executed (not queued) while the client is in MULTI. */
export function runsInsideMulti(e: CommandEntry): boolean {
  return e.parent === null && MULTI_CONTROL.has(e.spec.name);
}

/** Size of one argv pointer in Redis's multi-mem accounting (sizeof(robj*)). */
const ARG_POINTER = 8;

/**
 * Queue a command of a client in MULTI and answer +QUEUED. An already
 * aborted transaction (DIRTY_EXEC / DIRTY_CAS) keeps answering QUEUED but
 * stores nothing, as Redis does. multi-mem counts, like Redis's
 * argv_len_sums, the argument bytes plus one pointer per argument.
 */
export function queueMultiCommand(c: Client, e: CommandEntry, argv: string[]): void {
  if ((c.flags & (CF.DIRTY_EXEC | CF.DIRTY_CAS)) === 0) {
    c.mqueue.push({ e, argv });
    c.multiCount++;
    let bytes = ARG_POINTER * argv.length;
    for (let i = 0; i < argv.length; i++) bytes += argv[i].length;
    c.multiMem += bytes;
    c.multiCmdFlags |= e.flagBits;
  }
  c.w.simple('QUEUED');
}

/** A command was rejected while in MULTI: EXEC will fail with EXECABORT. */
export function flagTransaction(c: Client): void {
  if (c.flags & CF.MULTI) c.flags |= CF.DIRTY_EXEC;
}

/**
 * Leave MULTI (Redis's discardTransaction): drop the queue, clear MULTI and
 * both dirty flags, stop watching every key. Used by EXEC, DISCARD, RESET.
 */
export function discardTransaction(c: Client): void {
  c.mqueue = [];
  c.multiCount = 0;
  c.multiMem = 0;
  c.multiCmdFlags = 0;
  c.flags &= ~(CF.MULTI | CF.DIRTY_CAS | CF.DIRTY_EXEC);
  const ws = watchStateIfAny(c.server);
  if (ws !== null) ws.unwatchAll(c);
}

/**
 * EXEC itself was rejected by the gatekeeper (arity, NOAUTH, RESP2 pub/sub
 * context...): Redis's execCommandAbort discards the transaction (even when
 * the client was not in MULTI) and wraps the reason in an EXECABORT error.
 * `msg` is the rejection as it would have been replied ("ERR ..." loses its
 * code, other codes such as NOAUTH are kept, as in Redis).
 */
export function execCommandAbort(c: Client, msg: string): void {
  discardTransaction(c);
  const reason = msg.startsWith('ERR ') ? msg.slice(4) : msg;
  c.error('EXECABORT Transaction discarded because of: ' + reason);
}
