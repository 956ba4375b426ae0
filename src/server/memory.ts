/* ==========================================================================
 * Memory accounting: what MEMORY USAGE / STATS / DOCTOR, INFO memory and
 * maxmemory eviction see, computed from how Respite really holds data in
 * V8 (store/cost.ts has the measured cost model).
 *
 * used_memory is an account, not a heap reading: the server's own startup
 * structures + the keyspace account of every database (Db.bytes: keys and values, kept up
 * to date on every write) + the structure of the keyspace and expires
 * dicts + client memory. V8's heapUsed also counts garbage not yet
 * collected, which can be several times the live data between GCs; the
 * account tracks the live data only, so maxmemory eviction neither evicts
 * because of garbage nor waits for a GC to see that memory was freed.
 * The allocator.* and rss figures are the real V8 / process numbers.
 * Client memory (query and reply buffers, per-client structures) is summed
 * over the clients by refreshClientsMemory(): by the cron every tick and
 * whenever INFO / MEMORY STATS run, so eviction sees it with <= 1 tick lag.
 * ========================================================================== */

import type { Server } from './server';
import { flushAccounts, type Db } from '../store/db';
import { CF } from './client';
import { clientMemory } from './client-memory';
import type { Dict } from '../store/dict';
import { strBytes, valueBytes, perEntry, dictBytes, HEAP_NUMBER, DICT_EMPTY } from '../store/cost';

/**
 * MEMORY USAGE of `key` in database `dbIndex`: key string + value + the
 * key's share of the keyspace dict, plus its expires entry (a slot share
 * and a boxed deadline) when it has a TTL. Null if the key is absent. Like
 * Redis (dictFind), a logically expired key not yet removed still counts;
 * no expiry, stats or LRU side effects.
 */
export function keyUsage(srv: Server, dbIndex: number, key: string, samples: number): number | null {
  const db = srv.dbs[dbIndex];
  const v = db.dict.get(key);
  if (v === undefined) return null;
  let b = strBytes(key.length) + valueBytes(v, samples) + perEntry(db.dict as Dict<unknown>);
  if (db.expires.size !== 0 && db.expires.has(key)) b += perEntry(db.expires as Dict<unknown>) + HEAP_NUMBER;
  return Math.round(b);
}

// --- server-wide figures (MEMORY STATS, INFO memory, MEMORY DOCTOR) -------------

/** heapUsed + external: V8 objects in use plus Buffer/ArrayBuffer memory held outside the heap. */
function heapInUse(m: NodeJS.MemoryUsage): number {
  return m.heapUsed + m.external;
}

/**
 * A server's own structures apart from its databases' dicts (command table,
 * subsystems, config...), measured: the heap growth (after full GCs) of
 * constructing a second Server, 270 KB with 16 databases, minus their
 * 2 x 16 empty dicts. The JS runtime itself (V8 and Node internals, compiled
 * code) is not counted, as Redis does not count its code: this keeps
 * used_memory the server's own, also when it is embedded in a bigger process.
 */
const SERVER_FIXED = 228_000;

/** used_memory_startup / startup.allocated: an empty server of this many databases. */
export function startupMemory(srv: Server): number {
  return SERVER_FIXED + 2 * DICT_EMPTY * srv.dbs.length;
}

/**
 * Structure bytes of a database's dicts beyond their empty state (empty
 * dicts are part of startup memory): the keyspace dict, and the expires
 * dict with one boxed deadline per entry.
 */
function mainOverhead(db: Db): number {
  return dictBytes(db.dict as Dict<unknown>) - DICT_EMPTY;
}

function expiresOverhead(db: Db): number {
  return dictBytes(db.expires as Dict<unknown>) - DICT_EMPTY + HEAP_NUMBER * db.expires.size;
}

/**
 * used_memory (see the banner): startup + per database its account and
 * dict structures + the last client-memory sum. Cheap enough to run before
 * every command while maxmemory is set (never-used databases are skipped).
 */
export function usedMemory(srv: Server): number {
  flushAccounts();
  let total = startupMemory(srv) + srv.clientsMemory;
  const dbs = srv.dbs;
  for (let i = 0; i < dbs.length; i++) {
    const db = dbs[i];
    if (db.dict.slots !== 0) total += db.bytes + mainOverhead(db);
    if (db.expires.slots !== 0) total += expiresOverhead(db);
  }
  return total;
}

/** Re-sum client memory into srv.clientsMemory (cron tick, INFO, MEMORY STATS). */
export function refreshClientsMemory(srv: Server): void {
  srv.clientsMemory = clientBuffers(srv).mem;
}

const PEAKS = new WeakMap<Server, number>();

/** Record `used` as a peak candidate and return the peak so far. */
function notePeak(srv: Server, used: number): number {
  const p = PEAKS.get(srv) ?? 0;
  if (used > p) {
    PEAKS.set(srv, used);
    return used;
  }
  return p;
}

export interface DbOverhead {
  id: number;
  /** Keyspace dict structure. */
  main: number;
  /** Expires dict structure plus one boxed deadline per entry. */
  expires: number;
}

/** Everything MEMORY STATS reports, Redis's redisMemOverhead with Respite's figures. */
export interface MemOverhead {
  peak: number;
  used: number;
  startup: number;
  replBacklog: number;
  clientsSlaves: number;
  clientsNormal: number;
  clusterLinks: number;
  aofBuffer: number;
  luaCaches: number;
  functionsCaches: number;
  dbs: DbOverhead[];
  overheadTotal: number;
  totalKeys: number;
  bytesPerKey: number;
  dataset: number;
  datasetPerc: number;
  peakPerc: number;
  allocAllocated: number;
  allocActive: number;
  allocResident: number;
  allocFrag: number;
  allocFragBytes: number;
  allocRss: number;
  allocRssBytes: number;
  rssExtra: number;
  rssExtraBytes: number;
  totalFrag: number;
  totalFragBytes: number;
  rss: number;
  /** Connected clients that are not replicas (MEMORY DOCTOR's per-client average). */
  normalClients: number;
}

/** Memory of normal clients (server/client-memory.ts: structures and buffers) and their count. */
function clientBuffers(srv: Server): { mem: number; count: number } {
  let mem = 0, count = 0;
  for (const c of srv.clients.values()) {
    if (c.flags & CF.SLAVE) continue;
    count++;
    mem += clientMemory(c);
  }
  return { mem, count };
}

/** Redis's (float) ratios: computed in single precision so replies look like Redis's. */
function ratio(a: number, b: number): number {
  return Math.fround(b > 0 ? a / b : 0);
}

/**
 * Gather the server-wide memory figures (Redis's getMemoryOverheadData):
 * used = the account (usedMemory); overhead = startup + client memory +
 * per-db dict structures; dataset = used - overhead (the keyspace
 * accounts). allocator.allocated = heapUsed + external (garbage included),
 * active = heapTotal + external, resident = rss. Refreshes the client
 * memory sum and updates the peak.
 */
export function memoryOverhead(srv: Server): MemOverhead {
  const m = process.memoryUsage();
  const clients = clientBuffers(srv);
  srv.clientsMemory = clients.mem;
  const used = usedMemory(srv);
  const peak = notePeak(srv, used);
  const startup = startupMemory(srv);
  let total = startup + clients.mem;
  let keys = 0;
  const dbs: DbOverhead[] = [];
  for (const db of srv.dbs) {
    if (db.dict.size === 0) continue;
    keys += db.dict.size;
    const main = mainOverhead(db), expires = expiresOverhead(db);
    dbs.push({ id: db.id, main, expires });
    total += main + expires;
  }
  const net = used > startup ? used - startup : 1;
  const dataset = Math.max(0, used - total);
  const allocated = heapInUse(m), active = m.heapTotal + m.external, resident = m.rss;
  return {
    peak, used, startup,
    replBacklog: 0, clientsSlaves: 0, clientsNormal: clients.mem, clusterLinks: 0, aofBuffer: 0,
    luaCaches: 0, functionsCaches: 0,
    dbs, overheadTotal: total, totalKeys: keys, bytesPerKey: keys > 0 ? Math.floor(net / keys) : 0,
    dataset, datasetPerc: ratio(dataset * 100, net), peakPerc: ratio(used * 100, peak),
    allocAllocated: allocated, allocActive: active, allocResident: resident,
    allocFrag: ratio(active, allocated), allocFragBytes: active - allocated,
    allocRss: ratio(resident, active), allocRssBytes: resident - active,
    rssExtra: ratio(m.rss, resident), rssExtraBytes: m.rss - resident,
    totalFrag: ratio(m.rss, used), totalFragBytes: m.rss - used,
    rss: m.rss, normalClients: clients.count,
  };
}

/** The allocator name INFO and MEMORY DOCTOR report. */
export function allocatorName(): string {
  return `v8-${process.versions.v8}`;
}
