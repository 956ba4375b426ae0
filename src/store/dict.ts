/* ==========================================================================
 * Dict: a hash table keyed by latin1 strings, shaped like Redis's dict.c.
 *
 * Why not a JS Map: SCAN needs a cursor that returns every element present
 * for the whole scan at least once while the table grows or shrinks (Redis's
 * reverse-binary cursor over power-of-two bucket arrays); RANDOMKEY, eviction
 * and active expiry need random sampling; growth must be incremental so a
 * table of millions of keys never stalls the event loop while it rehashes;
 * and a V8 Map stops at 2^24 entries.
 *
 * Layout: entries live in a slot pool of parallel arrays (keys, values, hash,
 * next-in-chain, metadata) split into fixed pages of PAGE slots, so growing
 * the pool allocates one more page and never copies: a doubling copy of
 * 4M-entry arrays stalled the event loop for ~200 ms and forced full GCs.
 * The first page grows geometrically up to PAGE so small dicts stay small.
 * Buckets are Int32Arrays of slot heads (-1 = empty). While rehashing there
 * are two bucket tables; every operation migrates one bucket and
 * `rehashFor(ms)` lets the cron migrate more. Freed slots form a free list
 * through `next`.
 * ========================================================================== */

const INIT_BUCKETS = 4;
/** Shrink when fill drops below 1/MIN_FILL (Redis: HASHTABLE_MIN_FILL = 10%). */
const MIN_FILL = 10;

let seed = (Math.random() * 0x7fffffff) | 0;
/** Reseed the hash function (tests); only valid before any Dict is filled. */
export function setHashSeed(s: number): void { seed = s | 0; }

/** Seeded 32-bit hash of a latin1 string (murmur-style mixing per char). */
export function hashString(s: string): number {
  let h = seed ^ s.length;
  const n = s.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    let k = s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  if (i < n) {
    let k = Math.imul(s.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Reverse the bits of a 32-bit unsigned integer. */
function rev32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

const PAGE_BITS = 14;
/** Slots per pool page (16384). */
const PAGE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE - 1;

function emptyBuckets(n: number): Int32Array {
  return new Int32Array(n).fill(-1);
}

export class Dict<V> {
  // Slot pool pages: slot i lives at [i >>> PAGE_BITS][i & PAGE_MASK].
  private kp: (string | null)[][] = [[]];
  private vp: V[][] = [[]];
  private hp: Int32Array[] = [new Int32Array(INIT_BUCKETS)];
  private np: Int32Array[] = [new Int32Array(INIT_BUCKETS)];
  /** Per-entry 32-bit metadata (the keyspace keeps its LRU/LFU word here, like robj->lru). */
  private mp: Uint32Array[] = [new Uint32Array(INIT_BUCKETS)];
  private freeHead = -1;
  /** Slots handed out so far (pool high-water mark). */
  private used = 0;
  private t0: Int32Array = emptyBuckets(INIT_BUCKETS);
  private t1: Int32Array | null = null;
  /** Next t0 bucket to migrate while rehashing, -1 otherwise. */
  private rehashIdx = -1;
  size = 0;
  /** Value of the entry the last delete() removed (read and cleared by take()). */
  private removed: V;
  /**
   * One-entry hash cache: the last key hashed and its hash. A lookup is
   * usually followed by an add/set/delete of the same key, and the parser
   * hands out the same string object for repeated arguments (see REUSE_ARGS
   * in protocol/parser.ts), so `key === lastKey` is mostly an identity check
   * that saves hashing the key again.
   */
  private lastKey: string | null = null;
  private lastHash = 0;

  /** `empty` fills freed value slots; use 0 for numeric dicts so V8 keeps values unboxed. */
  constructor(private readonly empty: V) {
    this.removed = empty;
  }

  private hashOf(key: string): number {
    if (key === this.lastKey) return this.lastHash;
    const h = hashString(key);
    this.lastKey = key;
    this.lastHash = h;
    return h;
  }

  private nextOf(i: number): number {
    return this.np[i >>> PAGE_BITS][i & PAGE_MASK];
  }

  private setNext(i: number, n: number): void {
    this.np[i >>> PAGE_BITS][i & PAGE_MASK] = n;
  }

  // --- lookup --------------------------------------------------------------

  /** Walk one chain for `key` with hash `h`; slot index or -1. */
  private chainFind(head: number, h: number, key: string): number {
    let i = head;
    while (i >= 0) {
      const pg = i >>> PAGE_BITS, o = i & PAGE_MASK;
      if (this.hp[pg][o] === h && this.kp[pg][o] === key) return i;
      i = this.np[pg][o];
    }
    return -1;
  }

  /** Slot index of `key`, or -1. Does one rehash step, like Redis's dictFind. */
  find(key: string): number {
    if (this.size === 0) return -1;
    if (this.rehashIdx >= 0) this.rehashStep();
    const h = this.hashOf(key);
    const i = this.chainFind(this.t0[h & (this.t0.length - 1)], h, key);
    if (i >= 0 || this.t1 === null) return i;
    return this.chainFind(this.t1[h & (this.t1.length - 1)], h, key);
  }

  get(key: string): V | undefined {
    const i = this.find(key);
    return i < 0 ? undefined : this.vp[i >>> PAGE_BITS][i & PAGE_MASK];
  }

  has(key: string): boolean {
    return this.find(key) >= 0;
  }

  // --- mutation ------------------------------------------------------------

  /** Insert or overwrite. Returns true if the key was new. */
  set(key: string, val: V): boolean {
    const i = this.find(key);
    if (i >= 0) {
      this.vp[i >>> PAGE_BITS][i & PAGE_MASK] = val;
      return false;
    }
    this.add(key, val);
    return true;
  }

  /** Insert a key known to be absent (caller checked with get/has). Returns its slot. */
  add(key: string, val: V): number {
    // Like dictAddRaw: step the rehash first, or a table that only receives
    // inserts would never finish rehashing (nor grow past it: chains grow).
    if (this.rehashIdx >= 0) this.rehashStep();
    this.expandIfNeeded();
    const h = this.hashOf(key);
    const slot = this.allocSlot();
    const pg = slot >>> PAGE_BITS, o = slot & PAGE_MASK;
    this.kp[pg][o] = key;
    this.vp[pg][o] = val;
    this.hp[pg][o] = h;
    this.mp[pg][o] = 0;
    const t = this.t1 !== null ? this.t1 : this.t0;
    const b = h & (t.length - 1);
    this.np[pg][o] = t[b];
    t[b] = slot;
    this.size++;
    return slot;
  }

  /** Remove a key. Returns true if it was present. */
  delete(key: string): boolean {
    if (this.size === 0) return false;
    if (this.rehashIdx >= 0) this.rehashStep();
    const h = this.hashOf(key);
    if (this.unlinkFrom(this.t0, h, key)) return true;
    return this.t1 !== null && this.unlinkFrom(this.t1, h, key);
  }

  /** Remove `key` and return its value (undefined when absent). */
  take(key: string): V | undefined {
    if (!this.delete(key)) return undefined;
    const v = this.removed;
    this.removed = this.empty;
    return v;
  }

  private unlinkFrom(t: Int32Array, h: number, key: string): boolean {
    const b = h & (t.length - 1);
    let prev = -1;
    let i = t[b];
    while (i >= 0) {
      const pg = i >>> PAGE_BITS, o = i & PAGE_MASK;
      const nx = this.np[pg][o];
      if (this.hp[pg][o] === h && this.kp[pg][o] === key) {
        if (prev < 0) t[b] = nx;
        else this.setNext(prev, nx);
        this.removed = this.vp[pg][o];
        this.freeSlot(i);
        this.size--;
        return true;
      }
      prev = i;
      i = nx;
    }
    return false;
  }

  /** Drop everything. */
  clear(): void {
    this.resetPool();
    this.t0 = emptyBuckets(INIT_BUCKETS);
    this.t1 = null;
    this.rehashIdx = -1;
    this.size = 0;
  }

  // --- slot pool -----------------------------------------------------------

  private resetPool(): void {
    this.kp = [[]];
    this.vp = [[]];
    this.hp = [new Int32Array(INIT_BUCKETS)];
    this.np = [new Int32Array(INIT_BUCKETS)];
    this.mp = [new Uint32Array(INIT_BUCKETS)];
    this.freeHead = -1;
    this.used = 0;
  }

  private allocSlot(): number {
    if (this.freeHead >= 0) {
      const s = this.freeHead;
      this.freeHead = this.nextOf(s);
      return s;
    }
    const s = this.used++;
    const pg = s >>> PAGE_BITS, o = s & PAGE_MASK;
    if (pg === this.kp.length) {
      // A new full page: nothing existing is copied.
      this.kp.push([]);
      this.vp.push([]);
      this.hp.push(new Int32Array(PAGE));
      this.np.push(new Int32Array(PAGE));
      this.mp.push(new Uint32Array(PAGE));
    } else if (o >= this.np[pg].length) {
      // Only page 0 is ever partial: grow it geometrically up to PAGE.
      const cap = Math.min(PAGE, this.np[pg].length * 2);
      const nn = new Int32Array(cap); nn.set(this.np[pg]); this.np[pg] = nn;
      const nh = new Int32Array(cap); nh.set(this.hp[pg]); this.hp[pg] = nh;
      const nm = new Uint32Array(cap); nm.set(this.mp[pg]); this.mp[pg] = nm;
    }
    this.kp[pg].push(null);
    this.vp[pg].push(this.empty);
    if (o === PAGE_MASK) {
      // A page just filled: drop push()'s growth slack (capacity 22513 for
      // 16384 slots) with an exact-size copy, once per 16384 insertions.
      this.kp[pg] = this.kp[pg].slice();
      this.vp[pg] = this.vp[pg].slice();
    }
    return s;
  }

  private freeSlot(i: number): void {
    const pg = i >>> PAGE_BITS, o = i & PAGE_MASK;
    this.kp[pg][o] = null;
    this.vp[pg][o] = this.empty;
    this.np[pg][o] = this.freeHead;
    this.freeHead = i;
  }

  // --- resizing and incremental rehash -------------------------------------

  private expandIfNeeded(): void {
    if (this.t1 !== null) return;
    if (this.size + 1 > this.t0.length) this.startRehash(this.t0.length * 2);
  }

  /** Shrink the bucket array when it is mostly empty (called after deletes / by cron). */
  shrinkIfNeeded(): void {
    if (this.t1 !== null || this.t0.length <= INIT_BUCKETS) return;
    if (this.size * MIN_FILL >= this.t0.length) return;
    let n = INIT_BUCKETS;
    while (n < this.size) n *= 2;
    this.startRehash(n);
    if (this.size === 0) this.compactPool();
  }

  private startRehash(n: number): void {
    this.t1 = emptyBuckets(n);
    this.rehashIdx = 0;
    if (this.size === 0) this.finishRehash();
  }

  private finishRehash(): void {
    this.t0 = this.t1 as Int32Array;
    this.t1 = null;
    this.rehashIdx = -1;
  }

  /** Release the pool's memory when the dict became empty through deletes. */
  private compactPool(): void {
    if (this.size !== 0 || this.used < 64) return;
    this.resetPool();
  }

  /** Migrate up to one non-empty bucket (visiting at most 10 empty ones). */
  private rehashStep(): void {
    const t0 = this.t0, t1 = this.t1 as Int32Array;
    const m1 = t1.length - 1;
    let empty = 10;
    while (this.rehashIdx < t0.length) {
      let i = t0[this.rehashIdx];
      if (i < 0) {
        this.rehashIdx++;
        if (--empty === 0) return;
        continue;
      }
      while (i >= 0) {
        const pg = i >>> PAGE_BITS, o = i & PAGE_MASK;
        const nx = this.np[pg][o];
        const b = this.hp[pg][o] & m1;
        this.np[pg][o] = t1[b];
        t1[b] = i;
        i = nx;
      }
      t0[this.rehashIdx++] = -1;
      break;
    }
    if (this.rehashIdx >= t0.length) this.finishRehash();
  }

  get rehashing(): boolean {
    return this.t1 !== null;
  }

  /** Buckets in both tables (Redis's dictSlots); active expiry skips very sparse tables. */
  get buckets(): number {
    return this.t0.length + (this.t1 !== null ? this.t1.length : 0);
  }

  /** Rehash for about `ms` milliseconds (cron). Returns true if still rehashing. */
  rehashFor(ms: number): boolean {
    if (this.t1 === null) return false;
    const end = performance.now() + ms;
    do {
      for (let k = 0; k < 100 && this.t1 !== null; k++) this.rehashStep();
    } while (this.t1 !== null && performance.now() < end);
    return this.t1 !== null;
  }

  // --- iteration -----------------------------------------------------------

  /** Slot capacity for index iteration with keyAt/valAt (null keys are free slots). */
  get slots(): number {
    return this.used;
  }
  keyAt(i: number): string | null {
    return this.kp[i >>> PAGE_BITS][i & PAGE_MASK];
  }
  valAt(i: number): V {
    return this.vp[i >>> PAGE_BITS][i & PAGE_MASK];
  }
  /** Overwrite the value in a slot found with find() (no rehash, no lookup). */
  setValAt(i: number, v: V): void {
    this.vp[i >>> PAGE_BITS][i & PAGE_MASK] = v;
  }
  metaAt(i: number): number {
    return this.mp[i >>> PAGE_BITS][i & PAGE_MASK];
  }
  setMetaAt(i: number, m: number): void {
    this.mp[i >>> PAGE_BITS][i & PAGE_MASK] = m;
  }

  /** Snapshot of all keys (KEYS, FLUSH notifications, type conversions). */
  keyList(): string[] {
    const out: string[] = new Array(0);
    for (let pg = 0; pg < this.kp.length; pg++) {
      const keys = this.kp[pg];
      for (let o = 0; o < keys.length; o++) {
        const k = keys[o];
        if (k !== null) out.push(k);
      }
    }
    return out;
  }

  /**
   * One SCAN step (Redis's dictScan): appends the keys of the bucket(s) at
   * `cursor` to `out` and returns the next cursor (0 when done). Every key
   * present from the first to the last call is returned at least once, even
   * across resizes, because the cursor advances in reverse-binary order.
   */
  scan(cursor: number, out: string[], outVals?: V[]): number {
    if (this.size === 0) return 0;
    let v = cursor >>> 0;
    if (this.t1 === null) {
      const m0 = this.t0.length - 1;
      this.emitBucket(this.t0, v & m0, out, outVals);
      v |= ~m0;
      v = rev32(v); v = (v + 1) >>> 0; v = rev32(v);
      return v;
    }
    let small = this.t0, large = this.t1;
    if (small.length > large.length) { small = this.t1; large = this.t0; }
    const m0 = small.length - 1, m1 = large.length - 1;
    this.emitBucket(small, v & m0, out, outVals);
    do {
      this.emitBucket(large, v & m1, out, outVals);
      v |= ~m1;
      v = rev32(v); v = (v + 1) >>> 0; v = rev32(v);
    } while (v & (m0 ^ m1));
    return v;
  }

  /** Append a bucket's keys to `out` (and their values to `outVals` when given: active expiry). */
  private emitBucket(t: Int32Array, b: number, out: string[], outVals?: V[]): void {
    let i = t[b];
    while (i >= 0) {
      const pg = i >>> PAGE_BITS, o = i & PAGE_MASK;
      out.push(this.kp[pg][o] as string);
      if (outVals !== undefined) outVals.push(this.vp[pg][o]);
      i = this.np[pg][o];
    }
  }

  /** A random key, or null if empty (Redis's dictGetRandomKey: random bucket, random chain element). */
  /**
   * Up to `count` occupied slots from one random point of the slot pool,
   * walking forward (wrapping) at most count * 10 slots, like Redis's
   * dictGetSomeKeys: cheap, roughly random, possibly fewer than asked (a
   * sparse pool) and never duplicated. Appends slot indexes to `out`.
   */
  sampleSlots(count: number, out: number[]): number {
    const used = this.used;
    if (this.size === 0 || used === 0) return 0;
    let i = (Math.random() * used) | 0;
    let got = 0;
    const steps = Math.min(used, count * 10);
    for (let k = 0; k < steps && got < count; k++) {
      if (this.kp[i >>> PAGE_BITS][i & PAGE_MASK] !== null) {
        out.push(i);
        got++;
      }
      if (++i === used) i = 0;
    }
    return got;
  }

  randomKey(): string | null {
    if (this.size === 0) return null;
    if (this.rehashIdx >= 0) this.rehashStep();
    let head = -1;
    for (let tries = 0; head < 0; tries++) {
      if (tries > 64) {
        // Sparse table: fall back to a slot scan from a random point.
        const start = (Math.random() * this.used) | 0;
        for (let k = 0; k < this.used; k++) {
          const key = this.keyAt((start + k) % this.used);
          if (key !== null) return key;
        }
        return null;
      }
      if (this.t1 !== null) {
        const span = this.t0.length + this.t1.length - this.rehashIdx;
        const r = this.rehashIdx + ((Math.random() * span) | 0);
        head = r >= this.t0.length ? this.t1[r - this.t0.length] : this.t0[r];
      } else {
        head = this.t0[(Math.random() * this.t0.length) | 0];
      }
    }
    let len = 0;
    for (let i = head; i >= 0; i = this.nextOf(i)) len++;
    let pick = (Math.random() * len) | 0;
    let i = head;
    while (pick-- > 0) i = this.nextOf(i);
    return this.keyAt(i);
  }
}
