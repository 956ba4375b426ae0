/* ==========================================================================
 * Cross-protocol scripting guard: "POST" and "Host:" as a command name.
 *
 * A browser tricked into POSTing to a Redis port sends an HTTP request; every
 * line of it would be run as an inline command. Redis 7.0 refuses such a
 * client at the very top of processCommand (before the command lookup, so
 * before auth, arity or MULTI queueing): it logs a warning (at most once a
 * minute), sends no reply at all — not even the replies still buffered for
 * earlier commands of the same read — and closes the connection.
 *
 * These are not commands in Redis 7.0 (COMMAND INFO post is nil, COMMAND
 * COUNT does not include them), so this is a check on the socket input path
 * (server/dispatch.ts processInput), not a command table entry.
 * Commands run from scripts or MULTI bodies never reach it, as in Redis.
 * ========================================================================== */

import type { Client } from '../server/client';
import type { Server } from '../server/server';

/** Redis's log line for the attack (logged at warning level). */
export const SECURITY_WARNING =
  'Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. ' +
  'This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. ' +
  'Connection aborted.';

/** Last time (unix seconds) each server logged the warning: Redis logs it at most once every 60 s. */
const lastLogged = new WeakMap<Server, number>();

/** True when argv[0] is "post" or "host:" in any letter case (Redis's strcasecmp). */
export function isCrossProtocolAttack(argv: readonly string[]): boolean {
  const a = argv[0];
  if (a.length !== 4 && a.length !== 5) return false;
  // Compared char by char (any case) instead of through toLowerCase(): this runs for every command.
  // `| 0x20` folds ASCII case; only 'P'/'p' etc. fold onto the letters compared, and ':' is exact.
  if ((a.charCodeAt(1) | 0x20) !== 0x6f || (a.charCodeAt(2) | 0x20) !== 0x73 || (a.charCodeAt(3) | 0x20) !== 0x74) return false;
  const f = a.charCodeAt(0) | 0x20;
  return a.length === 4 ? f === 0x70 /* post */ : f === 0x68 && a.charCodeAt(4) === 0x3a /* host: */;
}

/**
 * Redis's securityWarningCommand: log (rate limited), drop every reply not
 * yet written for this client and close the connection at once. The caller
 * must stop processing the client's input afterwards (the client is
 * unlinked, so CLOSE_ASAP is set).
 */
export function securityWarning(c: Client): void {
  const srv = c.server;
  const now = Math.floor(Date.now() / 1000);
  if (now - (lastLogged.get(srv) ?? 0) > 60) {
    srv.log.warning(SECURITY_WARNING);
    lastLogged.set(srv, now);
  }
  c.w.discard();
  srv.closeClient(c);
}
