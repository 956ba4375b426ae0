/* ==========================================================================
 * Memory accounting: what MEMORY USAGE / STATS / DOCTOR and INFO memory
 * report, computed from how Respite really holds data in V8 (not from
 * Redis's jemalloc numbers).
 *
 * Per-value estimates (MEMORY USAGE). Every constant below was measured on
 * Node 20 / V8 11 (x64, no pointer compression) by creating 200k-1M
 * objects of one kind under `node --expose-gc`, forcing GC and dividing the
 * heapUsed + external growth by the count (method and table in
 * docs/memory.md):
 *   - a JS string (SeqOneByteString) costs align8(16 + length) bytes;
 *   - a RawString (APPEND/SETRANGE/SETBIT values) is an object + Buffer +
 *     ArrayBuffer + backing store: RAW_STRING_BASE + buffer capacity;
 *   - JS arrays built by push() have V8's growth slack (capacity sequence
 *     17, 43, 82, ...: new = n + n/2 + 16), which we reproduce;
 *   - a Dict (store/dict.ts) costs a fixed part (5 typed arrays + 2 page
 *     lists), 8 + 8 bytes per pool slot in the key/value page arrays (with
 *     push slack), 12 bytes per slot in its typed pages (hash, next, meta:
 *     page 0 grows by doubling, later pages are full 16384-slot pages) and
 *     4 bytes per bucket in the bucket table(s). Freed pool slots still
 *     cost until the dict empties, so sparse dicts report more per entry;
 *   - numbers stored in generic arrays (the Dict value pages are shared by
 *     every Dict, so V8 keeps them generic) are boxed HeapNumbers (16
 *     bytes) unless they are small integers (Smi: int32 on x64).
 * Collections are sampled like Redis's objectComputeSize: the first
 * `samples` elements (default 5, 0 = all) give an average element size
 * that is multiplied by the element count; the structure itself (arrays,
 * dicts, tree leaves, list nodes) is computed exactly from its shape.
 *
 * Server-wide figures (MEMORY STATS, INFO memory, MEMORY DOCTOR) come from
 * process.memoryUsage() and the dict overheads above; see memoryOverhead().
 * The peak is sampled whenever one of those commands runs.
 * ========================================================================== */

import type { Server } from './server';
import { CF } from './client';
import type { Dict } from '../store/dict';
import { RawString, FixedEncodingString, type Value } from '../store/values';
import { HashValue } from '../store/hash';
import { SetValue } from '../store/set';
import { ListValue } from '../store/list';
import { ZSet } from '../store/zset';
import { Leaf, Inner } from '../store/zset-tree';

// --- measured V8 costs (bytes) ---------------------------------------------------

/** SeqOneByteString header: map + hash + length. */
const STRING_HEADER = 16;
/** RawString object + Buffer (Uint8Array) + ArrayBuffer + backing-store record, excluding the bytes. */
export const RAW_STRING_BASE = 232;
/** A boxed double (HeapNumber). */
const HEAP_NUMBER = 16;
/** JSArray object (map, properties, elements, length). */
const JS_ARRAY = 32;
/** FixedArray / FixedDoubleArray header (map, length). */
const FIXED_ARRAY_HEADER = 16;
/** Empty values, measured (object + its initial empty arrays / ring). */
const HASH_BASE = 120;
const SET_BASE = 88;
const LIST_BASE = 144;
const ZSET_BASE = 128;
/** An empty Dict (4 buckets): object, 5 tiny typed arrays with their ArrayBuffers, 2 page lists. */
const DICT_EMPTY = 1326;
/** A ListNode object (4 fields) plus its JSArray and FixedArray headers. */
const LIST_NODE = 56 + JS_ARRAY + FIXED_ARRAY_HEADER;
/** A B+tree leaf object (4 fields) plus its two arrays' headers. */
const TREE_LEAF = 56 + 2 * (JS_ARRAY + FIXED_ARRAY_HEADER);
/** A B+tree inner node (4 arrays). */
const TREE_INNER = 56 + 4 * (JS_ARRAY + FIXED_ARRAY_HEADER);
/** Average capacity / length of leaf arrays (splice growth after 64/64 splits), measured. */
const TREE_SLACK = 1.3;
/** Slots per Dict pool page (store/dict.ts PAGE). */
const DICT_PAGE = 16384;
/** Default MEMORY USAGE samples (Redis's OBJ_COMPUTE_SIZE_DEF_SAMPLES). */
export const DEFAULT_SAMPLES = 5;

/** Bytes of a latin1 JS string of `len` chars. */
export function strBytes(len: number): number {
  return (STRING_HEADER + len + 7) & ~7;
}

/** Capacity V8 gives an array grown to `n` elements one push() at a time. */
export function pushCapacity(n: number): number {
  let c = 0;
  while (c < n) c = c + 1 + ((c + 1) >> 1) + 16;
  return c;
}

/** Bytes of a push()-grown JS array of `n` pointers or doubles (object + backing store). */
function arrayBytes(n: number): number {
  return JS_ARRAY + FIXED_ARRAY_HEADER + 8 * pushCapacity(n);
}

/** The 16384-slot page's push() capacity (every full page has it). */
const FULL_PAGE_CAP = pushCapacity(DICT_PAGE);

/**
 * Structural bytes of a Dict (not its keys or values): see the banner.
 * Computed from the pool high-water mark and the bucket count, both public.
 */
export function dictBytes(d: Dict<unknown>): number {
  const used = d.slots;
  const fullPages = Math.floor(used / DICT_PAGE);
  const rest = used - fullPages * DICT_PAGE;
  let typedSlots: number;
  if (fullPages === 0) {
    typedSlots = 4;
    while (typedSlots < used) typedSlots *= 2;
  } else {
    typedSlots = (fullPages + (rest > 0 ? 1 : 0)) * DICT_PAGE;
  }
  const jsSlots = fullPages * FULL_PAGE_CAP + pushCapacity(rest);
  return DICT_EMPTY - 4 * 12 - 4 * 4 + typedSlots * 12 + jsSlots * 16 + d.buckets * 4;
}

/** True if V8 holds `n` unboxed in a generic array (a Smi: int32, not -0). */
function isSmi(n: number): boolean {
  return (n | 0) === n && !Object.is(n, -0);
}

// --- per-value estimate (MEMORY USAGE) ------------------------------------------

/** Bytes of a string value in either representation. */
function stringValueBytes(v: string | RawString): number {
  if (typeof v === 'string') return strBytes(v.length);
  let b = RAW_STRING_BASE + v.buf.length;
  if (v instanceof FixedEncodingString) b += 8 + strBytes(v.text.length);
  return b;
}

/** Average of `total` over `n` samples times `count` (0 when nothing was sampled). */
function extrapolate(total: number, n: number, count: number): number {
  return n === 0 ? 0 : Math.round((total / n) * count);
}

function hashBytes(h: HashValue, samples: number): number {
  const n = h.size;
  let sampled = 0, sum = 0;
  if (h.dict === null) {
    for (let i = 0; i < n && sampled < samples; i++, sampled++) sum += strBytes(h.lf[i].length) + strBytes(h.lv[i].length);
    return HASH_BASE + 2 * (arrayBytes(n) - JS_ARRAY) + extrapolate(sum, sampled, n);
  }
  const d = h.dict;
  for (let i = 0; i < d.slots && sampled < samples; i++) {
    const k = d.keyAt(i);
    if (k === null) continue;
    sum += strBytes(k.length) + strBytes(d.valAt(i).length);
    sampled++;
  }
  return HASH_BASE + dictBytes(d) + extrapolate(sum, sampled, n);
}

function setBytes(s: SetValue, samples: number): number {
  const n = s.size;
  let sampled = 0, sum = 0;
  if (s.ints !== null) {
    const a = s.ints;
    for (let i = 0; i < n && sampled < samples; i++, sampled++) sum += strBytes(a[i].length);
    return SET_BASE + arrayBytes(n) - JS_ARRAY + extrapolate(sum, sampled, n);
  }
  const d = s.dict as Dict<number>;
  for (let i = 0; i < d.slots && sampled < samples; i++) {
    const k = d.keyAt(i);
    if (k === null) continue;
    sum += strBytes(k.length);
    sampled++;
  }
  return SET_BASE + dictBytes(d) + extrapolate(sum, sampled, n);
}

function listBytes(l: ListValue, samples: number): number {
  // Structure is exact: every node's array capacity is known.
  let b = LIST_BASE + 8 * (l.nodes.length - 1);
  let sampled = 0, sum = 0;
  for (let k = 0; k < l.nn; k++) {
    const nd = l.node(k);
    b += LIST_NODE + 8 * nd.a.length;
    for (let i = 0; i < nd.n && sampled < samples; i++, sampled++) sum += strBytes(nd.a[nd.lo + i].length);
  }
  return b + extrapolate(sum, sampled, l.len);
}

/** Bytes of the B+tree's nodes (leaves and inner nodes), members and scores excluded. */
function treeBytes(node: Leaf | Inner): number {
  if (node instanceof Leaf) return TREE_LEAF + Math.round(16 * TREE_SLACK * node.ms.length);
  let b = TREE_INNER + Math.round(32 * TREE_SLACK * node.kids.length);
  for (let i = 0; i < node.kids.length; i++) b += treeBytes(node.kids[i]);
  return b;
}

function zsetBytes(z: ZSet, samples: number): number {
  const n = z.size;
  let sampled = 0, sum = 0;
  if (z.dict === null) {
    for (let i = 0; i < n && sampled < samples; i++, sampled++) sum += strBytes(z.lm[i].length);
    return ZSET_BASE + 2 * (arrayBytes(n) - JS_ARRAY) + extrapolate(sum, sampled, n);
  }
  // Members are shared by the dict and the tree (one string each); the
  // dict boxes non-Smi scores, the tree keeps them unboxed in its leaves.
  const d = z.dict;
  for (let i = 0; i < d.slots && sampled < samples; i++) {
    const k = d.keyAt(i);
    if (k === null) continue;
    sum += strBytes(k.length) + (isSmi(d.valAt(i)) ? 0 : HEAP_NUMBER);
    sampled++;
  }
  const tree = z.tree === null ? 0 : treeBytes(z.tree.root) + 64;
  return ZSET_BASE + dictBytes(d) + tree + extrapolate(sum, sampled, n);
}

/**
 * Estimated bytes held by a value (MEMORY USAGE without the key's own
 * costs). `samples` elements of a collection are measured (Infinity = all).
 */
export function valueBytes(v: Value, samples: number): number {
  if (typeof v === 'string' || v instanceof RawString) return stringValueBytes(v);
  if (v instanceof HashValue) return hashBytes(v, samples);
  if (v instanceof SetValue) return setBytes(v, samples);
  if (v instanceof ListValue) return listBytes(v, samples);
  if (v instanceof ZSet) return zsetBytes(v, samples);
  // A value kind this module does not know yet: its object header only.
  return 64;
}

/** Smallest per-entry cost of a dict: two page-array pointers, three typed-array words, one bucket. */
const MIN_ENTRY = 8 + 8 + 12 + 4;

/**
 * Marginal cost of one entry in a dict: its structure beyond the empty
 * dict, averaged over the entries (so slack, free slots and buckets are
 * shared out), never below the bare slot cost. The empty dict itself is
 * server overhead (MEMORY STATS overhead.hashtable.*), not the key's.
 */
function perEntry(d: Dict<unknown>): number {
  if (d.size === 0) return 0;
  return Math.max(MIN_ENTRY, (dictBytes(d) - DICT_EMPTY) / d.size);
}

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
export function usedMemory(m: NodeJS.MemoryUsage): number {
  return m.heapUsed + m.external;
}

/** Usage when this module was loaded, i.e. with the server code loaded and no data (startup.allocated). */
export const STARTUP_MEMORY = usedMemory(process.memoryUsage());

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

/** Input + output buffer bytes of normal clients and their count. */
function clientBuffers(srv: Server): { mem: number; count: number } {
  let mem = 0, count = 0;
  for (const c of srv.clients.values()) {
    if (c.flags & CF.SLAVE) continue;
    count++;
    mem += c.parser.buffered + c.w.pending + (c.socket !== null ? c.socket.writableLength : 0);
  }
  return { mem, count };
}

/** Redis's (float) ratios: computed in single precision so replies look like Redis's. */
function ratio(a: number, b: number): number {
  return Math.fround(b > 0 ? a / b : 0);
}

/**
 * Gather the server-wide memory figures (Redis's getMemoryOverheadData):
 * allocated = heapUsed + external, active = heapTotal + external,
 * resident = rss; overhead = startup + client buffers + per-db dict
 * structures; dataset = allocated - overhead (0 if negative). Updates the
 * peak.
 */
export function memoryOverhead(srv: Server): MemOverhead {
  const m = process.memoryUsage();
  const used = usedMemory(m);
  const peak = notePeak(srv, used);
  const clients = clientBuffers(srv);
  let total = STARTUP_MEMORY + clients.mem;
  let keys = 0;
  const dbs: DbOverhead[] = [];
  for (const db of srv.dbs) {
    if (db.dict.size === 0) continue;
    keys += db.dict.size;
    const main = dictBytes(db.dict as Dict<unknown>);
    const expires = db.expires.size === 0 ? 0 : dictBytes(db.expires as Dict<unknown>) + HEAP_NUMBER * db.expires.size;
    dbs.push({ id: db.id, main, expires });
    total += main + expires;
  }
  const net = used > STARTUP_MEMORY ? used - STARTUP_MEMORY : 1;
  const dataset = Math.max(0, used - total);
  const allocated = used, active = m.heapTotal + m.external, resident = m.rss;
  return {
    peak, used, startup: STARTUP_MEMORY,
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
