/* ==========================================================================
 * The cost model: bytes a value or a dict really holds in V8.
 *
 * Shared by MEMORY USAGE (server/memory.ts, sampled like Redis's
 * objectComputeSize) and by the keyspace's running memory account (Db.bytes,
 * which is what used_memory and maxmemory eviction compare against). Every
 * constant was measured on Node 20 / V8 11 (x64, no pointer compression) by
 * creating 200k-1M objects of one kind under `node --expose-gc`, forcing GC
 * and dividing the heapUsed + external growth by the count (method and
 * table in docs/memory.md):
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
 * Collections are sampled: the first `samples` elements (Infinity = all)
 * give an average element size that is multiplied by the element count;
 * the structure itself (arrays, dicts, tree leaves, list nodes) is
 * computed from its shape: exactly for MEMORY USAGE, and in O(1) from the
 * counts for the running account (accountBytes), which runs after every
 * write to a collection.
 * ========================================================================== */

import type { Dict } from './dict';
import { RawString, FixedEncodingString, type Value } from './values';
import { HashValue } from './hash';
import { SetValue } from './set';
import { ListValue } from './list';
import { ZSet } from './zset';
import { Leaf, type Inner } from './zset-tree';

// --- measured V8 costs (bytes) ---------------------------------------------------

/** SeqOneByteString header: map + hash + length. */
const STRING_HEADER = 16;
/** RawString object + Buffer (Uint8Array) + ArrayBuffer + backing-store record, excluding the bytes. */
export const RAW_STRING_BASE = 232;
/** A boxed double (HeapNumber). */
export const HEAP_NUMBER = 16;
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
export const DICT_EMPTY = 1326;
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

/** V8's push() capacity sequence: 0, 17, 43, 82, ... (new = old + 1 + (old + 1) / 2 + 16). */
const PUSH_CAPS: readonly number[] = (() => {
  const caps = [0];
  for (let c = 0; c < 2 ** 31; ) caps.push((c = c + 1 + Math.floor((c + 1) / 2) + 16));
  return caps;
})();

/** Capacity V8 gives an array grown to `n` elements one push() at a time (binary search of the sequence). */
export function pushCapacity(n: number): number {
  let lo = 0, hi = PUSH_CAPS.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (PUSH_CAPS[mid] < n) lo = mid + 1;
    else hi = mid;
  }
  return PUSH_CAPS[lo];
}

/** Bytes of a push()-grown JS array of `n` pointers or doubles (object + backing store). */
export function arrayBytes(n: number): number {
  return JS_ARRAY + FIXED_ARRAY_HEADER + 8 * pushCapacity(n);
}

/** A full 16384-slot page is trimmed to its exact size (store/dict.ts allocSlot). */
const FULL_PAGE_CAP = DICT_PAGE;

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

/** Measured average node-array capacity per element of long lists (8.3 bytes a slot / 8). */
const LIST_SLACK = 1.04;

/**
 * Lists: with `exact`, every node's array capacity is summed (O(nodes));
 * otherwise lists of more than 8 nodes use the measured average slack.
 */
function listBytes(l: ListValue, samples: number, exact: boolean): number {
  let b = LIST_BASE + 8 * (l.nodes.length - 1);
  let sampled = 0, sum = 0;
  if (!exact && l.nn > 8) {
    b += l.nn * LIST_NODE + Math.round(8 * LIST_SLACK * l.len);
    const nd = l.node(0);
    for (let i = 0; i < nd.n && sampled < samples; i++, sampled++) sum += strBytes(nd.a[nd.lo + i].length);
    return b + extrapolate(sum, sampled, l.len);
  }
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

/** Members per leaf / children per inner node of a B+tree grown by random inserts (3/4 full). */
const LEAF_FILL = 96, INNER_FILL = 48;

/** treeBytes estimated in O(1) from the member count (typical fill of split nodes). */
function treeBytesFast(members: number): number {
  const leaves = Math.ceil(members / LEAF_FILL);
  const inner = leaves > 1 ? Math.ceil(leaves / (INNER_FILL - 1)) : 0;
  return leaves * TREE_LEAF + Math.round(16 * TREE_SLACK * members) +
    inner * TREE_INNER + Math.round(32 * TREE_SLACK * (leaves + inner));
}

function zsetBytes(z: ZSet, samples: number, exact: boolean): number {
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
  const tree = z.tree === null ? 0 : (exact ? treeBytes(z.tree.root) : treeBytesFast(z.tree.length)) + 64;
  return ZSET_BASE + dictBytes(d) + tree + extrapolate(sum, sampled, n);
}

/**
 * Estimated bytes held by a value (MEMORY USAGE without the key's own
 * costs). `samples` elements of a collection are measured (Infinity = all);
 * `exact` walks list nodes / tree nodes for their true shape (O(n / node
 * size)) instead of estimating it from the counts.
 */
export function valueBytes(v: Value, samples: number, exact = true): number {
  if (typeof v === 'string' || v instanceof RawString) return stringValueBytes(v);
  if (v instanceof HashValue) return hashBytes(v, samples);
  if (v instanceof SetValue) return setBytes(v, samples);
  if (v instanceof ListValue) return listBytes(v, samples, exact);
  if (v instanceof ZSet) return zsetBytes(v, samples, exact);
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
export function perEntry(d: Dict<unknown>): number {
  if (d.size === 0) return 0;
  return Math.max(MIN_ENTRY, (dictBytes(d) - DICT_EMPTY) / d.size);
}


// --- the running account (Db.bytes) ----------------------------------------------

/**
 * Bytes the keyspace account charges for a value: strings exactly, the
 * other values with DEFAULT_SAMPLES samples and the O(1) structure
 * estimate, so re-costing a collection after each write stays cheap.
 */
export function accountBytes(v: Value): number {
  if (typeof v === 'string') return strBytes(v.length);
  return valueBytes(v, DEFAULT_SAMPLES, false);
}
