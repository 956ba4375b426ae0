/* ==========================================================================
 * MONITOR: turn the connection into a monitor of every executed command
 * (server/monitor.ts has the feed, its format and what it hides).
 * ========================================================================== */

import type { CommandSpec } from './spec';
import { CF, type Client } from '../server/client';
import { startMonitor } from '../server/monitor';

/**
 * MONITOR. Refused to clients that need one reply per command (inside EXEC,
 * scripts: CF.DENY_BLOCKING); ignored without any reply by a client that is
 * already a monitor (or a replica); else +OK and the stream starts.
 */
function monitorCommand(c: Client): void {
  if (c.flags & CF.DENY_BLOCKING) {
    c.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  if (c.flags & CF.SLAVE) return;
  startMonitor(c);
  c.w.ok();
}

export const MONITOR_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'monitor', arity: 1, flags: ['admin', 'noscript', 'loading', 'stale'],
    summary: 'Stream every command the server runs to this connection, as it runs them.', since: '1.0.0',
    group: 'server', handler: monitorCommand,
  },
];
