/* ==========================================================================
 * Cron: Redis's serverCron at `hz` ticks per second, on one coarse shared
 * timer (never a timer per key or per client).
 *
 * Each tick: refresh the LRU clock, run the active expiry cycle under its
 * time budget, migrate hash-table buckets (1 ms per db, as Redis's
 * incrementallyRehash), shrink emptied tables, close idle clients, sample
 * instantaneous metrics. Every job is bounded in time, so a tick never
 * stalls the event loop even with millions of keys.
 * ========================================================================== */

import type { Server } from './server';

/** Keys sampled per loop at effort 1 (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
const KEYS_PER_LOOP = 20;
/** Percent of one tick the slow cycle may use at effort 1. */
const SLOW_TIME_PERC = 25;
/** Stop looping on a db when at most this percent of sampled keys were stale. */
const ACCEPTABLE_STALE = 10;

/** Ring of (time, value) samples for INFO instantaneous_* metrics. */
class MetricSamples {
  private readonly vals = new Float64Array(16);
  private idx = 0;
  private lastTime = 0;
  private lastCount = 0;

  /** Record the rate of `count` (a running total) since the previous sample. */
  track(now: number, count: number): void {
    if (this.lastTime !== 0) {
      const dt = now - this.lastTime;
      const rate = dt > 0 ? ((count - this.lastCount) * 1000) / dt : 0;
      this.vals[this.idx] = rate;
      this.idx = (this.idx + 1) % this.vals.length;
    }
    this.lastTime = now;
    this.lastCount = count;
  }

  get average(): number {
    let s = 0;
    for (let i = 0; i < this.vals.length; i++) s += this.vals[i];
    return s / this.vals.length;
  }
}

export class Cron {
  private timer: NodeJS.Timeout | null = null;
  private readonly keysOut: string[] = [];
  /** Next db the expiry cycle starts from (round robin across calls). */
  private expireDb = 0;
  private lastClientsCheck = 0;
  private lastMetrics = 0;
  readonly opsPerSec = new MetricSamples();
  readonly netInPerSec = new MetricSamples();
  readonly netOutPerSec = new MetricSamples();
  /** Milliseconds of expiry work in the last cycle (for tests / INFO). */
  lastExpireMs = 0;
  /** Ticks run so far (INFO cron counters). */
  ticks = 0;

  constructor(private readonly srv: Server) {}

  start(): void {
    this.stop();
    const hz = Math.max(1, Math.min(500, this.srv.config.hz || 10));
    this.timer = setInterval(() => this.tick(), Math.floor(1000 / hz));
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Re-arm after a CONFIG SET hz. */
  restart(): void {
    if (this.timer !== null) this.start();
  }

  tick(): void {
    const srv = this.srv;
    this.ticks++;
    srv.updateLruClock();
    const now = Date.now();
    if (srv.config.activeExpireEnabled) this.activeExpireCycle();
    for (const db of srv.dbs) {
      db.resize();
      if (db.dict.rehashing || db.expires.rehashing) db.rehashFor(1);
    }
    if (now - this.lastClientsCheck >= 1000) {
      this.lastClientsCheck = now;
      this.clientsCron(now);
    }
    if (now - this.lastMetrics >= 100) {
      this.lastMetrics = now;
      this.opsPerSec.track(now, srv.stats.totalCommands);
      this.netInPerSec.track(now, srv.stats.netInput);
      this.netOutPerSec.track(now, srv.stats.netOutput);
    }
  }

  /**
   * Redis's slow active expiry cycle: for each db, sample volatile keys
   * through a SCAN cursor over the expires dict, delete the expired ones,
   * and repeat while more than ACCEPTABLE_STALE percent were expired — all
   * under a time budget of SLOW_TIME_PERC percent of a tick.
   */
  activeExpireCycle(): void {
    const srv = this.srv;
    const effort = srv.config.activeExpireEffort - 1;
    const perLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * effort;
    const hz = Math.max(1, srv.config.hz || 10);
    const budgetMs = ((SLOW_TIME_PERC + 2 * effort) * 1000) / hz / 100;
    const acceptable = ACCEPTABLE_STALE - effort;
    const start = performance.now();
    const out = this.keysOut;
    let totalSampled = 0, totalExpired = 0;
    let timedOut = false;
    srv.now = Date.now();
    const ndb = srv.dbs.length;
    for (let j = 0; j < ndb && !timedOut; j++) {
      const db = srv.dbs[this.expireDb];
      this.expireDb = (this.expireDb + 1) % ndb;
      let iteration = 0;
      for (;;) {
        if (db.expires.size === 0) break;
        let sampled = 0, expired = 0, buckets = 0, ttlSum = 0, ttlSamples = 0;
        const maxBuckets = perLoop * 20;
        while (sampled < perLoop && buckets < maxBuckets) {
          out.length = 0;
          db.expiresCursor = db.expires.scan(db.expiresCursor, out);
          buckets++;
          for (let i = 0; i < out.length; i++) {
            const key = out[i];
            sampled++;
            const when = db.expires.get(key);
            if (when === undefined) continue;
            if (when <= srv.now) {
              if (db.expireIfNeeded(key)) expired++;
            } else {
              ttlSum += when - srv.now;
              ttlSamples++;
            }
          }
          if (db.expiresCursor === 0) break;
        }
        totalSampled += sampled;
        totalExpired += expired;
        if (ttlSamples > 0) {
          const avg = ttlSum / ttlSamples;
          db.avgTtl = db.avgTtl === 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
        }
        iteration++;
        if ((iteration & 15) === 0 && performance.now() - start > budgetMs) {
          timedOut = true;
          srv.stats.expiredTimeCapReached++;
          break;
        }
        if (sampled === 0 || (expired * 100) / sampled <= acceptable) break;
      }
    }
    const elapsed = performance.now() - start;
    this.lastExpireMs = elapsed;
    srv.stats.expireCycleCpuMs += elapsed;
    const current = totalSampled ? totalExpired / totalSampled : 0;
    srv.stats.expiredStalePerc = current * 0.05 + srv.stats.expiredStalePerc * 0.95;
  }

  /** Close clients idle longer than `timeout` seconds (not blocked / pubsub / monitors). */
  private clientsCron(now: number): void {
    const srv = this.srv;
    const timeout = srv.config.timeout;
    if (timeout <= 0) return;
    for (const c of srv.clients.values()) {
      if (c.flags & ((1 << 3) | (1 << 4) | (1 << 5))) continue; // PUBSUB | BLOCKED | MONITOR
      if (now - c.lastInteraction > timeout * 1000) {
        srv.log.verbose('Closing idle client');
        srv.closeClient(c);
      }
    }
  }
}
