/* ==========================================================================
 * List values: a ring-buffer deque of latin1 strings.
 *
 * Redis 7.0 keeps every list as a quicklist (OBJECT ENCODING 'quicklist',
 * whatever the size and the list-max-listpack-size setting). We need the
 * same costs that matter to clients: O(1) push and pop at both ends, O(1)
 * access by index (LINDEX/LSET/LRANGE), and middle inserts / removals that
 * move only the shorter side. A power-of-two ring buffer gives all of that
 * with one flat array of string pointers; it grows by doubling (amortised
 * O(1) push) and shrinks when it becomes mostly empty, so a drained list
 * does not pin its peak memory.
 * ========================================================================== */

import { ObjType, RObj } from './values';

const MIN_CAP = 8;

export class ListValue extends RObj {
  readonly type = ObjType.LIST;
  /** Ring storage; slots outside [head, head+len) hold '' (no stale references). */
  items: string[];
  /** Index of the first element in `items`. */
  head: number;
  /** Number of elements. */
  len: number;
  /** items.length - 1 (capacity is a power of two). */
  mask: number;

  constructor(cap = MIN_CAP) {
    super();
    let c = MIN_CAP;
    while (c < cap) c *= 2;
    this.items = new Array<string>(c).fill('');
    this.head = 0;
    this.len = 0;
    this.mask = c - 1;
  }

  /** Redis 7.0 reports every list as a quicklist. */
  encoding(): string {
    return 'quicklist';
  }

  /** Independent copy (COPY), compacted to start at slot 0. */
  dup(): ListValue {
    const l = new ListValue(this.len);
    for (let i = 0; i < this.len; i++) l.items[i] = this.items[(this.head + i) & this.mask];
    l.len = this.len;
    return l;
  }

  /** Element at index i (0 <= i < len). */
  get(i: number): string {
    return this.items[(this.head + i) & this.mask];
  }

  /** Replace element i (0 <= i < len). */
  set(i: number, v: string): void {
    this.items[(this.head + i) & this.mask] = v;
  }

  /** Reallocate to capacity `cap` (>= len, power of two), compacting to slot 0. */
  private resize(cap: number): void {
    const n = new Array<string>(cap);
    const items = this.items, len = this.len, h = this.head;
    // Two straight runs (no masking): [h, end of ring) then the wrapped part from slot 0.
    const first = Math.min(len, this.mask + 1 - h);
    for (let i = 0; i < first; i++) n[i] = items[h + i];
    for (let i = first; i < len; i++) n[i] = items[i - first];
    for (let i = len; i < cap; i++) n[i] = '';
    this.items = n;
    this.head = 0;
    this.mask = cap - 1;
  }

  /** Shrink when at most a quarter full (keeps pops amortised O(1)). */
  private maybeShrink(): void {
    const cap = this.mask + 1;
    if (cap > MIN_CAP && this.len <= cap >>> 2) this.resize(Math.max(MIN_CAP, cap >>> 1));
  }

  pushTail(v: string): void {
    if (this.len > this.mask) this.resize((this.mask + 1) * 2);
    this.items[(this.head + this.len) & this.mask] = v;
    this.len++;
  }

  pushHead(v: string): void {
    if (this.len > this.mask) this.resize((this.mask + 1) * 2);
    this.head = (this.head - 1) & this.mask;
    this.items[this.head] = v;
    this.len++;
  }

  /** Remove and return the first element (caller checks len > 0). */
  popHead(): string {
    const v = this.items[this.head];
    this.items[this.head] = '';
    this.head = (this.head + 1) & this.mask;
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** Remove and return the last element (caller checks len > 0). */
  popTail(): string {
    const slot = (this.head + this.len - 1) & this.mask;
    const v = this.items[slot];
    this.items[slot] = '';
    this.len--;
    this.maybeShrink();
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

  /**
   * Insert `v` so that it becomes element i (0 <= i <= len), moving the
   * shorter side of the list by one slot.
   */
  insertAt(i: number, v: string): void {
    if (i === 0) return this.pushHead(v);
    if (i === this.len) return this.pushTail(v);
    if (this.len > this.mask) this.resize((this.mask + 1) * 2);
    const items = this.items, m = this.mask;
    if (i < this.len - i) {
      // Shift elements [0, i) one slot to the left.
      this.head = (this.head - 1) & m;
      for (let k = 0; k < i; k++) items[(this.head + k) & m] = items[(this.head + k + 1) & m];
    } else {
      // Shift elements [i, len) one slot to the right.
      for (let k = this.len; k > i; k--) items[(this.head + k) & m] = items[(this.head + k - 1) & m];
    }
    items[(this.head + i) & m] = v;
    this.len++;
  }

  /** Keep only elements [start, start+count) (LTRIM, range pops). */
  keepRange(start: number, count: number): void {
    const m = this.mask;
    for (let k = 0; k < start; k++) this.items[(this.head + k) & m] = '';
    for (let k = start + count; k < this.len; k++) this.items[(this.head + k) & m] = '';
    this.head = (this.head + start) & m;
    this.len = count;
    this.maybeShrinkFully();
  }

  /**
   * Remove elements equal to `v`, scanning from the head (fromTail=false)
   * or the tail, at most `limit` of them (0 = all). Returns how many were
   * removed. One compacting pass over the list.
   */
  removeMatching(v: string, limit: number, fromTail: boolean): number {
    const n = this.len, items = this.items, m = this.mask, h = this.head;
    let removed = 0;
    if (!fromTail) {
      let w = 0;
      for (let r = 0; r < n; r++) {
        const e = items[(h + r) & m];
        if (e === v && (limit === 0 || removed < limit)) {
          removed++;
          continue;
        }
        if (w !== r) items[(h + w) & m] = e;
        w++;
      }
      for (let k = w; k < n; k++) items[(h + k) & m] = '';
    } else {
      let w = n - 1;
      for (let r = n - 1; r >= 0; r--) {
        const e = items[(h + r) & m];
        if (e === v && (limit === 0 || removed < limit)) {
          removed++;
          continue;
        }
        if (w !== r) items[(h + w) & m] = e;
        w--;
      }
      for (let k = 0; k <= w; k++) items[(h + k) & m] = '';
      this.head = (h + w + 1) & m;
    }
    this.len = n - removed;
    if (removed > 0) this.maybeShrinkFully();
    return removed;
  }

  /** Shrink repeatedly after a bulk removal. */
  private maybeShrinkFully(): void {
    let cap = this.mask + 1;
    const old = cap;
    while (cap > MIN_CAP && this.len <= cap >>> 2) cap >>>= 1;
    if (cap !== old) this.resize(cap);
  }

  /** Build from elements in order. */
  static from(elems: readonly string[]): ListValue {
    const l = new ListValue(elems.length);
    for (let i = 0; i < elems.length; i++) l.items[i] = elems[i];
    l.len = elems.length;
    return l;
  }
}
