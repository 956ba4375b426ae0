/* ==========================================================================
 * Cron: Redis's serverCron at `hz` ticks per second, on one coarse shared
 * timer (never a timer per key or per client).
 *
 * Each tick: refresh the LRU clock, run the active expiry cycle under its
 * time budget, shrink emptied tables, migrate hash-table buckets (1 ms
 * per tick, as Redis's incrementallyRehash), close idle clients, sample
 * instantaneous metrics. Every job is bounded in time, so a tick never
 * stalls the event loop even with millions of keys.
 * ========================================================================== */

import type { Server } from './server';
import { expireCycleLatency } from './latency';
import { refreshClientsMemory } from './memory';
import { clientsMemCron } from './client-evict';
// The module's binding, not the `performance` global: in Node that global is a lazy getter, run on every use.
import { performance } from 'node:perf_hooks';

/** Keys sampled per loop at effort 1 (ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
const KEYS_PER_LOOP = 20;
/** Percent of one tick the slow cycle may use at effort 1. */
const SLOW_TIME_PERC = 25;
/** Stop looping on a db when at most this percent of sampled keys were stale. */
const ACCEPTABLE_STALE = 10;
/** Time budget of a fast cycle at effort 1, in ms (ACTIVE_EXPIRE_CYCLE_FAST_DURATION, 1000 us). */
const FAST_DURATION_MS = 1;
/** Databases visited per expiry cycle (CRON_DBS_PER_CALL). */
const DBS_PER_CALL = 16;

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
  private readonly whensOut: number[] = [];
  /** Next db the expiry cycle starts from (round robin across calls). */
  private expireDb = 0;
  /** Next db to get incremental rehash time. */
  private rehashDb = 0;
  /** The previous expiry cycle stopped on its time budget (visit every db next time). */
  private timelimitExit = false;
  /** performance.now() of the last fast expiry cycle. */
  private lastFastCycle = -Infinity;
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
    srv.syncClock();
    srv.updateLruClock();
    const now = Date.now();
    if (srv.blocking.count !== 0) srv.blocking.handleTimeouts(now);
    refreshClientsMemory(srv); // client buffers count in used_memory (maxmemory)
    if (srv.config.activeExpireEnabled) this.activeExpireCycle();
    this.databasesRehash();
    if (now - this.lastClientsCheck >= 1000) {
      this.lastClientsCheck = now;
      this.clientsCron(now);
      clientsMemCron(srv); // maxmemory-clients: re-measure everyone, evict if over
    }
    if (now - this.lastMetrics >= 100) {
      this.lastMetrics = now;
      this.opsPerSec.track(now, srv.stats.totalCommands);
      this.netInPerSec.track(now, srv.stats.netInput);
      this.netOutPerSec.track(now, srv.stats.netOutput);
    }
  }

  /**
   * The fast expiry cycle Redis runs in beforeSleep: the listener calls
   * this after each batch of client input. It only works while the last
   * slow cycle hit its time cap, at most once per 2 fast budgets, for at
   * most (1 + effort/4) ms — so a mass expiry is reclaimed faster while
   * clients are active, without a long pause.
   */
  beforeSleep(): void {
    if (this.srv.config.activeExpireEnabled && this.timer !== null) this.activeExpireCycle(true);
  }

  /**
   * Redis 7.0's active expiry cycle (expire.c activeExpireCycle), slow
   * (cron) or fast (beforeSleep), reclaiming expired keys nobody accesses:
   * - visits CRON_DBS_PER_CALL dbs per call round robin (all of them when
   *   the previous call ran out of time);
   * - per db, loops: sample min(size, keys-per-loop) volatile keys through
   *   a SCAN cursor over `expires` (at most 20 buckets per wanted key),
   *   delete the expired ones, and loop again while more than the
   *   acceptable percentage of the sample was stale (or nothing was found);
   * - skips a db whose expiry table is under 1% full (the cron's resize
   *   shrinks it first, sampling it would mostly hit empty buckets);
   * - checks the clock every 16 loops against a budget of
   *   (25 + 2*effort)% of one tick (fast: 1 + effort/4 ms), counting
   *   expired_time_cap_reached.
   * Side effects: deletes keys (Db.deleteExpired: the host counts
   * expired_keys and emits 'expired'), updates avg_ttl per db and the
   * expired_stale_perc / expire_cycle_cpu_milliseconds stats.
   * Never runs when the host disabled expiry (replica / loading).
   */
  activeExpireCycle(fast = false): void {
    const srv = this.srv;
    if (!srv.expireEnabled) return;
    const effort = Math.max(0, srv.config.activeExpireEffort - 1);
    const perLoop = KEYS_PER_LOOP + Math.floor(KEYS_PER_LOOP / 4) * effort;
    const hz = Math.max(1, srv.config.hz || 10);
    const acceptable = ACCEPTABLE_STALE - effort;
    const fastMs = FAST_DURATION_MS + (FAST_DURATION_MS / 4) * effort;
    // Redis compares the stale *fraction* with a *percentage* here, so in
    // practice only a slow cycle that ran out of time enables fast cycles.
    // Checked before reading the clock: this runs after every read batch.
    if (fast && !this.timelimitExit && srv.stats.expiredStalePerc < acceptable) return;
    const start = performance.now();
    if (fast) {
      if (start < this.lastFastCycle + fastMs * 2) return;
      this.lastFastCycle = start;
    }
    // Redis computes the limit in whole microseconds (at least 1).
    const budgetMs = fast
      ? fastMs
      : Math.max(1, Math.floor(((SLOW_TIME_PERC + 2 * effort) * 1000000) / hz / 100)) / 1000;
    const out = this.keysOut;
    const whens = this.whensOut;
    const ndb = srv.dbs.length;
    const dbsPerCall = this.timelimitExit || ndb < DBS_PER_CALL ? ndb : DBS_PER_CALL;
    this.timelimitExit = false;
    let totalSampled = 0, totalExpired = 0;
    let iteration = 0;
    for (let j = 0; j < dbsPerCall && !this.timelimitExit; j++) {
      const db = srv.dbs[this.expireDb % ndb];
      this.expireDb = (this.expireDb + 1) % ndb;
      const expires = db.expires;
      let sampled = 0, expired = 0;
      do {
        iteration++;
        let num = expires.size;
        if (num === 0) {
          db.avgTtl = 0;
          break;
        }
        const slots = expires.buckets;
        if (slots > 4 && Math.floor((num * 100) / slots) < 1) break;
        const now = Date.now();
        srv.now = now;
        sampled = 0;
        expired = 0;
        let ttlSum = 0, ttlSamples = 0;
        if (num > perLoop) num = perLoop;
        const maxBuckets = num * 20;
        let buckets = 0;
        while (sampled < num && buckets < maxBuckets) {
          out.length = 0;
          whens.length = 0;
          db.expiresCursor = expires.scan(db.expiresCursor, out, whens);
          buckets++;
          for (let i = 0; i < out.length; i++) {
            const when = whens[i];
            sampled++;
            if (when < now) {
              db.deleteExpired(out[i]);
              expired++;
            } else {
              ttlSum += when - now;
              ttlSamples++;
            }
          }
          // A full pass over a small table: do not sample the same keys twice.
          if (db.expiresCursor === 0) break;
        }
        totalSampled += sampled;
        totalExpired += expired;
        if (ttlSamples > 0) {
          const avg = Math.floor(ttlSum / ttlSamples);
          if (db.avgTtl === 0) db.avgTtl = avg;
          db.avgTtl = Math.floor(db.avgTtl / 50) * 49 + Math.floor(avg / 50);
        }
        if ((iteration & 15) === 0 && performance.now() - start > budgetMs) {
          this.timelimitExit = true;
          srv.stats.expiredTimeCapReached++;
          break;
        }
      } while (sampled === 0 || Math.floor((expired * 100) / sampled) > acceptable);
    }
    const elapsed = performance.now() - start;
    this.lastExpireMs = elapsed;
    if (srv.config.latencyMonitorThreshold > 0) expireCycleLatency(srv, elapsed);
    srv.stats.expireCycleCpuMs += elapsed;
    const current = totalSampled ? totalExpired / totalSampled : 0;
    srv.stats.expiredStalePerc = current * 0.05 + srv.stats.expiredStalePerc * 0.95;
  }

  /**
   * Redis's databasesCron resize/rehash part: start shrinking mostly-empty
   * tables, then give incremental rehashing 1 ms in total per tick — to the
   * first db (round robin) whose keyspace, else expiry table, is rehashing —
   * so several rehashing dbs never add up to a long tick.
   */
  private databasesRehash(): void {
    const dbs = this.srv.dbs;
    for (let i = 0; i < dbs.length; i++) dbs[i].resize();
    for (let j = 0; j < dbs.length; j++) {
      const db = dbs[this.rehashDb];
      if (db.dict.rehashing) {
        db.dict.rehashFor(1);
        return;
      }
      if (db.expires.rehashing) {
        db.expires.rehashFor(1);
        return;
      }
      this.rehashDb = (this.rehashDb + 1) % dbs.length;
    }
  }

  /** Close clients idle longer than `timeout` seconds (not blocked / pubsub / monitors). */
  private clientsCron(now: number): void {
    const srv = this.srv;
    const timeout = srv.config.timeout;
    if (timeout <= 0) return;
    for (const c of srv.clients.values()) {
      if (c.flags & ((1 << 3) | (1 << 4) | (1 << 5) | (1 << 15))) continue; // PUBSUB | BLOCKED | MONITOR | POSTPONED
      if (now - c.lastInteraction > timeout * 1000) {
        srv.log.verbose('Closing idle client');
        srv.closeClient(c);
      }
    }
  }
}
