/* ==========================================================================
 * Server processes started by the benchmarks: one registry, killed on exit
 * (and by the signal handlers of whichever script is the entry point), so
 * no redis-server or Respite outlives a run.
 * ========================================================================== */

import * as net from 'node:net';

/** Every server process started and not yet reaped. */
export const children = new Set();

/** Kill every server started (idempotent: exit, errors, signals). */
export function killAll() {
  for (const p of children) {
    if (p.exitCode === null && p.signalCode === null) {
      try { p.kill('SIGKILL'); } catch { /* already gone */ }
    }
  }
  children.clear();
}
process.on('exit', killAll);

/** SIGINT / SIGTERM: kill the servers and exit (entry-point scripts call this once). */
export function killOnSignals() {
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { killAll(); process.exit(130); });
}

/** A free loopback TCP port (bound and released). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}
