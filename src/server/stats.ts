/* ==========================================================================
 * Server-wide counters reported by INFO (stats, errorstats) and reset by
 * CONFIG RESETSTAT.
 * ========================================================================== */

import { errorCode } from '../protocol/errors';

/** Redis stops adding new errorstats entries past this many distinct codes. */
const ERRORSTATS_MAX = 128;

export class Stats {
  totalConnections = 0;
  totalCommands = 0;
  rejectedConnections = 0;
  netInput = 0;
  netOutput = 0;
  expiredKeys = 0;
  expiredStalePerc = 0;
  expiredTimeCapReached = 0;
  expireCycleCpuMs = 0;
  evictedKeys = 0;
  /** Clients disconnected by maxmemory-clients (server/client-evict.ts). */
  evictedClients = 0;
  keyspaceHits = 0;
  keyspaceMisses = 0;
  totalErrorReplies = 0;
  unexpectedErrorReplies = 0;
  totalReadsProcessed = 0;
  totalWritesProcessed = 0;
  clientQueryBufferLimitDisconnections = 0;
  clientOutputBufferLimitDisconnections = 0;
  /** Error code -> count (INFO errorstats). */
  errors = new Map<string, number>();

  countError(msg: string): void {
    this.totalErrorReplies++;
    const code = errorCode(msg);
    const n = this.errors.get(code);
    if (n !== undefined) this.errors.set(code, n + 1);
    else if (this.errors.size < ERRORSTATS_MAX) this.errors.set(code, 1);
  }

  reset(): void {
    const fresh = new Stats();
    Object.assign(this, fresh);
  }
}
