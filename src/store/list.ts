/* ==========================================================================
 * List values: a deque of chunks that mirrors Redis's quicklist node by node.
 *
 * Storage. A list is a ring (power-of-two array) of ListNode chunks; each
 * chunk keeps its elements in a plain array slice a[lo .. lo+n) with free
 * room at either end. Push/pop at both ends touch only the end chunk: O(1)
 * amortised, and no operation copies more than one chunk (at most a few
 * thousand pointers at the default fill) or the chunk ring (one pointer per
 * chunk). This replaced a single ring buffer whose doubling copied every
 * element at once (50-140 ms at 4M elements; the worst push or pop at 8M
 * elements is now ~0.03 ms). Index access walks chunks from the nearer end
 * or from a cursor cached by the previous access, so sequential access
 * (LRANGE, LPOS, LINSERT's pivot scan) is O(1) per element and a random
 * index costs O(n / chunk). Chunks that stop being an end chunk are trimmed
 * to their exact size, so a long list costs ~8 bytes per element (one
 * array slot) plus a small share of a chunk header; a one-node list costs
 * ~300 bytes (list, ring, node, array).
 *
 * Quicklist model. Chunk boundaries are exactly Redis 7.0's quicklist node
 * boundaries: each chunk tracks the byte size of the listpack Redis would
 * hold (store/list-pack.ts), and every operation follows quicklist.c's
 * rules for when a node accepts an element, when a new node is created,
 * how LINSERT splits a full node and merges neighbours (_quicklistInsert,
 * _quicklistMergeNodes), that LSET replaces in place without splitting,
 * and that pops, LREM and LTRIM only shrink or delete nodes. So DEBUG
 * OBJECT's ql_nodes / ql_avg_node / ql_uncompressed_size are exact, and so
 * is serializedlength (each node's listpack bytes, LZF-compressed as RDB
 * saves them; see rdb-size.ts for the compressor).
 * Each list keeps the fill (list-max-listpack-size) and compress depth it
 * was created with, as Redis does. Compression itself is not simulated: it
 * never changes node boundaries or sizes, and a compressed node is saved
 * as the same LZF blob RDB would produce for it. Elements of 1 GB or more
 * (Redis's "plain" nodes) cannot exist here (V8 strings are shorter).
 * ========================================================================== */

import { ObjType, RObj, type Value } from './values';
import { fixed2, LP_EMPTY, lpBytes, lpEntrySize } from './list-pack';
import { rdbLenSize, rdbStringSize, registerRdbSize } from './rdb-size';

/** Size limits of fill -1..-5 (bytes per listpack). */
const OPT_LEVEL = [4096, 8192, 16384, 32768, 65536];
/** Byte limit of a node when the fill is an element count. */
const SIZE_SAFETY_LIMIT = 8192;
/** quicklist's estimate of one new entry's overhead when checking an insert. */
const SIZE_ESTIMATE_OVERHEAD = 8;
const FILL_MAX = 32767;
const COMPRESS_MAX = 65535;
const MIN_CHUNK = 4;
const MIN_RING = 1;

/** One quicklist node: elements a[lo .. lo+n) and the byte size of their listpack. */
export class ListNode {
  a: string[];
  lo: number;
  n: number;
  sz: number;

  constructor(a: string[], lo: number, n: number, sz: number) {
    this.a = a;
    this.lo = lo;
    this.n = n;
    this.sz = sz;
  }
}

/** An empty node with room for `cap` elements, filled from the front (atHead) or the back. */
function newNode(cap: number, atHead: boolean): ListNode {
  return new ListNode(new Array<string>(cap), atHead ? cap : 0, 0, LP_EMPTY);
}

/**
 * Make room for one more element at the front (front=true) or back of
 * `nd`: re-centre within the array when at most half full, otherwise
 * double it. The growing side gets 3/4 of the free room. Copies at most
 * one chunk.
 */
function makeRoom(nd: ListNode, front: boolean): void {
  const old = nd.a, n = nd.n, lo = nd.lo;
  const grow = n * 2 >= old.length;
  const cap = grow ? Math.max(MIN_CHUNK, old.length * 2) : old.length;
  const free = cap - n;
  const side = free - (free >>> 2);
  const nlo = front ? side : free - side;
  if (grow) {
    const a = new Array<string>(cap);
    for (let i = 0; i < n; i++) a[nlo + i] = old[lo + i];
    nd.a = a;
  } else {
    old.copyWithin(nlo, lo, lo + n);
    for (let j = lo; j < lo + n; j++) if (j < nlo || j >= nlo + n) old[j] = '';
  }
  nd.lo = nlo;
}

/** Trim the node's array to exactly its elements when it has noticeable slack. */
function compact(nd: ListNode): void {
  if (nd.a.length - nd.n > (nd.n >>> 3) + 4) {
    nd.a = nd.a.slice(nd.lo, nd.lo + nd.n);
    nd.lo = 0;
  }
}

/** Shrink a node's array after removals once it is at most a quarter used. */
function maybeShrinkNode(nd: ListNode): void {
  if (nd.a.length >= 64 && nd.n <= nd.a.length >>> 2) {
    nd.a = nd.a.slice(nd.lo, nd.lo + nd.n);
    nd.lo = 0;
  }
}

/** Sum of the listpack entry sizes of a[from .. to). */
function entriesSize(a: readonly string[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += lpEntrySize(a[i]);
  return s;
}

export class ListValue extends RObj {
  /** On the prototype, not per list (small lists are common). */
  get type(): ObjType {
    return ObjType.LIST;
  }

  /** Ring of nodes; slots outside the live range are null. */
  nodes: (ListNode | null)[];
  /** Ring slot of the first node. */
  nh: number;
  /** Number of nodes. */
  nn: number;
  /** nodes.length - 1. */
  nm: number;
  /** Number of elements. */
  len: number;
  /** quicklist fill (list-max-listpack-size at creation, clamped to -5..32767). */
  readonly fill: number;
  /** quicklist compress depth (list-compress-depth at creation, clamped to 0..65535). */
  readonly compress: number;
  /** Listpack byte limit of a node, derived from fill (the element limit is fill itself when > 0). */
  private readonly szLimit: number;
  /** Cursor cache: ordinal of the node last located (-1: none) and the index of its first element. */
  private cOrd: number;
  private cStart: number;
  /** The node at cOrd (null when the cache is invalid). */
  private cNode: ListNode | null;

  constructor(fill = -2, compress = 0) {
    super();
    const f = fill > FILL_MAX ? FILL_MAX : fill < -5 ? -5 : fill;
    this.fill = f;
    this.compress = compress > COMPRESS_MAX ? COMPRESS_MAX : compress < 0 ? 0 : compress;
    this.szLimit = f < 0 ? OPT_LEVEL[-f - 1] : SIZE_SAFETY_LIMIT;
    this.nodes = [null];
    this.nh = 0;
    this.nn = 0;
    this.nm = MIN_RING - 1;
    this.len = 0;
    this.cOrd = -1;
    this.cStart = 0;
    this.cNode = null;
  }

  /** Forget the cursor cache (after any change of the node structure or of indexes). */
  private invalidate(): void {
    this.cOrd = -1;
    this.cNode = null;
  }

  /** Redis 7.0 reports every list as a quicklist. */
  encoding(): string {
    return 'quicklist';
  }

  /** Independent copy with the same node structure, fill and depth (quicklistDup, for COPY). */
  dup(): ListValue {
    const l = new ListValue(this.fill, this.compress);
    l.growRing(this.nn);
    for (let k = 0; k < this.nn; k++) {
      const nd = this.node(k);
      l.nodes[k] = new ListNode(nd.a.slice(nd.lo, nd.lo + nd.n), 0, nd.n, nd.sz);
    }
    l.nn = this.nn;
    l.len = this.len;
    return l;
  }

  // --- node ring -------------------------------------------------------------

  /** Node at ordinal k (0 <= k < nn). */
  node(k: number): ListNode {
    return this.nodes[(this.nh + k) & this.nm]!;
  }

  /** Reallocate the ring with capacity >= need (power of two), nodes from slot 0. */
  private growRing(need: number): void {
    let cap = MIN_RING;
    while (cap < need) cap *= 2;
    const r = new Array<ListNode | null>(cap).fill(null);
    for (let k = 0; k < this.nn; k++) r[k] = this.nodes[(this.nh + k) & this.nm];
    this.nodes = r;
    this.nh = 0;
    this.nm = cap - 1;
  }

  /** Shrink the ring when at most a quarter used. */
  private maybeShrinkRing(): void {
    const cap = this.nm + 1;
    if (cap > MIN_RING && this.nn <= cap >>> 2) this.growRing(Math.max(this.nn * 2, MIN_RING));
  }

  /** Insert node `nd` so it becomes ordinal k, moving the shorter side of the ring. */
  private insertNode(k: number, nd: ListNode): void {
    if (this.nn > this.nm) this.growRing((this.nm + 1) * 2);
    const r = this.nodes, m = this.nm;
    if (k < this.nn - k) {
      this.nh = (this.nh - 1) & m;
      for (let j = 0; j < k; j++) r[(this.nh + j) & m] = r[(this.nh + j + 1) & m];
    } else {
      for (let j = this.nn; j > k; j--) r[(this.nh + j) & m] = r[(this.nh + j - 1) & m];
    }
    r[(this.nh + k) & m] = nd;
    this.nn++;
  }

  /** Remove the node at ordinal k, moving the shorter side of the ring. */
  private removeNode(k: number): void {
    const r = this.nodes, m = this.nm;
    if (k < this.nn - 1 - k) {
      for (let j = k; j > 0; j--) r[(this.nh + j) & m] = r[(this.nh + j - 1) & m];
      r[this.nh] = null;
      this.nh = (this.nh + 1) & m;
    } else {
      for (let j = k; j < this.nn - 1; j++) r[(this.nh + j) & m] = r[(this.nh + j + 1) & m];
      r[(this.nh + this.nn - 1) & m] = null;
    }
    this.nn--;
    this.maybeShrinkRing();
  }

  /** quicklist's _quicklistNodeAllowInsert for an element of `len` bytes. */
  private allowInsert(nd: ListNode, len: number): boolean {
    return nd.sz + len + SIZE_ESTIMATE_OVERHEAD <= this.szLimit && (this.fill < 0 || nd.n < this.fill);
  }

  /** quicklist's _quicklistNodeAllowMerge (its size estimate removes 11 header bytes). */
  private allowMerge(a: ListNode, b: ListNode): boolean {
    return a.sz + b.sz - 11 <= this.szLimit && (this.fill < 0 || a.n + b.n <= this.fill);
  }

  // --- element access --------------------------------------------------------

  /**
   * Node holding element i (0 <= i < len); leaves its ordinal and first
   * index in the cursor cache. Starts from the cache when that is closer
   * than either end.
   */
  private locate(i: number): ListNode {
    const r = this.nodes, m = this.nm, h = this.nh;
    let ord = this.cOrd, start = this.cStart;
    let nd: ListNode;
    if (ord >= 0) {
      nd = r[(h + ord) & m]!;
      if (i >= start && i < start + nd.n) return nd;
      const d = i < start ? start - i : i - start - nd.n;
      if (d > i || d > this.len - i) ord = -1;
    }
    if (ord < 0) {
      if (i < this.len - i) {
        ord = 0;
        start = 0;
      } else {
        ord = this.nn - 1;
        start = this.len - r[(h + ord) & m]!.n;
      }
    }
    nd = r[(h + ord) & m]!;
    while (i < start) {
      ord--;
      nd = r[(h + ord) & m]!;
      start -= nd.n;
    }
    while (i >= start + nd.n) {
      start += nd.n;
      ord++;
      nd = r[(h + ord) & m]!;
    }
    this.cOrd = ord;
    this.cStart = start;
    this.cNode = nd;
    return nd;
  }

  /** Element at index i (0 <= i < len). */
  get(i: number): string {
    // Fast path: the node of the previous access (sequential scans stay here).
    const c = this.cNode;
    if (c !== null) {
      const off = i - this.cStart;
      if (off >= 0 && off < c.n) return c.a[c.lo + off];
    }
    const nd = this.locate(i);
    return nd.a[nd.lo + i - this.cStart];
  }

  /** Replace element i (0 <= i < len). Like Redis 7.0's LSET, the node is never split. */
  set(i: number, v: string): void {
    const nd = this.locate(i);
    const p = nd.lo + i - this.cStart;
    nd.sz += lpEntrySize(v) - lpEntrySize(nd.a[p]);
    nd.a[p] = v;
  }

  // --- ends --------------------------------------------------------------------

  pushTail(v: string): void {
    let nd = this.nn > 0 ? this.nodes[(this.nh + this.nn - 1) & this.nm]! : null;
    if (nd === null || !this.allowInsert(nd, v.length)) {
      const prev = nd;
      nd = newNode(prev === null ? MIN_CHUNK : Math.max(MIN_CHUNK, prev.n), false);
      if (this.nn > this.nm) this.growRing((this.nm + 1) * 2);
      this.nodes[(this.nh + this.nn) & this.nm] = nd;
      this.nn++;
      if (prev !== null) compact(prev);
    }
    if (nd.lo + nd.n === nd.a.length) makeRoom(nd, false);
    nd.a[nd.lo + nd.n] = v;
    nd.n++;
    nd.sz += lpEntrySize(v);
    this.len++;
    this.invalidate();
  }

  pushHead(v: string): void {
    let nd = this.nn > 0 ? this.nodes[this.nh]! : null;
    if (nd === null || !this.allowInsert(nd, v.length)) {
      const next = nd;
      nd = newNode(next === null ? MIN_CHUNK : Math.max(MIN_CHUNK, next.n), true);
      if (this.nn > this.nm) this.growRing((this.nm + 1) * 2);
      this.nh = (this.nh - 1) & this.nm;
      this.nodes[this.nh] = nd;
      this.nn++;
      if (next !== null) compact(next);
    }
    if (nd.lo === 0) makeRoom(nd, true);
    nd.a[--nd.lo] = v;
    nd.n++;
    nd.sz += lpEntrySize(v);
    this.len++;
    this.invalidate();
  }

  /** Remove and return the first element (caller checks len > 0). */
  popHead(): string {
    const nd = this.nodes[this.nh]!;
    const v = nd.a[nd.lo];
    nd.a[nd.lo++] = '';
    nd.n--;
    this.len--;
    this.invalidate();
    if (nd.n === 0) {
      this.nodes[this.nh] = null;
      this.nh = (this.nh + 1) & this.nm;
      this.nn--;
      this.maybeShrinkRing();
    } else {
      nd.sz -= lpEntrySize(v);
      maybeShrinkNode(nd);
    }
    return v;
  }

  /** Remove and return the last element (caller checks len > 0). */
  popTail(): string {
    const slot = (this.nh + this.nn - 1) & this.nm;
    const nd = this.nodes[slot]!;
    const p = nd.lo + nd.n - 1;
    const v = nd.a[p];
    nd.a[p] = '';
    nd.n--;
    this.len--;
    this.invalidate();
    if (nd.n === 0) {
      this.nodes[slot] = null;
      this.nn--;
      this.maybeShrinkRing();
    } else {
      nd.sz -= lpEntrySize(v);
      maybeShrinkNode(nd);
    }
    return v;
  }

  /** Push at the head (head=true) or the tail. */
  push(v: string, head: boolean): void {
    if (head) this.pushHead(v);
    else this.pushTail(v);
  }

  /** Pop from the head (head=true) or the tail. */
  pop(head: boolean): string {
    return head ? this.popHead() : this.popTail();
  }

  // --- middle --------------------------------------------------------------------

  /** Insert `v` at position p (0 <= p <= n) of node `nd`, moving the shorter side. */
  private nodeInsert(nd: ListNode, p: number, v: string): void {
    if (p === 0) {
      if (nd.lo === 0) makeRoom(nd, true);
      nd.a[--nd.lo] = v;
    } else if (p === nd.n) {
      if (nd.lo + nd.n === nd.a.length) makeRoom(nd, false);
      nd.a[nd.lo + nd.n] = v;
    } else {
      const front = p < nd.n - p;
      if (front ? nd.lo === 0 : nd.lo + nd.n === nd.a.length) makeRoom(nd, front);
      const a = nd.a;
      if (front) {
        nd.lo--;
        for (let j = nd.lo; j < nd.lo + p; j++) a[j] = a[j + 1];
      } else {
        for (let j = nd.lo + nd.n; j > nd.lo + p; j--) a[j] = a[j - 1];
      }
      a[nd.lo + p] = v;
    }
    nd.n++;
    nd.sz += lpEntrySize(v);
  }

  /**
   * Insert `v` after (after=true) or before the element at index `pivot`,
   * exactly as quicklist's _quicklistInsert does for LINSERT: into the
   * pivot's node if it has room; else at the near end of the neighbour
   * node when the pivot is at that edge and the neighbour has room; else a
   * new node at that edge; else split the node at the pivot, put `v` on
   * the new half, and merge around the pivot's node.
   */
  insert(pivot: number, after: boolean, v: string): void {
    const nd = this.locate(pivot);
    const ord = this.cOrd;
    const off = pivot - this.cStart;
    this.invalidate();
    this.len++;
    const full = !this.allowInsert(nd, v.length);
    if (!full) {
      this.nodeInsert(nd, after ? off + 1 : off, v);
      return;
    }
    const atTail = after && off === nd.n - 1;
    const atHead = !after && off === 0;
    if (atTail && ord + 1 < this.nn && this.allowInsert(this.node(ord + 1), v.length)) {
      this.nodeInsert(this.node(ord + 1), 0, v);
    } else if (atHead && ord > 0 && this.allowInsert(this.node(ord - 1), v.length)) {
      const prev = this.node(ord - 1);
      this.nodeInsert(prev, prev.n, v);
    } else if (atTail || atHead) {
      const fresh = newNode(MIN_CHUNK, false);
      this.nodeInsert(fresh, 0, v);
      this.insertNode(after ? ord + 1 : ord, fresh);
    } else {
      // Split: after -> the node keeps [0, off], the new node gets (off, n) then v in front;
      // before -> the new node gets [0, off) then v at its end, the node keeps [off, n).
      const from = nd.lo + (after ? off + 1 : 0);
      const to = nd.lo + (after ? nd.n : off);
      const moved = nd.a.slice(from, to);
      const msz = entriesSize(moved, 0, moved.length);
      const fresh = new ListNode(moved, 0, moved.length, LP_EMPTY + msz);
      if (after) {
        for (let j = from; j < to; j++) nd.a[j] = '';
      } else {
        for (let j = from; j < to; j++) nd.a[j] = '';
        nd.lo = to;
      }
      nd.n -= moved.length;
      nd.sz -= msz;
      this.nodeInsert(fresh, after ? 0 : fresh.n, v);
      this.insertNode(after ? ord + 1 : ord, fresh);
      this.mergeAround(after ? ord : ord + 1);
    }
  }

  /**
   * Insert `v` so that it becomes element i (0 <= i <= len): an insert
   * before element i, or a tail push when i == len.
   */
  insertAt(i: number, v: string): void {
    if (i === this.len) this.pushTail(v);
    else this.insert(i, false, v);
  }

  /** Merge node k+1 into node k (both exist): listpack sizes add up minus one header. */
  private mergeNext(k: number): void {
    const a = this.node(k), b = this.node(k + 1);
    const arr = a.a.slice(a.lo, a.lo + a.n);
    for (let j = 0; j < b.n; j++) arr.push(b.a[b.lo + j]);
    a.a = arr;
    a.lo = 0;
    a.sz = a.sz + b.sz - LP_EMPTY;
    a.n += b.n;
    this.removeNode(k + 1);
  }

  /**
   * quicklist's _quicklistMergeNodes around the node at ordinal c: try
   * (prev-prev, prev), (next, next-next), (prev, center), then the result
   * with its next, in that order.
   */
  private mergeAround(c: number): void {
    if (c >= 2 && this.allowMerge(this.node(c - 1), this.node(c - 2))) {
      this.mergeNext(c - 2);
      c--;
    }
    if (c + 2 < this.nn && this.allowMerge(this.node(c + 1), this.node(c + 2))) {
      this.mergeNext(c + 1);
    }
    let target = c;
    if (c >= 1 && this.allowMerge(this.node(c), this.node(c - 1))) {
      this.mergeNext(c - 1);
      target = c - 1;
    }
    if (target + 1 < this.nn && this.allowMerge(this.node(target), this.node(target + 1))) {
      this.mergeNext(target);
    }
  }

  /** Drop `count` elements from the front (fromHead) or back, deleting emptied nodes. */
  private dropEnd(count: number, fromHead: boolean): void {
    this.len -= count;
    this.invalidate();
    while (count > 0) {
      const k = fromHead ? 0 : this.nn - 1;
      const slot = (this.nh + k) & this.nm;
      const nd = this.nodes[slot]!;
      if (count >= nd.n) {
        count -= nd.n;
        this.nodes[slot] = null;
        if (fromHead) this.nh = (this.nh + 1) & this.nm;
        this.nn--;
        continue;
      }
      const from = fromHead ? nd.lo : nd.lo + nd.n - count;
      nd.sz -= entriesSize(nd.a, from, from + count);
      for (let j = from; j < from + count; j++) nd.a[j] = '';
      if (fromHead) nd.lo += count;
      nd.n -= count;
      maybeShrinkNode(nd);
      count = 0;
    }
    this.maybeShrinkRing();
  }

  /** Keep only elements [start, start+count) (LTRIM, range pops); emptied nodes are deleted. */
  keepRange(start: number, count: number): void {
    const tail = this.len - start - count;
    if (start > 0) this.dropEnd(start, true);
    if (tail > 0) this.dropEnd(tail, false);
  }

  /**
   * Remove elements equal to `v`, scanning from the head (fromTail=false)
   * or the tail, at most `limit` of them (0 = all). Returns how many were
   * removed. Like LREM in Redis, nodes only lose elements (emptied ones
   * are deleted); nothing is merged. One pass over the list.
   */
  removeMatching(v: string, limit: number, fromTail: boolean): number {
    let removed = 0;
    const es = lpEntrySize(v);
    for (let s = 0; s < this.nn && (limit === 0 || removed < limit); s++) {
      const nd = this.node(fromTail ? this.nn - 1 - s : s);
      const a = nd.a, lo = nd.lo, n = nd.n;
      let hit = 0;
      if (!fromTail) {
        let w = lo;
        for (let r = lo; r < lo + n; r++) {
          const e = a[r];
          if (e === v && (limit === 0 || removed + hit < limit)) {
            hit++;
            continue;
          }
          a[w++] = e;
        }
        for (let j = w; j < lo + n; j++) a[j] = '';
      } else {
        let w = lo + n - 1;
        for (let r = lo + n - 1; r >= lo; r--) {
          const e = a[r];
          if (e === v && (limit === 0 || removed + hit < limit)) {
            hit++;
            continue;
          }
          a[w--] = e;
        }
        for (let j = lo; j <= w; j++) a[j] = '';
        nd.lo = w + 1;
      }
      nd.n -= hit;
      nd.sz -= hit * es;
      removed += hit;
      if (hit > 0 && nd.n > 0) maybeShrinkNode(nd);
    }
    if (removed > 0) {
      this.len -= removed;
      this.invalidate();
      this.dropEmptyNodes();
    }
    return removed;
  }

  /** Remove every empty node from the ring in one pass. */
  private dropEmptyNodes(): void {
    const r = this.nodes, m = this.nm, h = this.nh;
    let w = 0;
    for (let k = 0; k < this.nn; k++) {
      const nd = r[(h + k) & m]!;
      if (nd.n > 0) r[(h + w++) & m] = nd;
    }
    for (let k = w; k < this.nn; k++) r[(h + k) & m] = null;
    this.nn = w;
    this.maybeShrinkRing();
  }

  // --- quicklist introspection -------------------------------------------------

  /** Sum of the nodes' listpack sizes (DEBUG OBJECT ql_uncompressed_size). */
  listpackBytes(): number {
    let s = 0;
    for (let k = 0; k < this.nn; k++) s += this.node(k).sz;
    return s;
  }

  /** The ql_* fields DEBUG OBJECT appends for a list (leading space included). */
  debugFields(): string {
    return ` ql_nodes:${this.nn} ql_avg_node:${fixed2(this.len / this.nn)} ql_listpack_max:${this.fill}` +
      ` ql_compressed:${this.compress !== 0 ? 1 : 0} ql_uncompressed_size:${this.listpackBytes()}`;
  }

  /** Build from elements in order (tail pushes). */
  static from(elems: readonly string[], fill = -2, compress = 0): ListValue {
    const l = new ListValue(fill, compress);
    for (let i = 0; i < elems.length; i++) l.pushTail(elems[i]);
    return l;
  }
}

/**
 * RDB size of a list (RDB_TYPE_LIST_QUICKLIST_2): the node count, then per
 * node its container type (1 byte) and its listpack saved as a string
 * (LZF-compressed when that saves at least 4 bytes).
 */
function listRdbSize(v: Value): number {
  const l = v as ListValue;
  let size = rdbLenSize(l.nn);
  for (let k = 0; k < l.nn; k++) {
    const nd = l.node(k);
    size += 1 + rdbStringSize(lpBytes(nd.a, nd.lo, nd.n, nd.sz));
  }
  return size;
}

registerRdbSize(ObjType.LIST, listRdbSize);

/**
 * Consistency check for tests: element count, no empty nodes, each node's
 * tracked listpack size equal to its recomputed one, empty ring slots null.
 * Returns a description of the first problem, or null.
 */
export function checkListInvariants(l: ListValue): string | null {
  let total = 0;
  for (let k = 0; k < l.nn; k++) {
    const nd = l.node(k);
    if (nd === null || nd === undefined) return `node ${k} missing`;
    if (nd.n <= 0) return `node ${k} is empty`;
    if (nd.lo < 0 || nd.lo + nd.n > nd.a.length) return `node ${k} slice out of bounds`;
    const sz = LP_EMPTY + entriesSize(nd.a, nd.lo, nd.lo + nd.n);
    if (sz !== nd.sz) return `node ${k} size ${nd.sz} != ${sz}`;
    total += nd.n;
  }
  if (total !== l.len) return `len ${l.len} != ${total}`;
  for (let s = 0; s <= l.nm; s++) {
    const inRange = ((s - l.nh) & l.nm) < l.nn;
    if (!inRange && l.nodes[s] !== null) return `ring slot ${s} not cleared`;
  }
  return null;
}
