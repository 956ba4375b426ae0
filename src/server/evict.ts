/* ==========================================================================
 * maxmemory: eviction policies, the eviction pool, LFU counters.
 *
 * Like Redis 7.0 (evict.c), before each command (when `maxmemory` is set)
 * performEvictions() compares used memory (server/memory.ts usedMemory:
 * the keyspace account + dict structures + client buffers) with the
 * budget and deletes keys until it fits:
 *   - *-lru / *-lfu / volatile-ttl: each pass samples `maxmemory-samples`
 *     keys per database (allkeys-*: the keyspace, volatile-*: keys with a
 *     TTL) into a 16-entry pool kept sorted by "idle" score (seconds idle
 *     x 1000, 255 - LFU counter, or how soon the key expires) and evicts
 *     the best candidate that still exists;
 *   - *-random: a random key of the next non-empty database, round robin;
 *   - noeviction: nothing is deleted; denyoom commands get -OOM.
 * A pass stops after maxmemory-eviction-tenacity's time slice (500 us at
 * the default 10); if memory is still over the budget it goes on from a
 * setImmediate loop between event-loop turns (Redis's evictionTimeProc), so
 * eviction never stalls the loop. Each evicted key: evicted_keys++, the
 * modified-key signal (WATCH, tracking) and the "evicted" keyspace event.
 *
 * Access metadata: every key has a 32-bit word (store/dict.ts). Under LRU
 * it is the 24-bit LRU clock in seconds; under LFU it is Redis's 16-bit
 * minutes timestamp << 8 | an 8-bit logarithmic counter, decayed by one
 * per lfu-decay-time minutes idle and raised with probability
 * 1 / ((counter - 5) * lfu-log-factor + 1) per access.
 * ========================================================================== */

import type { Server } from './server';
import type { Db } from '../store/db';
import { usedMemory } from './memory';
import { NC } from './keyspace';

// --- policies ---------------------------------------------------------------------

/** Policy bits: which keys are candidates and how they are ranked. */
export const enum EvictPolicy {
  NOEVICTION = 0,
  /** Candidates are all keys (else only keys with a TTL). */
  ALLKEYS = 1 << 0,
  LRU = 1 << 1,
  LFU = 1 << 2,
  TTL = 1 << 3,
  RANDOM = 1 << 4,
}

/** maxmemory-policy name -> bits. */
export function policyBits(name: string): number {
  switch (name) {
    case 'volatile-lru': return EvictPolicy.LRU;
    case 'volatile-lfu': return EvictPolicy.LFU;
    case 'volatile-random': return EvictPolicy.RANDOM;
    case 'volatile-ttl': return EvictPolicy.TTL;
    case 'allkeys-lru': return EvictPolicy.ALLKEYS | EvictPolicy.LRU;
    case 'allkeys-lfu': return EvictPolicy.ALLKEYS | EvictPolicy.LFU;
    case 'allkeys-random': return EvictPolicy.ALLKEYS | EvictPolicy.RANDOM;
    default: return EvictPolicy.NOEVICTION;
  }
}

// --- LRU / LFU metadata words -----------------------------------------------------------

export const LRU_CLOCK_MAX = 0xffffff;
/** Counter given to new keys under LFU (so they are not evicted before they can be used). */
const LFU_INIT_VAL = 5;

/** Redis's LFUGetTimeInMinutes: unix minutes, 16 bits. */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 0xffff;
}

/** The LFU counter of `meta` after decay for the minutes elapsed (Redis's LFUDecrAndReturn). */
export function lfuDecayed(meta: number, nowMs: number, decayTime: number): number {
  const ldt = meta >>> 8;
  const counter = meta & 255;
  if (decayTime === 0) return counter;
  const now = lfuMinutes(nowMs);
  const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  const periods = Math.floor(elapsed / decayTime);
  if (periods === 0) return counter;
  return periods > counter ? 0 : counter - periods;
}

/** Logarithmic increment (Redis's LFULogIncr). */
function lfuLogIncr(counter: number, logFactor: number): number {
  if (counter === 255) return 255;
  const base = counter - LFU_INIT_VAL < 0 ? 0 : counter - LFU_INIT_VAL;
  const p = 1.0 / (base * logFactor + 1);
  return Math.random() < p ? counter + 1 : counter;
}

/** New metadata word of an accessed key under LFU (Redis's updateLFU). */
export function lfuTouch(meta: number, nowMs: number, srv: Server): number {
  const cfg = srv.config;
  const counter = lfuLogIncr(lfuDecayed(meta, nowMs, cfg.lfuDecayTime), cfg.lfuLogFactor);
  return ((lfuMinutes(nowMs) << 8) | counter) >>> 0;
}

/** Metadata word of a key created under LFU. */
export function lfuNew(nowMs: number): number {
  return ((lfuMinutes(nowMs) << 8) | LFU_INIT_VAL) >>> 0;
}

/** Seconds since the access recorded in an LRU word (Redis's estimateObjectIdleTime / 1000). */
export function lruIdleSeconds(meta: number, clock: number): number {
  const lru = meta & LRU_CLOCK_MAX;
  return clock >= lru ? clock - lru : clock + (LRU_CLOCK_MAX - lru);
}

// --- the eviction pool ----------------------------------------------------------------

/** Redis's EVPOOL_SIZE. */
const POOL_SIZE = 16;

/**
 * Best candidates seen so far, ascending by idle score (the best, to be
 * evicted first, is at the end). Entries persist between passes: a key
 * found gone or changed is just skipped when popped.
 */
class EvictionPool {
  readonly idle = new Float64Array(POOL_SIZE);
  readonly keys: (string | null)[] = new Array<string | null>(POOL_SIZE).fill(null);
  readonly dbs = new Int32Array(POOL_SIZE);
  /** Slot of the key in the sampled dict when it was sampled: a still-valid slot saves a lookup. */
  readonly slots = new Int32Array(POOL_SIZE);

  /** Insert a candidate (Redis's evictionPoolPopulate insertion rules). */
  insert(key: string, idle: number, dbid: number, slot: number): void {
    const keys = this.keys, idles = this.idle, dbs = this.dbs, slots = this.slots;
    let k = 0;
    while (k < POOL_SIZE && keys[k] !== null && idles[k] < idle) k++;
    if (k === 0 && keys[POOL_SIZE - 1] !== null) return; // worse than everything in a full pool
    if (k < POOL_SIZE && keys[k] === null) {
      // free slot: insert here
    } else if (keys[POOL_SIZE - 1] === null) {
      // free space on the right: shift k..end one to the right
      for (let j = POOL_SIZE - 1; j > k; j--) {
        keys[j] = keys[j - 1]; idles[j] = idles[j - 1]; dbs[j] = dbs[j - 1]; slots[j] = slots[j - 1];
      }
    } else {
      // full: drop the worst (index 0), shift 1..k-1 left, insert at k-1
      k--;
      for (let j = 0; j < k; j++) {
        keys[j] = keys[j + 1]; idles[j] = idles[j + 1]; dbs[j] = dbs[j + 1]; slots[j] = slots[j + 1];
      }
    }
    keys[k] = key; idles[k] = idle; dbs[k] = dbid; slots[k] = slot;
  }

  clear(): void {
    this.keys.fill(null);
  }
}

// --- the eviction loop ----------------------------------------------------------------

export const enum EvictResult {
  OK = 0,
  RUNNING = 1,
  FAIL = 2,
}

/** State kept by the server for eviction (stats and the background continuation). */
export class Eviction {
  readonly pool = new EvictionPool();
  /** Round-robin database cursor of the random policies. */
  private nextDb = 0;
  /** A setImmediate continuation is scheduled. */
  private procRunning = false;
  /** performance.now() when memory first went over the budget in the current episode (0: not over). */
  exceededSince = 0;
  /** Total ms spent over the budget in finished episodes. */
  exceededTotalMs = 0;
  private readonly samples: number[] = [];

  constructor(private readonly srv: Server) {}

  /** CONFIG RESETSTAT: the exceeded-time counters restart (Redis resets both). */
  resetStats(): void {
    this.exceededTotalMs = 0;
    this.exceededSince = 0;
  }

  /** ms over the budget in the current episode (INFO current_eviction_exceeded_time). */
  currentExceededMs(): number {
    return this.exceededSince === 0 ? 0 : performance.now() - this.exceededSince;
  }

  /**
   * Evict until used memory fits maxmemory or the time slice is spent.
   * OK: fits (or no budget); RUNNING: still over, continuing in the
   * background; FAIL: over and nothing (more) can be evicted.
   */
  perform(): EvictResult {
    const srv = this.srv;
    const cfg = srv.config;
    if (cfg.maxmemory === 0) return this.finish(EvictResult.OK);
    // Paused writes: nothing may be deleted now (Redis returns RUNNING).
    if (srv.pause.type !== 0) return this.finish(EvictResult.RUNNING);
    let used = usedMemory(srv);
    if (used <= cfg.maxmemory) return this.finish(EvictResult.OK);
    const policy = srv.evictPolicy;
    if (policy === EvictPolicy.NOEVICTION) return this.finish(EvictResult.FAIL);
    const toFree = used - cfg.maxmemory;
    const start = performance.now();
    const limitMs = timeLimitMs(cfg.maxmemoryEvictionTenacity);
    let freed = 0, evicted = 0;
    while (freed < toFree) {
      const found = policy & EvictPolicy.RANDOM ? this.pickRandom(policy) : this.pickFromPool(policy);
      if (found === null) return this.finish(EvictResult.FAIL);
      const [db, key] = found;
      const t0 = performance.now();
      this.evictKey(db, key);
      const delta = used - (used = usedMemory(srv));
      srv.latency.sampleIfNeeded('eviction-del', performance.now() - t0, cfg.latencyMonitorThreshold);
      freed += delta;
      evicted++;
      // Check the clock every 16 keys, like Redis.
      if ((evicted & 15) === 0 && performance.now() - start > limitMs) {
        if (freed < toFree) {
          this.startBackground();
          srv.latency.sampleIfNeeded('eviction-cycle', performance.now() - start, cfg.latencyMonitorThreshold);
          return this.finish(EvictResult.RUNNING);
        }
      }
    }
    srv.latency.sampleIfNeeded('eviction-cycle', performance.now() - start, cfg.latencyMonitorThreshold);
    return this.finish(EvictResult.OK);
  }

  /** Track the over-budget episode (INFO *_eviction_exceeded_time) and pass the result through. */
  private finish(r: EvictResult): EvictResult {
    if (r !== EvictResult.OK) {
      if (this.exceededSince === 0) this.exceededSince = performance.now();
    } else if (this.exceededSince !== 0) {
      this.exceededTotalMs += performance.now() - this.exceededSince;
      this.exceededSince = 0;
    }
    return r;
  }

  /**
   * Keep evicting from the event loop, between turns, until memory fits
   * (Redis's evictionTimeProc); also used right after CONFIG SET maxmemory.
   * While clients are paused nothing can be evicted: the loop then retries
   * every 10 ms instead of spinning (Redis re-runs it every loop turn).
   */
  startBackground(): void {
    if (this.procRunning) return;
    this.procRunning = true;
    if (this.srv.pause.type !== 0) setTimeout(() => this.proc(), 10);
    else setImmediate(() => this.proc());
  }

  private proc(): void {
    this.procRunning = false;
    if (this.srv.shuttingDown) return;
    if (this.perform() === EvictResult.RUNNING) this.startBackground();
  }

  /** Delete one key as an eviction: stats, modified-key signal, "evicted" event. */
  private evictKey(db: Db, key: string): void {
    const srv = this.srv;
    db.delete(key);
    srv.stats.evictedKeys++;
    const hooks = srv.keyHooks;
    // Not a change by any client (Redis signals with c = NULL): no NOLOOP applies, nothing is deferred.
    const saved = srv.currentClient;
    srv.currentClient = null;
    try {
      for (let i = 0; i < hooks.modified.length; i++) hooks.modified[i](db, key);
    } finally {
      srv.currentClient = saved;
    }
    for (let i = 0; i < hooks.event.length; i++) hooks.event[i](NC.EVICTED, 'evicted', key, db.id);
  }

  /** *-random: a random key from the next non-empty database (round robin). */
  private pickRandom(policy: number): [Db, string] | null {
    const dbs = this.srv.dbs;
    for (let i = 0; i < dbs.length; i++) {
      const db = dbs[(this.nextDb = (this.nextDb + 1) % dbs.length)];
      const dict = policy & EvictPolicy.ALLKEYS ? db.dict : db.expires;
      if (dict.size === 0) continue;
      const key = dict.randomKey();
      if (key !== null) return [db, key];
    }
    return null;
  }

  /**
   * LRU / LFU / TTL: refill the pool from every database, then pop the best
   * candidate that still exists (Redis's loop: repeat while the pool only
   * held ghosts). Null when no database has candidates.
   */
  private pickFromPool(policy: number): [Db, string] | null {
    const srv = this.srv;
    const pool = this.pool;
    for (;;) {
      let total = 0;
      for (const db of srv.dbs) {
        const dict = policy & EvictPolicy.ALLKEYS ? db.dict : db.expires;
        if (dict.size === 0) continue;
        total += dict.size;
        this.populate(db, policy);
      }
      if (total === 0) return null;
      for (let k = POOL_SIZE - 1; k >= 0; k--) {
        const key = pool.keys[k];
        if (key === null) continue;
        const db = srv.dbs[pool.dbs[k]];
        pool.keys[k] = null;
        const dict = policy & EvictPolicy.ALLKEYS ? db.dict : db.expires;
        // The sampled slot still holding this very key proves it is present, without hashing.
        const slot = pool.slots[k];
        if ((slot < dict.slots && dict.keyAt(slot) === key) || dict.has(key)) return [db, key];
      }
    }
  }

  /** Sample keys of `db` into the pool with their idle scores. */
  private populate(db: Db, policy: number): void {
    const srv = this.srv;
    const samples = this.samples;
    samples.length = 0;
    const allkeys = (policy & EvictPolicy.ALLKEYS) !== 0;
    const sampled = allkeys ? db.dict : db.expires;
    if (sampled.sampleSlots(srv.config.maxmemorySamples, samples) === 0) {
      // A sparse slot pool can defeat the walk: fall back to one random key.
      const k = sampled.randomKey();
      if (k === null) return;
      samples.push(sampled.find(k));
    }
    const now = srv.now, clock = srv.lruClock, decay = srv.config.lfuDecayTime;
    for (let i = 0; i < samples.length; i++) {
      const key = sampled.keyAt(samples[i]) as string;
      let idle: number;
      if (policy & EvictPolicy.TTL) {
        // Sooner deadline = better candidate.
        idle = Number.MAX_SAFE_INTEGER - db.expires.valAt(samples[i]);
      } else {
        const meta = allkeys ? db.dict.metaAt(samples[i]) : db.getMeta(key);
        idle = policy & EvictPolicy.LRU ? lruIdleSeconds(meta, clock) * 1000 : 255 - lfuDecayed(meta, now, decay);
      }
      this.pool.insert(key, idle, db.id, samples[i]);
    }
  }
}

/**
 * Time slice of one eviction pass in ms (Redis's evictionTimeLimitUs):
 * 50 us per tenacity step up to 10, then +15% per step; 100 = unlimited.
 */
function timeLimitMs(tenacity: number): number {
  if (tenacity <= 10) return (50 * tenacity) / 1000;
  if (tenacity < 100) return (500 * Math.pow(1.15, tenacity - 10)) / 1000;
  return Infinity;
}
